"""Reminders about mentorship, registered in MentorshipConfig.ready (accounts.reminders): feedback
on held meetings (to the participants, then to the curator), mentees waiting for a pair, pairs
without meetings."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, Max, OuterRef, Q

from accounts.reminders import (
    REPEAT_EVERY_DAYS,
    Planned,
    SweepContext,
    days_text,
    first_then_weekly,
    first_then_weekly_dates,
    path_to,
    register_reminder,
    short_text,
)
from mentorship.models import (
    OPEN_PAIR_STATUSES,
    Meeting,
    Pair,
    PairParticipant,
    PairStatus,
    ParticipantRole,
    Person,
)

FEEDBACK_TO_GIVE = "feedback_to_give"
MEETING_FEEDBACK_MISSING = "meeting_feedback_missing"
MENTEE_WAITING = "mentee_waiting"
PAIR_INACTIVE = "pair_inactive"

MEETING_FEEDBACK_AFTER_DAYS = 3
MEETING_FEEDBACK_GIVE_UP_DAYS = 31
MENTEE_WAITING_DAYS = 14
PAIR_SILENCE_DAYS = 30

MEETING_FIELDS = (
    "pair__organization__municipality",
    "pair__organization__short_name",
    "pair__participants__role",
    "pair__participants__person__user__is_active",
    "held_on",
    "topic",
    "mentor_feedback",
    "mentee_feedback",
)
PERSON_FIELDS = (
    "organization__municipality",
    "organization__is_active",
    "organization__short_name",
    "is_mentee",
    "is_active",
    "mentee_since",
    "participations__role",
    "participations__pair__status",
)
PAIR_FIELDS = ("organization__municipality", "organization__short_name", "status", "started_on", "meetings__held_on")


def _feedback_meetings(ctx: SweepContext) -> list[tuple]:
    """Meetings of the municipality still missing feedback on one of today's cadence days, with
    the sides missing and, per side, the participants who have their own account (read once per
    sweep: the participants' and the curators' reminders share it)."""
    return ctx.shared("mentorship.feedback_meetings", lambda: list(_read_feedback_meetings(ctx)))


def _read_feedback_meetings(ctx: SweepContext):
    oldest = ctx.today - dt.timedelta(days=MEETING_FEEDBACK_GIVE_UP_DAYS)
    newest = ctx.today - dt.timedelta(days=MEETING_FEEDBACK_AFTER_DAYS)

    def with_account(role):
        return Exists(
            PairParticipant.objects.filter(
                pair_id=OuterRef("pair_id"), role=role, person__user__isnull=False, person__user__is_active=True
            )
        )

    # whether a side has someone with an account, in the same query (the sweep's query budget)
    meetings = [
        m
        for m in Meeting.objects.filter(
            pair__organization__municipality=ctx.municipality,
            held_on__range=(oldest, newest),
            held_on__in=first_then_weekly_dates(
                ctx.today, first=MEETING_FEEDBACK_AFTER_DAYS, last=MEETING_FEEDBACK_GIVE_UP_DAYS
            ),
        )
        .select_related("pair__organization")
        .annotate(mentor_account=with_account("mentor"), mentee_account=with_account("mentee"))
        .order_by("held_on", "pk")
        if not m.is_complete
    ]
    users_by_pair: dict[tuple[int, str], list] = defaultdict(list)
    wanted = {m.pair_id for m in meetings if m.mentor_account or m.mentee_account}
    if wanted:
        for participant in PairParticipant.objects.filter(
            pair_id__in=wanted, person__user__isnull=False, person__user__is_active=True
        ).select_related("person__user"):
            users_by_pair[(participant.pair_id, participant.role)].append(participant.person.user)
    for meeting in meetings:
        days = (ctx.today - meeting.held_on).days
        if not first_then_weekly(days, first=MEETING_FEEDBACK_AFTER_DAYS):
            continue
        missing = [
            side
            for side, ok in (("mentor", meeting.has_mentor_feedback), ("mentee", meeting.has_mentee_feedback))
            if not ok
        ]
        accounts = {side: users_by_pair.get((meeting.pair_id, side), []) for side in missing}
        yield meeting, days, missing, accounts


def feedback_to_give(ctx: SweepContext) -> Iterable[Planned]:
    """The participant is reminded first (on day MEETING_FEEDBACK_AFTER_DAYS, then weekly)."""
    for meeting, days, _missing, accounts in _feedback_meetings(ctx):
        recipients = tuple(u for users in accounts.values() for u in users)
        if not recipients:
            continue
        yield Planned(
            object_type="mentorship.meeting",
            object_id=meeting.pk,
            kind=FEEDBACK_TO_GIVE,
            recipients=recipients,
            title=f"Оставьте отзыв о встрече {meeting.held_on:%d.%m.%Y}",
            message=(
                f"Встреча «{short_text(meeting.topic, 80)}» от {meeting.held_on:%d.%m.%Y}: вы ещё не оставили "
                f"обратную связь. Прошло {days_text(days)}."
            ),
            path=path_to("participant:feedback", meeting.pk),
            organization_id=meeting.pair.organization_id,
        )


def meeting_feedback_missing(ctx: SweepContext) -> Iterable[Planned]:
    """The curator: at once for a side nobody of which has an account (pupils), otherwise a week
    after the participants' own reminder."""
    for meeting, days, missing, accounts in _feedback_meetings(ctx):
        participants_first = all(accounts[side] for side in missing)
        if participants_first and days < MEETING_FEEDBACK_AFTER_DAYS + REPEAT_EVERY_DAYS:
            continue
        labels = {"mentor": "наставника", "mentee": "наставляемого"}
        organization = meeting.pair.organization
        yield Planned(
            object_type="mentorship.meeting",
            object_id=meeting.pk,
            kind=MEETING_FEEDBACK_MISSING,
            recipients=ctx.curators(organization.pk),
            title=f"Нет обратной связи: встреча {meeting.held_on:%d.%m.%Y}",
            message=(
                f"Встреча «{short_text(meeting.topic, 80)}» от {meeting.held_on:%d.%m.%Y} ({organization.short_name}): "
                f"нет обратной связи {' и '.join(labels[s] for s in missing)}. Прошло {days_text(days)}."
            ),
            path=path_to("mentorship:pair_detail", meeting.pair_id),
            organization_id=organization.pk,
        )


