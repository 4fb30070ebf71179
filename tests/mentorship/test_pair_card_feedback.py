"""The pair card lists every participant who has not given their own feedback on a held meeting,
mentor and mentees, pairs and groups alike, by the rule of the «нет обратной связи» reminders
(mentorship.reminders): what the curator is reminded of is what the card shows."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from mentorship import selectors
from mentorship.models import MeetingFeedback, PairStatus, ParticipantRole
from tests.mentorship.factories import MenteeFactory, MentorFactory, make_meeting, make_pair


def _own(meeting, person, side, rating=8, text="Своими словами"):
    MeetingFeedback.objects.create(meeting=meeting, person=person, side=side, rating=rating, text=text)


def _scenarios(school, held):
    """Pairs and groups in every state of feedback, one meeting each on `held`."""

    def pair(tag, mentees=1):
        mentor = MentorFactory(organization=school, last_name=f"Наставник{tag}")
        group = [MenteeFactory(organization=school, last_name=f"Наставляемый{tag}{i}") for i in range(mentees)]
        return make_pair(school, mentors=[mentor], mentees=group, status=PairStatus.ACTIVE), mentor, group

    # nothing given: both sides are missing
    p, _mentor, _ = pair("Пусто")
    make_meeting(p, complete=False, held_on=held, mentor_rating=None, mentor_feedback="")
    # the mentor's field is in, the mentee's is not
    p, _mentor, _ = pair("Наставник")
    make_meeting(p, complete=False, held_on=held)
    # a pupil's feedback typed by the mentor for the side: nobody missing
    p, _mentor, _ = pair("Полный")
    make_meeting(p, complete=True, held_on=held)
    # a group: one mentee gave their own (the side's field holds it), two have not, the mentor neither
    p, _mentor, group = pair("Группа", mentees=3)
    meeting = make_meeting(p, complete=True, held_on=held, mentor_rating=None, mentor_feedback="")
    _own(meeting, group[0], ParticipantRole.MENTEE)
    # a group whose feedback the curator typed once for all (no own feedback): nobody listed
    p, _mentor, _ = pair("Бумага", mentees=2)
    make_meeting(p, complete=True, held_on=held)
    # the mentor gave their own and the field holds it; the mentee nothing
    p, mentor, _ = pair("Свой", mentees=1)
    meeting = make_meeting(p, complete=False, held_on=held)
    _own(meeting, mentor, ParticipantRole.MENTOR)


def test_card_lists_whom_the_reminders_wait_for(world):
    from mentorship.reminders import _read_feedback_meetings
    from notifications.providers import SweepContext
    from notifications.services import reminder_settings_for

    municipality = world.home.municipality
    today = municipality.today()  # the card and the reminders count in the school's own day
    held = today - dt.timedelta(days=10)
    _scenarios(world.home.school, held)
    ctx = SweepContext(municipality, held + dt.timedelta(days=3), reminder_settings_for(municipality))
    reminded = {
        (item.meeting_id, w.name.split()[0], w.side)  # short name «Фамилия И.О.»: the last name
        for item in _read_feedback_meetings(ctx)
        for w in item.waiting
        if w.on_card
    }

    listed = set()
    pairs = selectors.pairs_visible(world.home.curator).filter(meetings__held_on=held).distinct()
    for pk in pairs.values_list("pk", flat=True):
        pair = selectors.pair_detail(world.home.curator, pk)
        participants = list(pair.participants.all())
        for meeting in selectors.pair_meetings(pair, today=today):
            for p in selectors.waiting_for_feedback(meeting, participants):
                listed.add((meeting.pk, p.person.last_name, p.role))
    assert listed == reminded
    names = {(last, side) for _pk, last, side in listed}
    assert names == {
        ("НаставникПусто", "mentor"),
        ("НаставляемыйПусто0", "mentee"),
        ("НаставляемыйНаставник0", "mentee"),
        ("НаставникГруппа", "mentor"),
        ("НаставляемыйГруппа1", "mentee"),
        ("НаставляемыйГруппа2", "mentee"),
        ("НаставляемыйСвой0", "mentee"),
    }


def test_card_shows_mentor_and_mentees_without_feedback(world, client_for):
    held = dt.date.today() - dt.timedelta(days=2)
    mentor = MentorFactory(organization=world.home.school, last_name="Соколова", first_name="Анна", middle_name="")
    mentees = [
        MenteeFactory(organization=world.home.school, last_name=name, first_name="Олег", middle_name="")
        for name in ("Петров", "Сидоров")
    ]
    pair = make_pair(world.home.school, mentors=[mentor], mentees=mentees, status=PairStatus.ACTIVE)
    meeting = make_meeting(pair, complete=True, held_on=held, mentor_rating=None, mentor_feedback="")
    _own(meeting, mentees[0], ParticipantRole.MENTEE)
    make_meeting(pair, complete=False, held_on=dt.date.today() + dt.timedelta(days=3), mentor_rating=None)
    card = client_for(world.home.curator).get(reverse("mentorship:pair_detail", args=[pair.pk])).content.decode()
    lines = card.split('data-testid="without-feedback">')[1:]
    assert len(lines) == 1  # the planned meeting asks nobody yet
    assert lines[0].split("</div>")[0] == "Ещё не оставили отзыв — наставник: Соколова А.; наставляемый: Сидоров О."
