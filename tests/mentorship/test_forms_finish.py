"""Forms people finish: the person form in sections with searchable multi-selects and the consent,
dates of meetings and plan items inside the pair's dates (and defaulted there), plan sorted by date."""

import datetime as dt
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from mentorship.models import Consent, Meeting, PairStatus, Person, PlanItem
from tests.mentorship.factories import MenteeFactory, MentorFactory, make_pair, make_program

pytestmark = pytest.mark.django_db
SIGNED = dt.date.today() - dt.timedelta(days=30)


def test_person_form_in_sections_with_searchable_selects(world, client_for):
    page = client_for(world.home.curator).get(reverse("mentorship:person_create")).content.decode()
    for title in ("Человек", "Работа и контакты", "Наставник", "Наставляемый", "Согласие на обработку"):
        assert f">{title}" in page
    assert page.count('data-testid="form-section"') == 5
    assert 'data-tom-select="1"' in page  # subjects, competencies, deficits
    assert "vendor/tom-select/js/tom-select.complete.min.js" in page
    # every script and stylesheet comes from our own static files, none from another host (a CDN);
    # the page's tokens are random text, so the check reads the tags' addresses, not the whole page
    addresses = re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"']([^\"']+)", page)
    elsewhere = [a for a in addresses if not a.startswith("/") or a.startswith("//")]
    assert addresses and not elsewhere, elsewhere
    assert finders.find("vendor/tom-select/js/tom-select.complete.min.js")
    assert finders.find("vendor/tom-select/css/tom-select.bootstrap5.min.css")
    # read-only insider and outsider
    assert client_for(world.home.head).get(reverse("mentorship:person_create")).status_code == 403
    assert client_for(world.foreign.curator).get(reverse("mentorship:person_create")).status_code == 200


def test_new_person_with_consent_in_one_go(world, client_for):
    payload = {
        "organization": world.home.school.pk,
        "kind": "pupil",
        "last_name": "Соколов",
        "first_name": "Миша",
        "is_mentee": "on",
        "mentee_category": "pupil",
        "capacity": 1,
        "consent_given_on": f"{SIGNED:%d.%m.%Y}",
        "consent_representative": "Соколова Ирина Петровна",
    }
    response = client_for(world.home.curator).post(reverse("mentorship:person_create"), payload)
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get(last_name="Соколов")
    consent = Consent.objects.get(person=person)
    assert consent.given_on == SIGNED and consent.representative_name == "Соколова Ирина Петровна"
    # editing the card shows the same section with the current consent (tests/mentorship/test_consent_edit.py)
    edit = client_for(world.home.curator).get(reverse("mentorship:person_edit", args=[person.pk]))
    assert edit.context["form"]["consent_given_on"].value() == SIGNED


def test_a_pupil_s_new_consent_needs_the_parent_at_the_field(world, client_for):
    payload = {
        "organization": world.home.school.pk,
        "kind": "pupil",
        "last_name": "Соколов",
        "first_name": "Миша",
        "is_mentee": "on",
        "mentee_category": "pupil",
        "capacity": 1,
        "consent_given_on": f"{SIGNED:%d.%m.%Y}",
    }
    response = client_for(world.home.curator).post(reverse("mentorship:person_create"), payload)
    assert response.status_code == 200
    assert response.context["form"].errors["consent_representative"] == [
        "За обучающегося согласие даёт родитель: укажите его ФИО."
    ]
    assert not Person.objects.filter(last_name="Соколов").exists()


@pytest.fixture
def pair(world):
    mentor, mentee = MentorFactory(organization=world.home.school), MenteeFactory(organization=world.home.school)
    return make_pair(
        world.home.school,
        mentors=[mentor],
        mentees=[mentee],
        status=PairStatus.ACTIVE,
        started_on=dt.date(2026, 9, 1),
        planned_end_on=dt.date(2027, 5, 31),
    )


def test_meeting_date_checked_against_the_pair_and_defaulted_inside(world, client_for, pair, monkeypatch):
    from accounts import scoping

    monkeypatch.setattr(scoping, "user_today", lambda user: dt.date(2027, 8, 1))  # after the planned end
    client = client_for(world.home.curator)
    url = reverse("mentorship:meeting_create", args=[pair.pk])
    form = client.get(url).context["form"]
    assert form["held_on"].value() == dt.date(2027, 5, 31)
    base = {"format": "in_person", "stage": "joint", "topic": "Знакомство", "duration_minutes": 45}
    early = client.post(url, {**base, "held_on": "20.08.2026"})
    assert early.status_code == 200
    assert "Дата встречи 20.08.2026 раньше начала работы пары (01.09.2026)." in early.content.decode()
    late = client.post(url, {**base, "held_on": "01.06.2027"})
    assert "позже плановой даты окончания пары (31.05.2027)" in late.content.decode()
    assert not Meeting.objects.filter(pair=pair).exists()
    assert client.post(url, {**base, "held_on": "15.09.2026"}).status_code == 302
    assert client_for(world.home.head).get(url).status_code == 403
    assert client_for(world.foreign.curator).get(url).status_code == 404