def mentee_waiting(ctx: SweepContext) -> Iterable[Planned]:
    since = ctx.today - dt.timedelta(days=MENTEE_WAITING_DAYS + 1)
    people = (
        Person.objects.filter(
            organization__municipality=ctx.municipality,
            organization__is_active=True,
            is_mentee=True,
            is_active=True,
            mentee_since__lte=since,
            mentee_since__in=first_then_weekly_dates(ctx.today, first=MENTEE_WAITING_DAYS + 1),
        )
        .exclude(participations__role=ParticipantRole.MENTEE, participations__pair__status__in=OPEN_PAIR_STATUSES)
        .select_related("organization")
        .order_by("mentee_since", "pk")
    )
    for person in people:
        assert person.mentee_since is not None  # filtered above
        days = (ctx.today - person.mentee_since).days
        if not first_then_weekly(days, first=MENTEE_WAITING_DAYS + 1):
            continue
        yield Planned(
            object_type="mentorship.person",
            object_id=person.pk,
            kind=MENTEE_WAITING,
            recipients=ctx.curators(person.organization_id),
            title=f"{person.short_name} ждёт наставника {days_text(days)}",
            message=(
                f"Наставляемый {person.full_name} ({person.organization.short_name}) в банке наставляемых "
                f"с {person.mentee_since:%d.%m.%Y} и до сих пор без пары. Подберите наставника."
            ),
            path=path_to("mentorship:person_detail", person.pk),
            organization_id=person.organization_id,
        )


def pair_inactive(ctx: SweepContext) -> Iterable[Planned]:
    silent = first_then_weekly_dates(ctx.today, first=PAIR_SILENCE_DAYS)
    pairs = (
        Pair.objects.filter(organization__municipality=ctx.municipality, status=PairStatus.ACTIVE)
        .annotate(last_meeting=Max("meetings__held_on"))
        .filter(Q(last_meeting__in=silent) | Q(last_meeting__isnull=True, started_on__in=silent))
        .select_related("organization")
        .order_by("pk")
    )
    for pair in pairs:
        since = pair.last_meeting or pair.started_on  # annotated above
        if since is None:
            continue
        days = (ctx.today - since).days
        if not first_then_weekly(days, first=PAIR_SILENCE_DAYS):
            continue
        what = (
            f"последняя встреча {since:%d.%m.%Y}"
            if pair.last_meeting
            else f"встреч не было с начала ({since:%d.%m.%Y})"
        )
        label = pair.title or f"пара № {pair.pk}"
        yield Planned(
            object_type="mentorship.pair",
            object_id=pair.pk,
            kind=PAIR_INACTIVE,
            recipients=ctx.curators(pair.organization_id),
            title=f"Нет встреч {days_text(days)}: {label}",
            message=f"Наставническая пара «{label}» ({pair.organization.short_name}): {what}. Запланируйте встречу.",
            path=path_to("mentorship:pair_detail", pair.pk),
            organization_id=pair.organization_id,
        )


def register() -> None:
    register_reminder(FEEDBACK_TO_GIVE, model=Meeting, fields=MEETING_FIELDS, provider=feedback_to_give)
    register_reminder(MEETING_FEEDBACK_MISSING, model=Meeting, fields=MEETING_FIELDS, provider=meeting_feedback_missing)
    register_reminder(MENTEE_WAITING, model=Person, fields=PERSON_FIELDS, provider=mentee_waiting)
    register_reminder(PAIR_INACTIVE, model=Pair, fields=PAIR_FIELDS, provider=pair_inactive)
