"""Website check against a local HTTP server only (never the internet)."""

import http.server
import threading

import pytest
from django.urls import reverse

from monitoring.models import WebsiteCheck, WebsiteCheckRun

PAGE = """<html><body><h1>Наставничество</h1><p>Целевая модель наставничества в школе.</p>
<a href="/docs/polozhenie.pdf">Положение о наставничестве</a> <a href="prikaz.docx">Приказ</a>
<a href="/news/">Новости</a></body></html>"""


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the stdlib's name)
        if self.path == "/nastavnichestvo":
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        elif self.path == "/empty":
            body = "<html><body>Новости школы</body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
        else:
            body = b"not found"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_website_check_records_results(world, local_site, client_for, django_capture_on_commit_callbacks):
    from tests.factories import OrganizationFactory

    w = world
    w.home.school.mentoring_page_url = f"{local_site}/nastavnichestvo"
    w.home.school.save()
    w.home.other_school.mentoring_page_url = f"{local_site}/missing"
    w.home.other_school.save()
    third = OrganizationFactory(municipality=w.home.municipality, mentoring_page_url=f"{local_site}/empty")
    dead = OrganizationFactory(municipality=w.home.municipality, mentoring_page_url="http://127.0.0.1:9/closed")
    client = client_for(w.home.methodologist)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("monitoring:websites"), {"municipality": w.home.municipality.pk}).status_code == 302
    run = WebsiteCheckRun.objects.get()
    assert run.finished_at is not None
    checks = {c.organization_id: c for c in WebsiteCheck.objects.filter(run=run)}
    ok = checks[w.home.school.pk]
    assert ok.reachable and ok.status_code == 200 and ok.mentions_mentoring
    assert [d["url"] for d in ok.documents] == [f"{local_site}/docs/polozhenie.pdf", f"{local_site}/prikaz.docx"]
    assert checks[w.home.other_school.pk].status_code == 404 and not checks[w.home.other_school.pk].reachable
    assert checks[third.pk].reachable and not checks[third.pk].mentions_mentoring
    assert not checks[dead.pk].reachable and checks[dead.pk].error
    page = client.get(reverse("monitoring:websites")).content.decode()
    assert "Положение о наставничестве" in page and "Соответствуют: 1 из 4" in page
    # outsiders: the foreign methodologist sees no run of ours and cannot start one here
    foreign = client_for(w.foreign.methodologist)
    assert w.home.school.short_name not in foreign.get(reverse("monitoring:websites")).content.decode()
    assert foreign.post(reverse("monitoring:websites"), {"municipality": w.home.municipality.pk}).status_code == 404
    assert client_for(w.home.curator).get(reverse("monitoring:websites")).status_code == 403