def test_plan_items_inside_the_pair_and_sorted_by_date(world, client_for, pair):
    program = make_program(pair)
    client = client_for(world.home.curator)
    url = reverse("mentorship:plan_item_add", args=[program.pk])
    client.post(url, {"title": "Слишком рано", "stage": "joint", "due_on": "01.01.2026"})
    assert not PlanItem.objects.filter(title="Слишком рано").exists()
    for title, due in (("Поздний", "01.04.2027"), ("Ранний", "01.10.2026"), ("Без срока", "")):
        assert client.post(url, {"title": title, "stage": "joint", "due_on": due}).status_code == 302
    page = client.get(reverse("mentorship:pair_detail", args=[pair.pk]))
    assert [i.title for i in page.context["plan_items"]] == ["Ранний", "Поздний", "Без срока"]
    assert page.context["item_form"]["due_on"].value() is not None
    assert client_for(world.home.head).post(url, {"title": "x", "stage": "joint"}).status_code == 403
    assert client_for(world.foreign.curator).post(url, {"title": "x", "stage": "joint"}).status_code == 404


# The Excel import in the main interface: the admin's preview first --------------------------------
def test_import_preview_with_row_errors_then_confirm_once(world, client_for, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from mentorship.models import ImportJob
    from tests.mentorship.xlsx import mentor_row
    from tests.xlsx import MENTOR_HEADERS, xlsx

    client = client_for(world.home.curator)
    url = reverse("mentorship:import_list")
    bad = ContentFile(xlsx(MENTOR_HEADERS, [mentor_row("Нет такой школы", 1)]), name="bad.xlsx")
    response = client.post(url, {"kind": "mentors", "file": bad})
    preview = response.context["preview"]
    html = response.content.decode()
    assert preview.problems and not preview.key and 'data-testid="import-problems"' in html
    assert "Организация «Нет такой школы» не найден" in html and "Подтвердить загрузку" not in html
    assert preview.problems[0].row == 2
    good = ContentFile(
        xlsx(MENTOR_HEADERS, [mentor_row(world.home.school.short_name, n) for n in range(3)]), name="good.xlsx"
    )
    response = client.post(url, {"kind": "mentors", "file": good})
    preview = response.context["preview"]
    assert preview.counts == {"new": 3, "update": 0, "skip": 0} and len(preview.rows) == 3
    assert "Подтвердить загрузку" in response.content.decode()
    assert not Person.objects.exists() and not ImportJob.objects.exists()  # nothing written yet
    # another user cannot confirm this preview
    foreign = client_for(world.foreign.curator).post(reverse("mentorship:import_confirm"), {"key": preview.key})
    assert foreign.status_code == 302 and not ImportJob.objects.exists()
    assert (
        client_for(world.home.head).post(reverse("mentorship:import_confirm"), {"key": preview.key}).status_code == 403
    )
    client = client_for(world.home.curator)  # client_for logs the one test client in as the user asked
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("mentorship:import_confirm"), {"key": preview.key})
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(reverse("mentorship:import_confirm"), {"key": preview.key})  # a double click
    job = ImportJob.objects.get()
    assert first.url == second.url == reverse("mentorship:import_detail", args=[job.pk])
    assert Person.objects.filter(is_mentor=True).count() == 3


def test_every_path_keeps_a_meeting_inside_the_pair(world, client_for, pair):
    from django.core.exceptions import ValidationError

    meeting = Meeting(pair=pair, held_on=dt.date(2027, 7, 1), topic="Летом", format="in_person", stage="joint")
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()  # the admin and a mentor's proposal call it
    assert "позже плановой даты окончания пары (31.05.2027)" in str(caught.value)
    meeting.held_on = dt.date(2026, 10, 1)
    meeting.full_clean()
    meeting.save()
    # editing a saved meeting: one message, not two
    url = reverse("mentorship:meeting_edit", args=[meeting.pk])
    base = {"format": "in_person", "stage": "joint", "topic": "Летом", "duration_minutes": 45}
    page = client_for(world.home.curator).post(url, {**base, "held_on": "01.08.2026"}).content.decode()
    assert page.count("раньше начала работы пары (01.09.2026)") == 1
