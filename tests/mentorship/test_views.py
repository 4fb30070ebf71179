"""Every screen as insider (curator), read-only (head, methodologist) and outsider (other school or municipality)."""

import datetime as dt

import pytest
from django.urls import reverse

from mentorship.models import Community, Event, PairStatus, Person, Practice, PracticeFile
from tests.mentorship.factories import (
    ConsentFactory,
    MenteeFactory,
    MentorFactory,
    form,
    make_meeting,
    make_pair,
    make_program,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(world):
    school = world.home.school
    pair = make_pair(school, status=PairStatus.ACTIVE, order_number="1", order_date=dt.date(2025, 9, 1))
    program = make_program(pair, is_published=True, published_on=dt.date(2025, 10, 1))
    item = program.items.create(title="Встреча-знакомство", stage="acquaintance")
    meeting = make_meeting(pair)
    consent = pair.mentees[0].consents.first()
    practice = Practice.objects.create(organization=school, title="Кейс", authors="Иванова", description="Описание")
    pfile = PracticeFile.objects.create(practice=practice, file="mentorship/practices/x.txt")
    event = Event.objects.create(
        municipality=world.home.municipality, organization=school, title="Семинар", starts_on=dt.date(2025, 10, 1)
    )
    community = Community.objects.create(municipality=world.home.municipality, organization=school, title="Клуб")
    waiting = MenteeFactory(organization=school)
    return {
        "pair": pair,
        "program": program,
        "item": item,
        "meeting": meeting,
        "consent": consent,
        "practice": practice,
        "file": pfile,
        "event": event,
        "community": community,
        "person": pair.mentors[0],
        "waiting": waiting,
    }


READ_URLS = [
    ("person_detail", "person"),
    ("pair_detail", "pair"),
    ("mentee_match", "waiting"),
    ("practice_detail", "practice"),
    ("event_detail", "event"),
    ("community_detail", "community"),
]
EDIT_GET_URLS = [
    ("person_edit", "person"),
    ("consent_create", "person"),
    ("pair_edit", "pair"),
    ("pair_complete", "pair"),
    ("pair_stop", "pair"),
    ("meeting_create", "pair"),
    ("meeting_edit", "meeting"),
    ("program_edit", "program"),
    ("practice_edit", "practice"),
]
EDIT_POST_URLS = [
    ("pair_activate", "pair"),
    ("plan_item_toggle", "item"),
    ("program_publish", "program"),
    ("consent_withdraw", "consent"),
]
LISTS = [
    "dashboard",
    "person_list",
    "mentor_list",
    "mentee_list",
    "waiting_list",
    "pair_list",
    "program_bank",
    "practice_list",
    "event_list",
    "community_list",
]


@pytest.mark.parametrize("name", LISTS)
def test_lists_open_for_every_role_and_show_only_scope(world, data, client_for, name):
    home = client_for(world.home.curator).get(reverse(f"mentorship:{name}"))
    assert home.status_code == 200
    for user in (world.home.head, world.home.methodologist, world.home.coordinator, world.foreign.curator):
        assert client_for(user).get(reverse(f"mentorship:{name}")).status_code == 200


def test_outsider_list_shows_nothing_of_the_school(world, data, client_for):
    person = data["person"]
    for user in (world.foreign.curator, world.foreign.coordinator):
        client = client_for(user)
        for name in ("person_list", "mentor_list", "pair_list", "mentee_list", "waiting_list"):
            assert person.last_name not in client.get(reverse(f"mentorship:{name}")).content.decode()
    # a curator of another school of the same municipality does not see it either
    other = _curator_of(world.home.other_school)
    assert person.last_name not in client_for(other).get(reverse("mentorship:pair_list")).content.decode()


def _curator_of(school):
    from accounts.models import Role
    from tests.factories import user_with_role

    return user_with_role(Role.CURATOR, organization=school)


@pytest.mark.parametrize("name,key", READ_URLS)
def test_detail_pages_insider_readonly_outsider(world, data, client_for, name, key):
    url = reverse(f"mentorship:{name}", args=[data[key].pk])
    assert client_for(world.home.curator).get(url).status_code == 200
    assert client_for(world.home.head).get(url).status_code == 200
    assert client_for(world.home.methodologist).get(url).status_code == 200
    assert client_for(world.foreign.curator).get(url).status_code == 404
    assert client_for(world.foreign.coordinator).get(url).status_code == 404
    assert client_for(_curator_of(world.home.other_school)).get(url).status_code == 404


@pytest.mark.parametrize("name,key", EDIT_GET_URLS)
def test_edit_pages_insider_readonly_outsider(world, data, client_for, name, key):
    url = reverse(f"mentorship:{name}", args=[data[key].pk])
    assert client_for(world.home.curator).get(url).status_code == 200
    assert client_for(world.home.coordinator).get(url).status_code == 200
    assert client_for(world.home.head).get(url).status_code == 403
    assert client_for(world.home.methodologist).get(url).status_code == 403
    assert client_for(world.foreign.curator).get(url).status_code == 404
    assert client_for(_curator_of(world.home.other_school)).get(url).status_code == 404


@pytest.mark.parametrize("name,key", EDIT_POST_URLS)
def test_actions_readonly_403_outsider_404(world, data, client_for, name, key):
    url = reverse(f"mentorship:{name}", args=[data[key].pk])
    assert client_for(world.home.head).post(url).status_code == 403
    assert client_for(world.foreign.curator).post(url).status_code == 404
    assert client_for(world.home.curator).post(url).status_code == 302


def test_create_pages_refuse_read_only_users(world, client_for):
    for name in ("person_create", "pair_create", "practice_create", "suggest_all", "import_list"):
        url = reverse(f"mentorship:{name}")
        assert client_for(world.home.curator).get(url).status_code == 200
        assert client_for(world.home.head).get(url).status_code == 403
        assert client_for(world.home.methodologist).get(url).status_code == 403


def test_files_are_scoped(world, data, client_for, settings, tmp_path):
    url = reverse("mentorship:practice_file", args=[data["file"].pk])
    assert client_for(world.foreign.curator).get(url).status_code == 404
    scan_url = reverse("mentorship:consent_scan", args=[data["consent"].pk])
    assert client_for(world.foreign.curator).get(scan_url).status_code == 404
    assert client_for(world.home.head).get(scan_url).status_code == 403


def test_curator_adds_person_and_duplicates_are_refused(world, client_for):
    client = client_for(world.home.curator)
    payload = {
        "organization": world.home.school.pk,
        "kind": "educator",
        "last_name": "Петрова",
        "first_name": "Анна",
        "middle_name": "Викторовна",
        "is_mentor": "on",
        "capacity": 3,
        "mentee_since": "",
    }
    response = client.post(reverse("mentorship:person_create"), payload)
    assert response.status_code == 302
    person = Person.objects.get(last_name="Петрова")
    assert person.history.first().history_user == world.home.curator
    again = client.post(reverse("mentorship:person_create"), {**payload, "last_name": " петрова "})
    assert again.status_code == 200
    assert "уже есть в организации" in again.content.decode()
    # the curator cannot put a person into another school, even by posting its id
    foreign = client.post(
        reverse("mentorship:person_create"),
        {**payload, "organization": world.home.other_school.pk, "last_name": "Другая"},
    )
    assert foreign.status_code == 200 and not Person.objects.filter(last_name="Другая").exists()


def test_contacts_hidden_outside_the_organization_without_consent(world, client_for):
    mentor = MentorFactory(organization=world.home.school, email="secret@example.ru", in_municipal_bank=True)
    url = reverse("mentorship:person_detail", args=[mentor.pk])
    assert "secret@example.ru" in client_for(world.home.curator).get(url).content.decode()
    assert "secret@example.ru" not in client_for(world.home.coordinator).get(url).content.decode()
    ConsentFactory(person=mentor)
    assert "secret@example.ru" in client_for(world.home.coordinator).get(url).content.decode()
    # a curator of another school sees the bank mentor by name, organization and competencies only
    other = client_for(_curator_of(world.home.other_school))
    assert mentor.last_name in other.get(reverse("mentorship:mentor_list")).content.decode()
    card = other.get(reverse("mentorship:mentor_card", args=[mentor.pk])).content.decode()
    assert mentor.last_name in card and "secret@example.ru" not in card
    assert other.get(url).status_code == 404


def test_pair_flow_through_views(world, client_for):
    client = client_for(world.home.curator)
    mentor, mentee = MentorFactory(organization=world.home.school), MenteeFactory(organization=world.home.school)
    response = client.post(
        reverse("mentorship:pair_create"),
        {
            "organization": world.home.school.pk,
            "form": form().pk,
            "mentors": [mentor.pk],
            "mentees": [mentee.pk],
            "order_number": "15-о",
            "order_date": "01.09.2025",
            "started_on": "02.09.2025",
        },
    )
    assert response.status_code == 302
    pair = mentee.participations.get().pair
    response = client.post(reverse("mentorship:pair_activate", args=[pair.pk]), follow=True)
    assert "Нет согласия" in response.content.decode()
    ConsentFactory(person=mentor)
    ConsentFactory(person=mentee)
    client.post(reverse("mentorship:pair_activate", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE
    response = client.post(
        reverse("mentorship:meeting_create", args=[pair.pk]),
        {
            "held_on": "10.09.2025",
            "format": "in_person",
            "stage": "acquaintance",
            "topic": "Знакомство",
            "duration_minutes": 45,
            "mentor_rating": 9,
            "mentor_feedback": "",
            "mentee_rating": "",
            "mentee_feedback": "",
        },
    )
    assert "Добавьте к оценке наставника" in response.content.decode()
    response = client.post(reverse("mentorship:pair_stop", args=[pair.pk]), {"reason": "Переезд", "on": "01.12.2025"})
    pair.refresh_from_db()
    assert pair.status == PairStatus.STOPPED and pair.ended_on == dt.date(2025, 12, 1)
    detail = client.get(reverse("mentorship:pair_detail", args=[pair.pk])).content.decode()
    assert "Прекращена досрочно" in detail and "Переезд" in detail and "История изменений пары" in detail


def test_suggest_all_confirms_reviewed_drafts_in_one_step(world, client_for):
    client = client_for(world.home.curator)
    mentor = MentorFactory(organization=world.home.school, capacity=2)
    mentees = [MenteeFactory(organization=world.home.school) for _ in range(2)]
    page = client.get(reverse("mentorship:suggest_all"))
    assert page.status_code == 200 and mentor.last_name in page.content.decode()
    payload = {"include": [m.pk for m in mentees]}
    for m in mentees:
        payload[f"mentor_{m.pk}"] = mentor.pk
        payload[f"form_{m.pk}"] = form().pk
    assert client.post(reverse("mentorship:suggest_all"), payload).status_code == 302
    assert mentor.participations.count() == 2


def test_waiting_list_shows_days(world, client_for):
    mentee = MenteeFactory(organization=world.home.school)
    today = world.home.municipality.today()  # the page counts days in the school's own day, not the server's
    Person.objects.filter(pk=mentee.pk).update(mentee_since=today - dt.timedelta(days=12))
    html = client_for(world.home.curator).get(reverse("mentorship:waiting_list")).content.decode()
    assert mentee.last_name in html and ">12<" in html
