"""«Нет обратной связи»: the participant with an account is reminded first, the curator a week
later; a side nobody of which has an account (a pupil) goes to the curator at once."""

from __future__ import annotations

import datetime as dt

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
