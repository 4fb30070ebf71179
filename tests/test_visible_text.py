"""No raw internals where a user looks: every list, detail, preview and history page of the demo,
rendered as each role, shows no «None», no ISO date, no database constraint name and no English
word of the deny-list in its visible text (issue 15, item 6)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db.models import Q
from django.urls import reverse

from accounts.models import Organization, User
from tests.test_url_walk import ROLES, _paths, all_patterns, seeded  # noqa: F401  (fixture)
from tests.url_walk_registry import EXEMPT, EXTRA_KWARGS, OBJECT_URLS, STATIC_KWARGS

# English words a Russian user should never meet: Python values, status codes of our models,
# untranslated interface words of Django and its libraries
DENY = {
    "None",
    "True",
    "False",
    "null",
    "undefined",
    "NaN",
    "Traceback",
    "Error",
    "object",
    "draft",
    "submitted",
    "returned",
    "accepted",
    "pending",
    "sending",
    "sent",
    "skipped",
    "failed",
    "done",
    "overdue",
    "in_progress",
    "not_started",
    "not_due",
    "forming",
    "active",
    "completed",
    "stopped",
    "mentor",
    "mentee",
    "curator",
    "coordinator",
    "methodologist",
    "head",
    "school",
    "municipal",
    "once",
    "yearly",
    "quarterly",
    "monthly",
    "relative",
    "Select",
    "Add",
    "Delete",
    "Change",
    "History",
    "Save",
    "Submit",
    "Search",
    "Filter",
    "Previous",
    "Next",
    "Export",
    "Import",
    "Home",
    "Yes",
    "No",
    "Unknown",
    "Page",
    "of",
}
# Admin screens of libraries whose own forms show raw JSON arguments (celery beat's task args) or
# log rows named by ISO timestamps (axes); only administrators open them, for diagnostics.
THIRD_PARTY_ADMIN = {"django_celery_beat", "axes"}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
PYTHON_VALUES = re.compile(r"\{\}|\{'|\[\]|\['|<QuerySet|object at 0x|\bpk=\d|\bid=\d")
URL_OR_MAIL = re.compile(r"(https?://\S+|\S+@\S+|\S+\.(xlsx|docx|pdf|csv|doc|xls)\b)")
WORD = re.compile(r"[A-Za-z_]+")


class _Text(HTMLParser):
    """The text a user sees or hears: no scripts, styles or head."""

    SKIP = {"script", "style", "head", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def constraint_names() -> set[str]:
    names = set()
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            names.add(constraint.name)
    return {n for n in names if len(n) > 6}


def problems_in(text: str, constraints: set[str]) -> list[str]:
    found = []
    if ISO_DATE.search(text):
        found.append(f"ISO-дата {ISO_DATE.search(text).group(0)}")
    found += [f"значение Python {m!r}" for m in PYTHON_VALUES.findall(text)]
    found += [f"ограничение {c}" for c in constraints if c in text]
    words = set(WORD.findall(URL_OR_MAIL.sub(" ", text)))
    found += [f"слово {w!r}" for w in sorted(words & DENY)]
    return found


def _own(model, municipality, organization):
    """An object of the user's own side: of their school for school roles, of their city otherwise."""
    qs = model._default_manager.all()
    if organization is not None:
        paths = _paths(model, "organization")
        if paths:
            q = Q()
            for path in paths:
                q |= Q(**{path: organization.pk})
            return qs.filter(q).order_by("pk").first()
    paths = _paths(model, "municipality")
    if not paths:
        return qs.order_by("pk").first()
    q = Q()
    for path in paths:
        q |= Q(**{path: municipality.pk})
    return qs.filter(q).order_by("pk").first()


def _site_urls(municipality, organization):
    for route, name, kwargs in all_patterns():
        if route.startswith("admin/") or not name or name in EXEMPT:
            continue
        if not kwargs or name in STATIC_KWARGS:
            yield name, reverse(name, kwargs=STATIC_KWARGS.get(name))
            continue
        if name not in OBJECT_URLS:
            continue
        label, kwarg, _options = OBJECT_URLS[name]
        obj = _own(apps.get_model(label), municipality, organization)
        if obj is None:
            continue
        values = {kwarg: obj.pk, **EXTRA_KWARGS.get(name, {})}
        yield name, reverse(name, kwargs={k: v for k, v in values.items() if k in kwargs})


@pytest.mark.slow(seconds=25)
def test_no_raw_internals_on_any_page_as_any_role(seeded, client):  # noqa: F811  (the walk's fixture)
    home, _foreign = seeded
    constraints = constraint_names()
    failures: list[str] = []
    pages = 0
    for username in [*ROLES, "admin"]:
        user = User.objects.filter(username=username).first() or User.objects.filter(is_superuser=True).first()
        client.force_login(user)
        org_id = user.roles.filter(organization__isnull=False).values_list("organization", flat=True).first()
        organization = Organization.objects.get(pk=org_id) if org_id else None
        for name, url in _site_urls(home, organization):
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            found = problems_in(visible_text(response.content.decode()), constraints)
            if found:
                failures.append(f"{username} {url} ({name}): {', '.join(found[:5])}")
    # the admin, as the administrator: every list, one object's form and its history
    from django.contrib import admin

    client.force_login(User.objects.filter(is_superuser=True).first())
    for model, _model_admin in admin.site._registry.items():
        if model._meta.app_label in THIRD_PARTY_ADMIN:
            continue
        info = model._meta.app_label, model._meta.model_name
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls += [
                reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
                reverse("admin:{}_{}_history".format(*info), args=[obj.pk]),
            ]
        for url in urls:
            response = client.get(url)
            if response.status_code != 200:
                continue
            pages += 1
            found = problems_in(visible_text(response.content.decode()), constraints)
            if found:
                failures.append(f"admin {url}: {', '.join(found[:5])}")
    assert pages > 100, pages
    assert not failures, "\n".join(failures)


def test_the_checker_finds_what_it_must():
    text = visible_text(
        "<html><head><title>x</title></head><body><p>Статус: draft, срок 2026-05-01</p>"
        "<script>var a = null;</script><a href='https://x.ru/None'>сайт</a> None"
        "<input placeholder='Search'> reminder_log_unique_key</body></html>"
    )
    found = problems_in(text, {"reminder_log_unique_key"})
    assert "ISO-дата 2026-05-01" in found and "слово 'draft'" in found and "слово 'None'" in found
    assert "слово 'Search'" in found and "ограничение reminder_log_unique_key" in found
    assert "null" not in " ".join(found)
    assert "значение Python '{}'" in problems_in("Параметры: {}", set())  # scripts are not visible text
    assert problems_in(visible_text("<p>Почта kurator@school.example.ru, сайт https://s1.ru/head</p>"), set()) == []
