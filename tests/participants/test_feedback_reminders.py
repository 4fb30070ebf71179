"""«Нет обратной связи»: the participant with an account is reminded first, the curator a week
later; a side nobody of which has an account (a pupil) goes to the curator at once."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications import services
from notifications.kinds import Kind
from notifications.models import Notification
from tests.mentorship.factories import make_meeting


def _sweep(world, today):
    return services.sweep_run(
        municipality=world.home.municipality,
        today=today,
        kinds=[Kind.FEEDBACK_TO_GIVE, Kind.MEETING_FEEDBACK_MISSING],
    )


def test_participant_first_then_curator(world, participants):
    me = participants.home
    held = me.pair.meetings.get().held_on
    # the neighbour pair's meeting is on the same day: keep only ours in play
    participants.neighbour.pair.meetings.update(held_on=held - dt.timedelta(days=1))
    _sweep(world, held + dt.timedelta(days=3))
    assert set(Notification.objects.filter(kind=Kind.FEEDBACK_TO_GIVE).values_list("recipient", flat=True)) == {
        me.mentor_user.pk,
        me.mentee_user.pk,
    }
    note = Notification.objects.filter(recipient=me.mentee_user).get()
    assert note.path == f"/me/meetings/{me.pair.meetings.get().pk}/feedback/"
    assert not Notification.objects.filter(recipient=world.home.curator).exists()
    _sweep(world, held + dt.timedelta(days=10))
    curator_notes = Notification.objects.filter(recipient=world.home.curator, kind=Kind.MEETING_FEEDBACK_MISSING)
    assert curator_notes.count() == 1
    assert "наставника и наставляемого" in curator_notes.get().message


def test_side_without_accounts_goes_to_the_curator_at_once(world, participants):
    me = participants.home
    held = dt.date.today() - dt.timedelta(days=20)
    me.mentee_user.is_active = False
    me.mentee_user.save()
    meeting = make_meeting(
        me.pair, complete=False, held_on=held, topic="Без учётной записи", mentor_rating=7, mentor_feedback="Хорошо"
    )
    participants.home.pair.meetings.exclude(pk=meeting.pk).update(held_on=held - dt.timedelta(days=1))
    participants.neighbour.pair.meetings.update(held_on=held - dt.timedelta(days=1))
    _sweep(world, held + dt.timedelta(days=3))
    assert not Notification.objects.filter(kind=Kind.FEEDBACK_TO_GIVE).exists()
    note = Notification.objects.get(recipient=world.home.curator, kind=Kind.MEETING_FEEDBACK_MISSING)
    assert "Без учётной записи" in note.message and "наставляемого" in note.message


# Groups: each member who has not given their own feedback, person by person -------------------
def _group(world, participants, *, held, accounts=("Вторая",), without=()):
    """The home pair as a group: its mentee, plus a mentee with an account per name in `accounts`
    and one without an account per name in `without`; one meeting held on `held`, everything else
    moved off the cadence days."""
    from mentorship.models import PairParticipant, ParticipantRole
    from tests.mentorship.factories import ConsentFactory, MenteeFactory
    from tests.participants.conftest import account

    me = participants.home
    users = {}
    for name in (*accounts, *without):
        person = MenteeFactory(organization=world.home.school, last_name=name, first_name="Анна", middle_name="")
        ConsentFactory(person=person)
        PairParticipant.objects.create(pair=me.pair, person=person, role=ParticipantRole.MENTEE)
        if name in accounts:
            users[name] = account(world.home.curator, person)
    meeting = make_meeting(me.pair, complete=False, held_on=held, topic="Групповой разбор", mentee_rating=None)
    me.pair.meetings.exclude(pk=meeting.pk).update(held_on=held - dt.timedelta(days=1))
    participants.neighbour.pair.meetings.update(held_on=held - dt.timedelta(days=1))
    return meeting, users


def _reminded(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


def test_in_a_group_each_mentee_without_feedback_is_reminded_then_the_curator(world, participants, client):
    me = participants.home
    held = dt.date.today() - dt.timedelta(days=20)
    meeting, users = _group(world, participants, held=held)
    second = users["Вторая"]
    # the mentor's feedback is in (make_meeting), the first mentee gives theirs: the side's field is
    # filled now, yet the second mentee still owes their own
    client.force_login(me.mentee_user)
    url = f"/me/meetings/{meeting.pk}/feedback/"
    assert client.post(url, {"side": "mentee", "rating": "9", "text": "Полезно"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.has_mentee_feedback

    _sweep(world, held + dt.timedelta(days=3))
    assert _reminded(Kind.FEEDBACK_TO_GIVE) == {second.pk}  # not the mentor, not the first mentee
    assert not _reminded(Kind.MEETING_FEEDBACK_MISSING)  # the participant first

    _sweep(world, held + dt.timedelta(days=10))
    assert Notification.objects.filter(kind=Kind.FEEDBACK_TO_GIVE, recipient=second).count() == 2
    note = Notification.objects.get(kind=Kind.MEETING_FEEDBACK_MISSING)
    assert note.recipient == world.home.curator
    assert "нет обратной связи наставляемого (Вторая А.)" in note.message
    assert "наставника" not in note.message

    # once they have given it, nobody is reminded any more
    client.force_login(second)
    assert client.post(url, {"side": "mentee", "rating": "7", "text": "Мало практики"}).status_code == 302
    Notification.objects.all().delete()
    _sweep(world, held + dt.timedelta(days=17))
    assert not Notification.objects.exists()


def test_in_a_group_a_mentee_without_an_account_goes_to_the_curator_at_once(world, participants):
    held = dt.date.today() - dt.timedelta(days=20)
    _meeting, users = _group(world, participants, held=held, accounts=("Вторая",), without=("Ученица", "Ученик"))
    _sweep(world, held + dt.timedelta(days=3))
    # everyone with an account who owes feedback: both mentees (nobody of the side answered yet)
    assert _reminded(Kind.FEEDBACK_TO_GIVE) == {participants.home.mentee_user.pk, users["Вторая"].pk}
    note = Notification.objects.get(kind=Kind.MEETING_FEEDBACK_MISSING)
    assert note.recipient == world.home.curator
    assert "наставляемых (Вторая А., Молодцова" in note.message
    assert "Ученик А., Ученица А.)" in note.message


def test_a_curator_s_entry_for_the_whole_group_leaves_the_curator_unreminded(world, participants):
    """As on the pair card: the curator typed the group's feedback (from paper), nobody is listed as
    missing there, so the curator is not asked about it; the members still are, as their own page
    still asks them."""
    held = dt.date.today() - dt.timedelta(days=20)
    meeting, users = _group(world, participants, held=held)
    meeting.mentee_rating, meeting.mentee_feedback = 8, "Группа довольна"
    meeting.save()
    _sweep(world, held + dt.timedelta(days=10))
    assert _reminded(Kind.FEEDBACK_TO_GIVE) == {participants.home.mentee_user.pk, users["Вторая"].pk}
    assert not _reminded(Kind.MEETING_FEEDBACK_MISSING)


def test_a_side_nobody_is_on_goes_to_the_curator_at_once(world, participants):
    from mentorship.models import PairStatus

    me = participants.home
    held = dt.date.today() - dt.timedelta(days=20)
    meeting = make_meeting(me.pair, complete=False, held_on=held, topic="Без наставляемого")
    me.pair.meetings.exclude(pk=meeting.pk).update(held_on=held - dt.timedelta(days=1))
    participants.neighbour.pair.meetings.update(held_on=held - dt.timedelta(days=1))
    me.pair.status = PairStatus.FORMING
    me.pair.save()
    me.pair.participants.filter(role="mentee").delete()
    _sweep(world, held + dt.timedelta(days=3))
    assert not _reminded(Kind.FEEDBACK_TO_GIVE)
    note = Notification.objects.get(kind=Kind.MEETING_FEEDBACK_MISSING)
    assert "нет обратной связи наставляемого" in note.message


def test_who_is_missing_is_read_in_the_same_queries_for_one_group_or_many(world, participants):
    """The selection is set-based: one values() query for every meeting and participant, one for
    the accounts, however many groups and members."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mentorship.reminders import FEEDBACK_TO_GIVE, MEETING_FEEDBACK_MISSING
    from notifications.providers import SweepContext
    from tests.mentorship.factories import MenteeFactory, MentorFactory, make_pair
    from tests.participants.conftest import account

    held = dt.date.today() - dt.timedelta(days=20)
    _group(world, participants, held=held, accounts=("Вторая",), without=("Ученица",))

    def count():
        from mentorship import reminders
        from notifications.services import reminder_settings_for

        municipality = world.home.municipality
        ctx = SweepContext(municipality, held + dt.timedelta(days=10), reminder_settings_for(municipality))
        ctx.curators(None)  # the staff read is the sweep's, not this kind's
        with CaptureQueriesContext(connection) as captured:
            planned = [*reminders.feedback_to_give(ctx), *reminders.meeting_feedback_missing(ctx)]
        return len(captured.captured_queries), planned

    few, planned = count()
    assert {p.kind for p in planned} == {FEEDBACK_TO_GIVE, MEETING_FEEDBACK_MISSING}
    for n in range(4):
        mentor = MentorFactory(organization=world.home.school, last_name=f"Наставник{n}")
        mentees = [MenteeFactory(organization=world.home.school, last_name=f"Группа{n}-{i}") for i in range(3)]
        pair = make_pair(world.home.school, mentors=[mentor], mentees=mentees, status="active")
        for person in (mentor, mentees[0]):
            account(world.home.curator, person)
        make_meeting(pair, complete=False, held_on=held, mentee_rating=None)
    many, planned = count()
    assert many == few == 2
    assert len([p for p in planned if p.kind == FEEDBACK_TO_GIVE]) == 5


