"""Personal data under 152-ФЗ: withdrawal anonymizes, retention anonymizes, acts prove it,
exports are logged and masked, and the page of people without consent is scoped."""

import datetime as dt
import io
import json

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import ExportLog
from mentorship import services
from mentorship.models import DestructionAct, DestructionReason, Person
from tests.mentorship.factories import ConsentFactory, MenteeFactory, MentorFactory, make_pair

pytestmark = pytest.mark.django_db


def _docx_text(field_file) -> str:
    field_file.open("rb")
    document = docx.Document(io.BytesIO(field_file.read()))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_withdrawing_the_only_consent_anonymizes_and_writes_an_act(world):
    mentee = MenteeFactory(
        organization=world.home.school,
        last_name="Снегирёва",
        email="sneg@example.ru",
        phone="+7 913 000-00-01",
        requests="Хочу научиться вести родительские собрания",
    )
    mentor = MentorFactory(organization=world.home.school)
    consent = ConsentFactory(person=mentee, representative_name="")
    pair = make_pair(world.home.school, mentors=[mentor], mentees=[mentee])
    mentee.first_name = "Анастасия"
    mentee.save()  # a change before withdrawal, so history holds the name twice

    services.consent_withdraw(user=world.home.curator, consent=consent)

    mentee.refresh_from_db()
    assert mentee.is_anonymized and mentee.last_name == "Обезличен" and mentee.first_name == f"№ {mentee.pk}"
    assert (mentee.email, mentee.phone, mentee.requests) == ("", "", "")
    # history is kept as events but no longer holds the name
    history = Person.history.filter(id=mentee.pk)
    assert history.count() >= 3
    assert not history.filter(last_name="Снегирёва").exists()
    assert not history.exclude(email="").exists()
    # aggregates stay: the pair still counts the mentee
    assert pair.participants.filter(person=mentee).exists()
    act = DestructionAct.objects.get()
    assert act.reason == DestructionReason.CONSENT_WITHDRAWN and list(act.people.all()) == [mentee]
    assert act.created_by == world.home.curator and act.organization == world.home.school
    events = [row["event"] for row in act.log_extract]
    assert any(e.startswith("Согласие отозвано") for e in events) and "Персональные данные обезличены" in events
    text = _docx_text(act.document)
    assert f"АКТ № {act.number}" in text and "об уничтожении персональных данных" in text
    assert "Выписка из журнала" in text and "Персональные данные обезличены" in text and f"№ {mentee.pk}" in text
    assert "Снегирёва" not in text and "sneg@example.ru" not in text


def test_withdrawing_one_of_two_consents_keeps_the_person(world):
    person = MentorFactory(organization=world.home.school, last_name="Воронов")
    first = ConsentFactory(person=person)
    ConsentFactory(person=person, given_on=dt.date(2026, 1, 10))
    services.consent_withdraw(user=world.home.curator, consent=first)
    person.refresh_from_db()
    assert person.last_name == "Воронов" and not person.is_anonymized
    assert not DestructionAct.objects.exists()


