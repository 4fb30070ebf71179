"""The consent section on an existing person's form (152-ФЗ): the current consent is corrected in
place with its history kept, a new one is added when none is valid, and a withdrawal date withdraws
it — which anonymizes the person and closes a participant's account when no other consent is valid.
Insider, read-only insider and outsider."""

import datetime as dt

import pytest
from django.urls import reverse

from mentorship.models import Consent, DestructionAct, Person
from tests.mentorship.factories import ConsentFactory, MenteeFactory, MentorFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
SIGNED = TODAY - dt.timedelta(days=60)


def _form_data(response, **changes) -> dict:
    """What the browser sends back from the edit form as shown, with `changes` typed in."""
    form = response.context["form"]
    data: dict = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        elif isinstance(value, dt.date):
            value = f"{value:%d.%m.%Y}"
        elif isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def _edit(client, person, **changes):
    url = reverse("mentorship:person_edit", args=[person.pk])
    return client.post(url, _form_data(client.get(url), **changes))


@pytest.fixture
def mentor(world):
    person = MentorFactory(organization=world.home.school, last_name="Согласова", email="soglasova@example.ru")
    ConsentFactory(person=person, given_on=SIGNED)
    return person


def test_the_edit_form_shows_the_current_consent(world, client_for, mentor):
    page = client_for(world.home.curator).get(reverse("mentorship:person_edit", args=[mentor.pk]))
    form = page.context["form"]
    assert form["consent_given_on"].value() == SIGNED
    assert "consent_withdrawn_on" in form.fields
    body = page.content.decode()
    assert ">Согласие на обработку персональных данных" in body and "Согласие отозвано (дата)" in body
    assert "учётная запись участника закрыта" in body  # what a withdrawal does, said before it is done


def test_correcting_the_consent_keeps_its_history(world, client_for, mentor):
    consent = mentor.consents.get()
    corrected = SIGNED + dt.timedelta(days=2)
    response = _edit(
        client_for(world.home.curator),
        mentor,
        consent_given_on=f"{corrected:%d.%m.%Y}",
        consent_representative="Иванов Пётр Ильич",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consent.refresh_from_db()
    assert (consent.given_on, consent.representative_name) == (corrected, "Иванов Пётр Ильич")
    assert Consent.objects.filter(person=mentor).count() == 1  # corrected, not duplicated
    dates = list(consent.history.order_by("history_date").values_list("given_on", flat=True))
    assert dates == [SIGNED, corrected]  # the old value stays in the history
    assert consent.history.latest().history_user == world.home.curator


def test_saving_without_a_change_writes_no_consent_history(world, client_for, mentor):
    consent = mentor.consents.get()
    assert _edit(client_for(world.home.curator), mentor, position="Учитель физики").status_code == 302
    assert consent.history.count() == 1
    mentor.refresh_from_db()
    assert mentor.position == "Учитель физики"


def test_a_person_without_a_valid_consent_gets_a_new_one_from_the_edit_form(world, client_for):
    person = MenteeFactory(organization=world.home.school, email="novaya@example.ru")
    old = ConsentFactory(person=person, given_on=SIGNED - dt.timedelta(days=400), withdrawn_on=SIGNED)
    client = client_for(world.home.curator)
    form = client.get(reverse("mentorship:person_edit", args=[person.pk])).context["form"]
    assert form["consent_given_on"].value() is None and "consent_withdrawn_on" not in form.fields
    assert _edit(client, person, consent_given_on=f"{TODAY:%d.%m.%Y}").status_code == 302
    assert list(person.consents.order_by("given_on").values_list("pk", "withdrawn_on")) == [
        (old.pk, SIGNED),
        (person.consents.get(withdrawn_on__isnull=True).pk, None),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent_given_on": None}, "consent_given_on", "Дата согласия нужна"),
        ({"consent_given_on": "01.01.2099"}, "consent_given_on", "не может быть позже сегодняшней"),
        ({"consent_withdrawn_on": "01.01.2099"}, "consent_withdrawn_on", "не может быть позже сегодняшней"),
        (
            {"consent_withdrawn_on": f"{SIGNED - dt.timedelta(days=1):%d.%m.%Y}"},
            "consent_withdrawn_on",
            "не может быть раньше даты согласия",
        ),
    ],
)
def test_consent_dates_are_checked_at_the_field(world, client_for, mentor, changes, field, message):
    response = _edit(client_for(world.home.curator), mentor, **changes)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    consent = mentor.consents.get()
    assert consent.given_on == SIGNED and consent.withdrawn_on is None
    mentor.refresh_from_db()
    assert not mentor.is_anonymized