def _keys(rows):
    return {(r.kind, r.recipient_id, r.object_type, r.object_id, r.title, r.message) for r in rows}


@pytest.mark.parametrize("after", [3, 10])
def test_tomorrow_s_preview_chooses_the_people_the_sweep_reminds(world, participants, after):
    """The coordinator's «кому напомним завтра» and the next day's sweep read the same selection:
    in a group each member without their own feedback (those with an account first, pupils to the
    curator at once), a week later the curator about everyone their pair card lists."""
    from notifications import selectors
    from notifications.models import ReminderLog

    municipality = world.home.municipality
    tomorrow = services.local_today(municipality) + dt.timedelta(days=1)
    held = tomorrow - dt.timedelta(days=after)
    meeting, users = _group(world, participants, held=held, accounts=("Вторая", "Третья"), without=("Ученица",))
    # one member answered for themselves: the side's field is filled, the others still owe theirs
    from mentorship.models import MeetingFeedback, ParticipantRole

    MeetingFeedback.objects.create(
        meeting=meeting,
        person=users["Третья"].mentorship_people.get(),
        side=ParticipantRole.MENTEE,
        rating=8,
        text="Полезно",
    )
    meeting.mentee_rating, meeting.mentee_feedback = 8, "Третья А.: Полезно"
    meeting.save()
    kinds = {Kind.FEEDBACK_TO_GIVE, Kind.MEETING_FEEDBACK_MISSING}

    day, preview = selectors.tomorrow_preview(world.home.coordinator, municipality)
    assert day == tomorrow
    planned = _keys(r for r in preview if r.kind in kinds)
    services.sweep_run(municipality=municipality, today=tomorrow, kinds=sorted(kinds))
    sent = _keys(ReminderLog.objects.filter(municipality=municipality, date=tomorrow))

    assert planned == sent
    reminded = {(kind, recipient) for kind, recipient, *_ in sent}
    # the members with an account who owe their own feedback, not the one who gave it
    assert {r for k, r in reminded if k == Kind.FEEDBACK_TO_GIVE} == {
        participants.home.mentee_user.pk,
        users["Вторая"].pk,
    }
    # the pupil has no account: the curator is told at once, and names everyone still missing
    assert {r for k, r in reminded if k == Kind.MEETING_FEEDBACK_MISSING} == {world.home.curator.pk}
    (message,) = [m for kind, _, _, _, _, m in sent if kind == Kind.MEETING_FEEDBACK_MISSING]
    assert "Вторая А." in message and "Ученица А." in message and "Третья" not in message
