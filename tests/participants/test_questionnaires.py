"""Questionnaires filled by the participant: draft, one submission, anonymity, response rates,
and reminders to non-responders at most once a day per person."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from monitoring import selectors as monitoring_selectors
from monitoring import services as monitoring_services
from monitoring.models import CampaignKind, Questionnaire, Response
from notifications.kinds import Kind
from notifications.models import Notification, ReminderLog
from participants import services as participant_services
from tests.monitoring.factories import campaign


def _entry_campaign(world):
    return campaign(world.home, kind=CampaignKind.ENTRY, organizations=[world.home.school, world.home.other_school])


def _answers(response, value=7):
    data = {}
    for q in response.questionnaire.questions.all():
        if q.kind == "scale":
            data[f"q{q.pk}"] = str(value)
        elif q.kind == "single":
            data[f"q{q.pk}"] = q.option_list[0]
        elif q.kind == "multiple":
            data[f"q{q.pk}"] = [q.option_list[0]]
        else:
            data[f"q{q.pk}"] = "Свой ответ"
    return data


def _mine(user):
    return Response.objects.filter(person__user=user).select_related("questionnaire").first()


def test_opening_announces_the_questionnaire_in_app_and_by_email(
    world, participants, django_capture_on_commit_callbacks
):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        _entry_campaign(world)
    me = participants.home.mentee_user
    notice = Notification.objects.get(recipient=me, kind=Kind.QUESTIONNAIRE_OPEN)
    assert reverse("participant:questionnaire", args=[_mine(me).pk]) == notice.path
    assert any(me.email in m.to and "анкет" in m.body.lower() for m in mail.outbox)
    # the foreign municipality's participants hear nothing of it
    assert not Notification.objects.filter(recipient=participants.foreign.mentee_user).exists()


def test_draft_then_single_submission(world, participants, client):
    _entry_campaign(world)
    me = participants.home.mentee_user
    response = _mine(me)
    client.force_login(me)
    url = reverse("participant:questionnaire", args=[response.pk])
    data = _answers(response)
    first_q = next(iter(data))
    client.post(url, {first_q: data[first_q], "action": "draft"})
    response.refresh_from_db()
    assert response.draft and response.submitted_at is None and not response.answers.exists()
    page = client.get(url).content.decode()
    assert "Отправить анкету" in page
    assert client.post(url, {**data, "action": "submit"}).status_code == 302
    response.refresh_from_db()
    assert response.submitted_at and response.filled_by == me and response.draft == {}
    assert response.answers.count() == len(data)
    # a second submission changes nothing
    client.post(url, {**{k: "1" for k in data}, "action": "submit"})
    assert not response.answers.filter(scale=1).exists()
    with pytest.raises(ValidationError):
        monitoring_services.response_submit(user=me, response=response, data={})
    # and the curator does not retype the participant's own answers
    with pytest.raises(ValidationError, match="сам"):
        monitoring_services.response_fill(user=world.home.curator, response=response, data={})


def test_participant_cannot_fill_someone_elses_questionnaire(world, participants, client):
    _entry_campaign(world)
    other = _mine(participants.neighbour.mentee_user)
    client.force_login(participants.home.mentee_user)
    assert client.get(reverse("participant:questionnaire", args=[other.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        monitoring_services.response_draft_save(user=participants.home.mentee_user, response=other, data={})


def test_response_rates_move_and_count_on_time(world, participants, client):
    c = _entry_campaign(world)
    by_org, by_q, total = monitoring_selectors.campaign_response_rates(world.home.methodologist, c)
    assert total.responded == 0 and total.invited >= 4
    me = participants.home.mentee_user
    response = _mine(me)
    client.force_login(me)
    client.post(reverse("participant:questionnaire", args=[response.pk]), {**_answers(response), "action": "submit"})
    _by_org, _by_q, after = monitoring_selectors.campaign_response_rates(world.home.methodologist, c)
    assert after.responded == 1 and after.on_time == 1 and after.invited == total.invited
    school = next(r for r in _by_org if r.key == world.home.school.pk)
    assert school.responded == 1
    client.force_login(world.home.methodologist)
    page = client.get(reverse("monitoring:campaign_detail", args=[c.pk])).content.decode()
    assert f"ответили 1 из {total.invited}" in page
    # the curator of the other school sees only their school's row
    _o, _q, theirs = monitoring_selectors.campaign_response_rates(world.foreign.curator, c)
    assert theirs.invited == 0


def test_anonymous_answers_cannot_be_traced_to_a_person(world, participants, client):
    Questionnaire.objects.filter(is_standard=True).update(is_anonymous=True)
    c = _entry_campaign(world)
    me = participants.home.mentee_user
    response = _mine(me)
    client.force_login(me)
    url = reverse("participant:questionnaire", args=[response.pk])
    assert "Анкета анонимная" in client.get(url).content.decode()
    client.post(url, {**_answers(response, value=3), "action": "submit"})
    response.refresh_from_db()
    assert response.submitted_at and not response.answers.exists()  # the invitation keeps no answer
    sheets = Response.objects.filter(person__isnull=True)
    assert sheets.count() == 1
    sheet = sheets.get()
    local = timezone.localtime(sheet.submitted_at)
    assert sheet.filled_by is None and (local.hour, local.minute) == (0, 0) and sheet.answers.count() > 0
    # aggregates still count the answers
    dynamics = monitoring_selectors.growth_dynamics([world.home.school.pk], dt.date(2000, 1, 1), dt.date(2100, 1, 1))
    assert any(row.entry == 3.0 for row in dynamics)
    # no person-level read shows them
    assert all(
        p["name"]
        for p in monitoring_selectors.participant_dynamics(
            [world.home.school.pk], dt.date(2000, 1, 1), dt.date(2100, 1, 1)
        )
    )
    assignment = response.assignment
    for staff in (world.home.curator, world.home.coordinator, world.home.methodologist):
        client.force_login(staff)
        page = client.get(reverse("monitoring:assignment_detail", args=[assignment.pk])).content.decode()
        fill = client.get(reverse("monitoring:response_fill", args=[response.pk]))
        assert client.get(reverse("monitoring:response_fill", args=[sheet.pk])).status_code == 404
        if fill.status_code == 200:
            body = fill.content.decode()
            assert 'value="3" checked' not in body and "checked" not in body
        assert 'value="3" checked' not in page
    with pytest.raises(ValidationError):
        monitoring_services.response_fill(user=world.home.curator, response=response, data={})
    with pytest.raises(PermissionDenied):
        monitoring_services.response_fill(user=world.home.curator, response=sheet, data={})
    assert c.pk


def test_remind_non_responders_once_a_day(world, participants, client):
    c = _entry_campaign(world)
    client.force_login(world.home.curator)
    mail.outbox = []
    page = client.post(
        reverse("participants:campaign_remind", args=[c.pk]), {"organization": world.home.school.pk}, follow=True
    ).content.decode()
    assert "Напоминания отправлены: 4" in page
    assert {m.to[0] for m in mail.outbox} == {
        participants.home.mentor.email,
        participants.home.mentee.email,
        participants.neighbour.mentor.email,
        participants.neighbour.mentee.email,
    }
    again = client.post(
        reverse("participants:campaign_remind", args=[c.pk]), {"organization": world.home.school.pk}, follow=True
    )
    assert (
        "Напоминания отправлены: 0" in again.content.decode()
        and "Уже получили напоминание сегодня: 4" in again.content.decode()
    )
    assert ReminderLog.objects.filter(kind=Kind.QUESTIONNAIRE_REMINDER).count() == 4
    # the other municipality's curator cannot remind here
    client.force_login(world.foreign.curator)
    assert client.post(reverse("participants:campaign_remind", args=[c.pk])).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_reminder_runs_send_once_per_person(settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent sessions need PostgreSQL (SQLite serialises the whole file)")
    from tests.conftest import _side
    from tests.participants.conftest import side

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFICATIONS_TEST_SEND_DELAY = 0.01
    home = _side("Норильск", "Asia/Krasnoyarsk")
    people = [side(home.curator, home.school, str(i)) for i in range(4)]
    c = campaign(home, kind=CampaignKind.ENTRY, organizations=[home.school])
    mail.outbox = []
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(user):
        try:
            barrier.wait()
            results.append(participant_services.questionnaire_remind(user=user, campaign=c))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in (home.curator, home.coordinator)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    expected = {p.mentor.email for p in people} | {p.mentee.email for p in people}
    letters = [m.to[0] for m in mail.outbox if "Напоминание" in m.subject or "Напоминание" in m.body]
    assert sorted(letters) == sorted(expected)
    assert sum(r.sent for r in results) == len(expected)
    assert ReminderLog.objects.filter(kind=Kind.QUESTIONNAIRE_REMINDER).count() == len(expected)
    assert Notification.objects.filter(kind=Kind.QUESTIONNAIRE_REMINDER).count() == len(expected)