def test_withdrawing_on_the_edit_form_anonymizes_and_closes_the_participant_s_account(world, client_for):
    from tests.participants.conftest import account

    mentor = MentorFactory(organization=world.home.school, last_name="Отзывова", email="otzyv@example.ru")
    ConsentFactory(person=mentor, given_on=SIGNED)
    user = account(world.home.curator, mentor)
    assert user.is_active and client_for(user).get(reverse("participant:home")).status_code == 200

    response = _edit(client_for(world.home.curator), mentor, consent_withdrawn_on=f"{TODAY:%d.%m.%Y}")
    assert response.status_code == 302
    mentor.refresh_from_db()
    user.refresh_from_db()
    assert mentor.consents.get().withdrawn_on == TODAY
    assert mentor.is_anonymized and "Отзывова" not in mentor.full_name and mentor.user is None
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    assert DestructionAct.objects.filter(people=mentor).exists()
    page = client_for(world.home.curator).get(response["Location"]).content.decode()
    assert "учётная запись участника закрыта" in page
    # the anonymized card offers no consent to edit
    form = client_for(world.home.curator).get(reverse("mentorship:person_edit", args=[mentor.pk])).context["form"]
    assert "consent_given_on" not in form.fields


def test_withdrawing_one_of_two_consents_keeps_the_person(world, client_for, mentor):
    ConsentFactory(person=mentor, given_on=SIGNED - dt.timedelta(days=10))
    client = client_for(world.home.curator)
    assert (
        "Другое действующее согласие остаётся"
        in client.get(reverse("mentorship:person_edit", args=[mentor.pk])).content.decode()
    )
    assert _edit(client, mentor, consent_withdrawn_on=f"{TODAY:%d.%m.%Y}").status_code == 302
    mentor.refresh_from_db()
    assert not mentor.is_anonymized
    assert mentor.consents.get(given_on=SIGNED).withdrawn_on == TODAY
    assert mentor.consents.filter(withdrawn_on__isnull=True).count() == 1


def test_read_only_insider_and_outsiders_cannot_change_the_consent(world, client_for, mentor):
    from accounts.models import Role
    from tests.factories import user_with_role

    url = reverse("mentorship:person_edit", args=[mentor.pk])
    data = _form_data(client_for(world.home.curator).get(url), consent_withdrawn_on=f"{TODAY:%d.%m.%Y}")
    assert client_for(world.home.head).post(url, data).status_code == 403
    assert client_for(world.home.methodologist).post(url, data).status_code == 403
    assert client_for(world.foreign.curator).post(url, data).status_code == 404
    assert client_for(world.foreign.coordinator).post(url, data).status_code == 404
    other_school = user_with_role(Role.CURATOR, organization=world.home.other_school)
    assert client_for(other_school).post(url, data).status_code == 404
    mentor.refresh_from_db()
    assert mentor.consents.get().withdrawn_on is None and not mentor.is_anonymized
    # the municipality's coordinator edits like the curator
    assert client_for(world.home.coordinator).post(url, data).status_code == 302
    assert Person.objects.get(pk=mentor.pk).is_anonymized


def test_pair_and_practice_forms_have_no_person_sections_or_consent(world, client_for):
    """The person's sections and consent fields had been copied onto the new-pair and new-practice
    forms («Человек» around the organization, a consent date for a pair)."""
    client = client_for(world.home.curator)
    for name in ("pair_create", "practice_create"):
        page = client.get(reverse(f"mentorship:{name}"))
        assert "consent_given_on" not in page.context["form"].fields, name
        body = page.content.decode()
        assert "Дата согласия" not in body and ">Человек<" not in body, name
