"""The matrix at scale: sort, filter by state, .xlsx export (scoped) and «напомнить отстающим»
(exactly once a day per organization, by a database key)."""

import io
import threading

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from notifications.kinds import Kind
from notifications.models import Notification, ReminderLog
from roadmaps import selectors, services
from roadmaps.models import ExecutionRecord, ExecutionStatus, LaggardReminder, local_today
from tests.factories import OrganizationFactory, user_with_role

pytestmark = pytest.mark.django_db


def _rows(response):
    return [row.organization for row in response.context["matrix"].rows]


def _finish_all(roadmap, organization):
    """Every record of the school due so far is done on time (so it is ahead of the other)."""
    today = local_today(roadmap.municipality)
    for record in ExecutionRecord.objects.filter(
        activity__roadmap__parent=roadmap, organization=organization, due__date__lte=today
    ).select_related("due"):
        record.status, record.completed_on, record.document_number = ExecutionStatus.DONE, record.due.date, "1"
        record.save()


def test_sort_by_name_and_rates_and_filter_by_state(client_for, world, home_roadmap):
    _finish_all(home_roadmap, world.home.other_school)
    client = client_for(world.home.coordinator)
    url = reverse("roadmaps:matrix", args=[home_roadmap.pk])
    by_name = _rows(client.get(url))
    assert by_name == sorted(by_name, key=lambda o: o.short_name.lower())
    assert _rows(client.get(url, {"sort": "-name"})) == by_name[::-1]
    low_first = _rows(client.get(url, {"sort": "reporting"}))
    high_first = _rows(client.get(url, {"sort": "-reporting"}))
    assert high_first[0] == world.home.other_school and low_first.index(world.home.school) < low_first.index(
        world.home.other_school
    )
    assert _rows(client.get(url, {"sort": "-timely"}))[0] == world.home.other_school
    overdue = _rows(client.get(url, {"state": "overdue"}))
    assert world.home.school in overdue and world.home.other_school not in overdue
    assert world.home.other_school in _rows(client.get(url, {"state": "done"}))
    # a bad value is a form error, not a 500
    assert client.get(url, {"sort": "pk; drop", "state": "x"}).status_code == 200


def test_export_xlsx_is_the_filtered_matrix_and_scoped(client_for, world, home_roadmap):
    url = reverse("roadmaps:matrix_export", args=[home_roadmap.pk])
    response = client_for(world.home.coordinator).get(url, {"sort": "-name"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Матрица исполнения", "Мероприятия"]
    names = [row[0] for row in book["Матрица исполнения"].iter_rows(min_row=5, values_only=True)][:-1]
    assert names == sorted([world.home.school.short_name, world.home.other_school.short_name], reverse=True)
    assert world.foreign.school.short_name not in str(list(book["Матрица исполнения"].values))
    filtered = client_for(world.home.coordinator).get(url, {"q": world.home.other_school.short_name})
    names = [r[0] for r in load_workbook(io.BytesIO(filtered.content)).active.iter_rows(min_row=5, values_only=True)]
    assert names[:-1] == [world.home.other_school.short_name]
    # read-only insider: the methodologist reads it; a curator sees only the own school; outsiders 404
    assert client_for(world.home.methodologist).get(url).status_code == 200
    curator = client_for(world.home.curator).get(url)
    rows = [r[0] for r in load_workbook(io.BytesIO(curator.content)).active.iter_rows(min_row=5, values_only=True)]
    assert rows[:-1] == [world.home.school.short_name]
    assert client_for(world.foreign.coordinator).get(url).status_code == 404
    assert client_for(world.foreign.curator).get(url).status_code == 404


def test_remind_laggards_once_a_day_under_a_double_click(
    client_for, world, home_roadmap, django_capture_on_commit_callbacks
):
    _finish_all(home_roadmap, world.home.other_school)
    second_curator = user_with_role("curator", organization=world.home.school, username="second_curator")
    client = client_for(world.home.coordinator)
    url = reverse("roadmaps:matrix_remind", args=[home_roadmap.pk])
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, follow=True)
    assert first.status_code == 200
    text = " ".join(str(m) for m in first.context["messages"])
    assert "Напоминание отправлено кураторам: 1 организация" in text
    notes = Notification.objects.filter(kind=Kind.ROADMAP_BEHIND)
    assert {n.recipient_id for n in notes} == {world.home.curator.pk, second_curator.pk}
    note = notes.first()
    assert note.title.startswith(f"В {world.home.school.short_name} просрочено ")
    assert "мероприяти" in note.title and "\n— " in note.message
    # the double click: nothing more is sent, the coordinator is told why
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, follow=True)
    assert "Сегодня уже напоминали" in " ".join(str(m) for m in again.context["messages"])
    assert LaggardReminder.objects.count() == 1
    assert Notification.objects.filter(kind=Kind.ROADMAP_BEHIND).count() == 2
    assert ReminderLog.objects.filter(kind=Kind.ROADMAP_BEHIND).count() == 2
    # another coordinator the same day: still once
    other = user_with_role("coordinator", municipality=world.home.municipality, username="coordinator2")
    result = services.matrix_remind_laggards(user=other, roadmap=home_roadmap)
    assert [o.pk for o in result.already] == [world.home.school.pk] and not result.reminded
    assert not Notification.objects.filter(recipient=world.foreign.curator).exists()


