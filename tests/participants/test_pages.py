"""The participant's own page: their pairs, program, meetings, what waits; nothing of anyone else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from mentorship.models import Meeting
from tests.mentorship.factories import make_meeting


def test_home_shows_my_pair_program_meetings_and_waiting_feedback(participants, client):
    me = participants.home
    client.force_login(me.mentee_user)
    body = client.get(reverse("participant:home")).content.decode()
    assert me.mentor.full_name in body  # the partner
    assert "Программа А" in body
    assert "Отзыв о встрече" in body and "Разбор урока А" in body  # neither side has given feedback yet
    client.force_login(me.mentor_user)
    body = client.get(reverse("participant:home")).content.decode()
    assert "Отзыв о встрече" in body and "Разбор урока А" in body
    page = client.get(reverse("participant:pair", args=[me.pair.pk])).content.decode()
    assert "Знакомство А" in page and "Открытый урок А" in page and "Встреча-знакомство" in page


def test_participant_sees_nothing_of_other_pairs(participants, client):
    me, neighbour, foreign = participants.home, participants.neighbour, participants.foreign
    client.force_login(me.mentee_user)
    body = client.get(reverse("participant:home")).content.decode()
    for other in (neighbour, foreign):
        assert other.mentor.last_name not in body and other.mentee.last_name not in body
        assert client.get(reverse("participant:pair", args=[other.pair.pk])).status_code == 404
        meeting = other.pair.meetings.first()
        assert client.get(reverse("participant:feedback", args=[meeting.pk])).status_code == 404
        assert client.post(reverse("participant:propose", args=[other.pair.pk])).status_code == 404


@pytest.mark.parametrize(
    "name, args",
    [
        ("home", []),
        ("mentorship:pair_list", []),
        ("mentorship:person_list", []),
        ("monitoring:campaign_list", []),
        ("roadmaps:list", []),
        ("organization_list", []),
        ("admin:index", []),
    ],
)
def test_participant_is_kept_off_staff_pages(participants, client, name, args):
    client.force_login(participants.home.mentor_user)
    response = client.get(reverse(name, args=args))
    if name == "home":
        assert response.status_code == 302 and response["Location"] == reverse("participant:home")
    elif name.startswith("admin:"):
        assert response.status_code in (302, 403)
        assert "/admin/login/" in response.get("Location", "/admin/login/") or response.status_code == 403
    else:
        assert response.status_code == 403


def test_feedback_by_each_side_and_the_curator_sees_who_is_missing(world, participants, client):
    me = participants.home
    meeting = me.pair.meetings.get()
    client.force_login(world.home.curator)
    card = client.get(reverse("mentorship:pair_detail", args=[me.pair.pk])).content.decode()
    assert "нет отзыва наставника" in card and "нет отзыва наставляемого" in card
    client.force_login(me.mentor_user)
    response = client.post(
        reverse("participant:feedback", args=[meeting.pk]), {"side": "mentor", "rating": "9", "text": "Разобрали урок"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.mentor_rating == 9 and meeting.mentor_feedback == "Разобрали урок" and not meeting.is_complete
    # the mentee cannot write the mentor's side
    client.force_login(me.mentee_user)
    denied = client.post(
        reverse("participant:feedback", args=[meeting.pk]), {"side": "mentor", "rating": "1", "text": "x"}
    )
    assert denied.status_code == 403
    meeting.refresh_from_db()
    assert meeting.mentor_rating == 9 and meeting.mentee_rating is None
    client.force_login(world.home.curator)
    card = client.get(reverse("mentorship:pair_detail", args=[me.pair.pk])).content.decode()
    assert "нет отзыва наставника" not in card and "нет отзыва наставляемого" in card


def test_feedback_needs_a_rating_and_text_and_a_held_meeting(participants, client):
    me = participants.home
    future = make_meeting(
        me.pair, complete=False, mentor_rating=None, mentor_feedback="", held_on=dt.date.today() + dt.timedelta(days=3)
    )
    client.force_login(me.mentor_user)
    page = client.post(
        reverse("participant:feedback", args=[future.pk]), {"side": "mentor", "rating": "8", "text": "ok"}
    )
    assert "ещё не прошла" in page.content.decode()
    meeting = me.pair.meetings.exclude(pk=future.pk).get()
    page = client.post(
        reverse("participant:feedback", args=[meeting.pk]), {"side": "mentor", "rating": "11", "text": ""}
    )
    assert page.status_code == 200
    assert "Обязательное поле" in page.content.decode() or "Выберите корректный вариант" in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.mentor_rating is None


def test_mentor_proposes_a_meeting_the_mentee_cannot(world, participants, client):
    me = participants.home
    data = {
        "held_on": (dt.date.today() + dt.timedelta(days=7)).strftime("%d.%m.%Y"),
        "format": "online",
        "topic": "План на четверть",
        "stage": "joint",
        "duration_minutes": "40",
    }
    client.force_login(me.mentee_user)
    assert client.post(reverse("participant:propose", args=[me.pair.pk]), data).status_code == 403
    client.force_login(me.mentor_user)
    assert client.post(reverse("participant:propose", args=[me.pair.pk]), data).status_code == 302
    meeting = Meeting.objects.get(topic="План на четверть")
    assert meeting.proposed_by == me.mentor_user and meeting.pair == me.pair
    client.force_login(world.home.curator)
    card = client.get(reverse("mentorship:pair_detail", args=[me.pair.pk])).content.decode()
    assert "План на четверть" in card and "внёс наставник" in card


def test_my_data_page_lists_what_is_stored_and_consents(participants, client):
    me = participants.home
    client.force_login(me.mentee_user)
    body = client.get(reverse("participant:my_data")).content.decode()
    assert me.mentee.full_name in body and me.mentee.email in body and "152-ФЗ" in body
    assert "действует" in body and "от 01.09.2025" in body
    assert participants.neighbour.mentee.full_name not in body


def test_staff_have_no_participant_page(world, client):
    client.force_login(world.home.curator)
    assert client.get(reverse("participant:home")).status_code == 403


def test_in_a_group_each_mentee_gives_their_own_feedback_and_none_is_overwritten(world, participants, client):
    from mentorship.models import MeetingFeedback, PairParticipant, ParticipantRole
    from tests.mentorship.factories import ConsentFactory, MenteeFactory
    from tests.participants.conftest import account

    me = participants.home
    second = MenteeFactory(organization=world.home.school, last_name="Вторая", email="second@example.ru")
    ConsentFactory(person=second)
    PairParticipant.objects.create(pair=me.pair, person=second, role=ParticipantRole.MENTEE)
    second_user = account(world.home.curator, second)
    meeting = me.pair.meetings.get()

    client.force_login(me.mentee_user)
    url = reverse("participant:feedback", args=[meeting.pk])
    assert client.post(url, {"side": "mentee", "rating": "10", "text": "Очень полезно"}).status_code == 302
    # the first mentee's feedback does not count for the second one: it still waits for them
    client.force_login(second_user)
    waiting = client.get(reverse("participant:home")).content.decode().split('data-testid="waiting"')[1]
    assert "Разбор урока А" in waiting.split("</section>")[0]
    page = client.get(url).content.decode()
    assert 'data-testid="feedback-form"' in page and "Очень полезно" not in page  # nobody else's words
    client.force_login(world.home.curator)
    card = client.get(reverse("mentorship:pair_detail", args=[me.pair.pk])).content.decode()
    # the mentor has not given theirs either (the fixture's meeting): the card lists both sides
    assert "Ещё не оставили отзыв — наставник: НаставниковаА" in card and "; наставляемый: Вторая" in card

    client.force_login(second_user)
    assert client.post(url, {"side": "mentee", "rating": "7", "text": "Хочу больше практики"}).status_code == 302
    waiting = client.get(reverse("participant:home")).content.decode().split('data-testid="waiting"')[1]
    assert "Разбор урока А" not in waiting.split("</section>")[0]
    assert "Хочу больше практики" in client.get(url).content.decode()

    meeting.refresh_from_db()
    assert MeetingFeedback.objects.filter(meeting=meeting, side="mentee").count() == 2
    # the side's summary keeps both voices, with their authors, and the mean rating
    assert meeting.mentee_rating == 8 and "Очень полезно" in meeting.mentee_feedback
    assert "Хочу больше практики" in meeting.mentee_feedback
    client.force_login(world.home.curator)
    card = client.get(reverse("mentorship:pair_detail", args=[me.pair.pk])).content.decode()
    assert "наставляемый: Вторая" not in card and "Ещё не оставили отзыв — наставник: НаставниковаА" in card
    assert card.count('data-testid="mentee-feedback"') == 2

    # giving it again replaces one's own feedback only
    client.force_login(me.mentee_user)
    client.post(url, {"side": "mentee", "rating": "9", "text": "Исправляю отзыв"})
    assert MeetingFeedback.objects.filter(meeting=meeting, side="mentee").count() == 2


def _section(body: str, testid: str) -> str:
    return body.split(f'data-testid="{testid}"')[1].split("</section>")[0]


def test_past_meetings_say_whether_my_feedback_is_in_and_whose_meeting_it_was(world, participants, client):
    """On a phone the list of past meetings is the way back to a feedback: it says which still
    wait for mine, and, for a mentor of several pairs, whose meeting each was."""
    import datetime as dt

    from mentorship.models import PairStatus
    from tests.mentorship.factories import MenteeFactory, make_meeting, make_pair

    me = participants.home
    meeting = me.pair.meetings.get()
    client.force_login(me.mentee_user)
    past = _section(client.get(reverse("participant:home")).content.decode(), "past")
    assert 'data-testid="feedback-to-give"' in past and "feedback-given" not in past
    url = reverse("participant:feedback", args=[meeting.pk])
    assert client.post(url, {"side": "mentee", "rating": "8", "text": "Полезно"}).status_code == 302
    past = _section(client.get(reverse("participant:home")).content.decode(), "past")
    assert 'data-testid="feedback-given"' in past and "feedback-to-give" not in past
    assert "пара:" not in past  # one pair: nothing to tell apart

    other = MenteeFactory(organization=world.home.school, last_name="Вторая", first_name="Анна", middle_name="")
    second = make_pair(world.home.school, mentors=[me.mentor], mentees=[other], status=PairStatus.ACTIVE)
    make_meeting(second, held_on=dt.date.today() - dt.timedelta(days=2), topic="Встреча второй пары")
    client.force_login(me.mentor_user)
    body = client.get(reverse("participant:home")).content.decode()
    past = _section(body, "past")
    assert "пара: Вторая А." in past and f"пара: {me.mentee.short_name}" in past
    # the second pair's meeting has the mentor's feedback (typed for them), the first waits for it
    assert past.count('data-testid="feedback-given"') == 1 and past.count('data-testid="feedback-to-give"') == 1


def test_sent_questionnaires_are_told_apart_by_their_campaign(world, participants, client):
    """The entry and the final questionnaire share a title («Оценка роста участников: анкета
    наставляемого»): the list names each by its campaign."""
    from monitoring.models import CampaignKind, Response
    from tests.monitoring.factories import campaign
    from tests.participants.test_questionnaires import _answers

    me = participants.home
    entry = campaign(world.home, kind=CampaignKind.ENTRY, organizations=[world.home.school])
    final = campaign(world.home, kind=CampaignKind.FINAL, organizations=[world.home.school])
    client.force_login(me.mentee_user)
    for response in Response.objects.filter(person__user=me.mentee_user):
        url = reverse("participant:questionnaire", args=[response.pk])
        assert client.post(url, {**_answers(response), "action": "submit"}).status_code == 302
    body = client.get(reverse("participant:home")).content.decode()
    sent = [item.split("</li>")[0] for item in body.split('data-testid="sent-questionnaire">')[1:]]
    assert len(sent) == 2
    assert {entry.title, final.title} == {next(t for t in (entry.title, final.title) if t in item) for item in sent}


def test_pair_page_meetings_say_whether_my_feedback_is_in(participants, client):
    me = participants.home
    meeting = me.pair.meetings.get()
    client.force_login(me.mentee_user)
    url = reverse("participant:pair", args=[me.pair.pk])
    meetings = _section(client.get(url).content.decode(), "pair-meetings")
    assert 'data-testid="feedback-to-give"' in meetings
    client.post(reverse("participant:feedback", args=[meeting.pk]), {"side": "mentee", "rating": "9", "text": "Да"})
    meetings = _section(client.get(url).content.decode(), "pair-meetings")
    assert 'data-testid="feedback-given"' in meetings and "feedback-to-give" not in meetings


def test_home_names_the_school_curator_to_contact_and_labels_keep_abbreviations(participants, client, world):
    """Whom to ask: the curator of the pair's school with their e-mail (the demo schools have no
    phone or e-mail of their own); labels inside sentences keep «QR», «МБОУ» (`|lowerfirst`)."""
    from django.template import Context, Template

    curator, foreign = world.home.curator, world.foreign.curator
    curator.last_name, curator.email = "Куратова", "kurator-sch1@example.ru"
    curator.save()
    foreign.last_name, foreign.email = "Чужакова", "kurator-foreign@example.ru"
    foreign.save()
    me = participants.home
    client.force_login(me.mentee_user)
    body = client.get(reverse("participant:home")).content.decode()
    assert f"Куратор: {curator.get_full_name()}" in body and "kurator-sch1@example.ru" in body
    assert "Чужакова" not in body and "kurator-foreign@example.ru" not in body
    html = Template("{{ a|lowerfirst }} · {{ b|lowerfirst }}").render(
        Context({"a": "Печатное приглашение с QR-кодом", "b": "МБОУ «СШ № 1»"})
    )
    assert html == "печатное приглашение с QR-кодом · МБОУ «СШ № 1»"