def test_retention_command_anonymizes_only_expired_people_once(world, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 30
    old = MentorFactory(
        organization=world.home.school, last_name="Давнишний", is_active=False, left_on=dt.date(2026, 1, 1)
    )
    recent = MentorFactory(
        organization=world.home.school, last_name="Недавний", is_active=False, left_on=dt.date(2026, 11, 1)
    )
    active = MentorFactory(organization=world.foreign.school, last_name="Работающий")
    foreign_old = MenteeFactory(organization=world.foreign.school, is_active=False, left_on=dt.date(2025, 5, 1))

    out = io.StringIO()
    call_command("anonymize_expired", "--date", "2026-11-21", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["anonymized"] == 2 and len(result["acts"]) == 2  # one act per organization
    for person, expected in ((old, True), (recent, False), (active, False), (foreign_old, True)):
        person.refresh_from_db()
        assert person.is_anonymized is expected
    assert set(DestructionAct.objects.values_list("reason", flat=True)) == {DestructionReason.RETENTION_EXPIRED}

    again = io.StringIO()
    call_command("anonymize_expired", "--date", "2026-11-21", stdout=again)
    assert json.loads(again.getvalue().strip().splitlines()[-1]) == {"anonymized": 0, "acts": []}


def test_leaving_the_program_starts_the_retention_clock(world):
    person = MentorFactory(organization=world.home.school)
    assert person.left_on is None
    person.is_active = False
    person.save()
    assert person.left_on is not None
    person.is_active = True
    person.save()
    assert person.left_on is None


def test_people_without_consent_page_is_scoped(world, client_for):
    mine = MenteeFactory(organization=world.home.school, last_name="Безсогласная")
    other_school = MenteeFactory(organization=world.home.other_school, last_name="Соседская")
    foreign = MenteeFactory(organization=world.foreign.school, last_name="Чужая")
    consented = MenteeFactory(organization=world.home.school, last_name="Согласная")
    ConsentFactory(person=consented)
    url = reverse("mentorship:consent_missing")

    curator_page = client_for(world.home.curator).get(url).content.decode()
    assert mine.last_name in curator_page and consented.last_name not in curator_page
    assert other_school.last_name not in curator_page and foreign.last_name not in curator_page
    coordinator_page = client_for(world.home.coordinator).get(url).content.decode()
    assert mine.last_name in coordinator_page and other_school.last_name in coordinator_page
    assert foreign.last_name not in coordinator_page


def test_destruction_act_download_is_scoped(world, client):
    person = MenteeFactory(organization=world.home.school)
    services.consent_withdraw(user=world.home.curator, consent=ConsentFactory(person=person))
    act = DestructionAct.objects.get()
    url = reverse("mentorship:destruction_act_document", args=[act.pk])
    client.force_login(world.home.curator)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert f"№ {act.number}" in client.get(reverse("mentorship:destruction_acts")).content.decode()
    for outsider in (world.foreign.coordinator, world.foreign.curator):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert act.number not in client.get(reverse("mentorship:destruction_acts")).content.decode()


def test_mentor_bank_export_is_logged_and_says_what_was_masked(world, client_for):
    with_consent = MentorFactory(organization=world.home.school, email="yes@example.ru", in_municipal_bank=True)
    ConsentFactory(person=with_consent)
    MentorFactory(organization=world.home.school, email="no@example.ru", in_municipal_bank=True)
    neighbour = MentorFactory(
        organization=world.home.other_school, email="neighbour@example.ru", in_municipal_bank=True
    )
    ConsentFactory(person=neighbour)

    response = client_for(world.home.curator).get(reverse("mentorship:mentor_bank_export"))
    workbook = load_workbook(io.BytesIO(response.content))
    cells = {str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row}
    assert "yes@example.ru" in cells and "no@example.ru" not in cells
    # another school's bank mentor: name and competencies only, even with consent
    assert neighbour.last_name in cells and "neighbour@example.ru" not in cells
    notice = " ".join(str(c.value) for row in workbook["О выгрузке"].iter_rows() for c in row)
    assert "Контакты скрыты у 2" in notice and "согласия" in notice
    entry = ExportLog.objects.get()
    assert (entry.user, entry.kind, entry.rows, entry.masked_rows) == (world.home.curator, "Банк наставников", 3, 2)


def test_admin_export_of_people_is_logged(world, client_for):
    MentorFactory(organization=world.home.school, email="x@example.ru")
    client = client_for(world.home.coordinator)
    url = reverse("admin:mentorship_mentor_export")
    page = client.get(url).content.decode()
    import re

    fields = dict.fromkeys(re.findall(r'name="(mentorresource_[a-z_]+)"', page), "on")
    response = client.post(url, {"format": "0", "resource": "0", **fields})
    assert "attachment" in response["Content-Disposition"]
    assert "О выгрузке" in load_workbook(io.BytesIO(response.content)).sheetnames
    assert ExportLog.objects.filter(user=world.home.coordinator, kind__startswith="Участники наставничества").exists()