def test_remind_reports_schools_without_curator(world, home_roadmap):
    result = services.matrix_remind_laggards(user=world.home.coordinator, roadmap=home_roadmap)
    assert world.home.other_school in result.without_curator
    assert any("Нет куратора" in t for t in selectors.laggard_messages(result))


@pytest.mark.parametrize("who", ["methodologist", "curator", "head"])
def test_remind_refused_to_readers(client_for, world, home_roadmap, who):
    response = client_for(getattr(world.home, who)).post(
        reverse("roadmaps:matrix_remind", args=[home_roadmap.pk]), follow=True
    )
    assert response.status_code == 200
    assert "может координатор" in " ".join(str(m) for m in response.context["messages"])
    assert not LaggardReminder.objects.exists()


def test_remind_outsider_404(client_for, world, home_roadmap):
    url = reverse("roadmaps:matrix_remind", args=[home_roadmap.pk])
    assert client_for(world.foreign.coordinator).post(url).status_code == 404
    assert client_for(world.foreign.curator).post(url).status_code == 404
    assert not LaggardReminder.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_at_once_remind_once(world, import_sample):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sessions need PostgreSQL")
    roadmap = import_sample("000_567cfd1ce6be8eda.docx", world.home.municipality)
    services.roadmap_derive_school(roadmap=roadmap, organizations=[world.home.school], user=world.home.coordinator)
    OrganizationFactory(municipality=world.home.municipality)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.matrix_remind_laggards(user=world.home.coordinator, roadmap=roadmap))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(len(r.reminded) for r in results) == [0, 1]
    assert LaggardReminder.objects.count() == 1
    assert ReminderLog.objects.filter(kind=Kind.ROADMAP_BEHIND).count() == 1


# The derive form ---------------------------------------------------------------------------------
def test_derive_form_select_all_filter_by_type_and_existing_warning(client_for, world, home_roadmap):
    from accounts.models import OrganizationKind

    kindergarten = OrganizationFactory(
        municipality=world.home.municipality, kind=OrganizationKind.KINDERGARTEN, short_name="Детский сад № 5"
    )
    url = reverse("roadmaps:derive", args=[home_roadmap.pk])
    page = client_for(world.home.coordinator).get(url).content.decode()
    assert "Выбрать все" in page and "Снять все" in page and "data-check-group" in page
    assert (
        f'<option value="{OrganizationKind.KINDERGARTEN}">' in page
        and f'<option value="{OrganizationKind.SCHOOL}">' in page
    )
    assert f'data-kind="{OrganizationKind.KINDERGARTEN}"' in page and kindergarten.short_name in page
    # both schools already have their copy: the page says so before anything is sent
    assert 'data-testid="derive-existing"' in page and "уже созданы: 2 организации." in page
    assert page.count("карта ОО уже есть") == 2
    assert world.foreign.school.short_name not in page
    assert client_for(world.home.methodologist).get(url).status_code == 403
    assert client_for(world.foreign.coordinator).get(url).status_code == 404


def test_total_counts_the_due_dates_in_the_genitive_after_iz(client_for, world, home_roadmap):
    """«(2 из 21 наступившего срока)», «(2 из 5 наступивших сроков)»: the number after «из» governs."""
    from accounts.plurals import of_count

    response = client_for(world.home.coordinator).get(reverse("roadmaps:matrix", args=[home_roadmap.pk]))
    total = response.context["matrix"].total
    assert total.expected > 0
    page = response.content.decode()
    assert f"({total.done} из {of_count(total.expected, 'наступивший срок')})" in page
    wanted = "наступившего срока" if total.expected % 10 == 1 and total.expected % 100 != 11 else "наступивших сроков"
    assert f"из {total.expected} {wanted})" in page


def test_rates_of_every_school_are_read_only_when_needed(client_for, world, home_roadmap):
    """Sorted by name the page reads its own schools' records only; a state filter or a sort by a
    rate reads the grouped rates of all of them (and still orders by them)."""
    from django.test.utils import CaptureQueriesContext

    _finish_all(home_roadmap, world.home.other_school)
    client = client_for(world.home.coordinator)
    url = reverse("roadmaps:matrix", args=[home_roadmap.pk])

    def grouped(query: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url + query)
        assert response.status_code == 200
        return sum('AS "expected"' in q["sql"] for q in ctx.captured_queries)

    assert grouped("") == 0
    assert grouped("?sort=-name") == 0
    assert grouped("?sort=-timely") == 1
    assert grouped("?state=overdue") == 1
    rows = _rows(client.get(url + "?sort=-timely"))
    assert rows[0] == world.home.other_school
