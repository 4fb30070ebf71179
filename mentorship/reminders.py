"""Reminders about mentorship, registered in MentorshipConfig.ready (accounts.reminders): feedback
on held meetings (to each participant who has not given theirs, a group's members one by one, then
to the curator), mentees waiting for a pair, pairs without meetings."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, Trim

from accounts.reminders import (
    REPEAT_EVERY_DAYS,
    DaysSince,
    Planned,
    SweepContext,
    days_text,
    first_then_weekly,
    first_then_weekly_dates,
    first_then_weekly_sql,
    path_to,
    register_reminder,
    short_text,
)
from mentorship.models import (
    OPEN_PAIR_STATUSES,
    Meeting,
    MeetingFeedback,
    Pair,
    PairStatus,
    ParticipantRole,
    Person,
    full_name,
    short_name,
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
    "pair__participants__person__last_name",
    "pair__participants__person__first_name",
    "pair__participants__person__middle_name",
    "pair__participants__person__user__is_active",
    "feedbacks__person",
    "feedbacks__side",
    "held_on",
    "topic",
    "mentor_rating",
    "mentor_feedback",
    "mentee_rating",
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


@dataclass(frozen=True)
class Waiting:
    """One participant whose own feedback on a meeting is still missing."""

    side: str  # mentor / mentee
    name: str  # short name («Иванова А.П.»)
    user_id: int | None  # their active account; None: a pupil, or no account yet
    on_card: bool  # the curator's pair card lists them as missing too
    in_group: bool  # others share their side (a group's mentees)


@dataclass(frozen=True)
class FeedbackDue:
    """A held meeting on one of today's cadence days with somebody's feedback missing."""

    meeting_id: int
    pair_id: int
    organization_id: int
    organization_name: str
    held_on: dt.date
    topic: str
    days: int
    waiting: tuple[Waiting, ...]
    nobody_on: tuple[str, ...]  # sides nobody is on, their field empty (the curator is told at once)
    users: dict  # user id → user, the accounts among `waiting`

    @property
    def group_sides(self) -> set[str]:
        return {w.side for w in self.waiting if w.in_group}


def _feedback_meetings(ctx: SweepContext) -> list[FeedbackDue]:
    """Meetings of the municipality still missing someone's feedback on one of today's cadence
    days, with who is missing, per person (read once per sweep: the participants' and the
    curators' reminders share it)."""
    return ctx.shared("mentorship.feedback_meetings", lambda: _read_feedback_meetings(ctx))


SIDES = (ParticipantRole.MENTOR, ParticipantRole.MENTEE)


def _summary_given(side: str) -> Q:
    """The meeting's field of `side` is filled (a single participant's own, or what the mentor or
    the curator typed for the side: a pupil's feedback)."""
    return Q(**{f"{side}_rating__isnull": False}) & ~Q(**{f"{side}_text": ""})


def _participant_rows(ctx: SweepContext):
    """The meetings held on today's cadence days in the municipality, a row per (meeting,
    participant of its pair) — a pair without participants gives one row of NULLs — read with
    the meeting's fields, whether each side's field is filled and, per participant, whether they
    gave their own feedback and whether anyone of their side did.

    One plain join from the municipality's organizations down to their pairs, the pairs' meetings
    in the date range (`meeting_pair_held_idx`) and their participants: nothing here reads another
    municipality's rows. Who is in a group, and which side nobody is on, is counted from these rows
    in Python (`_read_feedback_meetings`): the correlated subqueries that did it in SQL hashed
    every participant of the region and were most of the time of compiling the query."""
    oldest = ctx.today - dt.timedelta(days=MEETING_FEEDBACK_GIVE_UP_DAYS)
    newest = ctx.today - dt.timedelta(days=MEETING_FEEDBACK_AFTER_DAYS)
    feedback_on_side = MeetingFeedback.objects.filter(meeting_id=OuterRef("pk"), side=OuterRef("p_side"))

    def boolean(q: Q) -> ExpressionWrapper:
        return ExpressionWrapper(q, output_field=BooleanField())

    return (
        Meeting.objects.filter(
            pair__organization__municipality=ctx.municipality,
            held_on__range=(oldest, newest),
            held_on__in=first_then_weekly_dates(
                ctx.today, first=MEETING_FEEDBACK_AFTER_DAYS, last=MEETING_FEEDBACK_GIVE_UP_DAYS
            ),
        )
        # one row per participant of the meeting's pair (every field of theirs reuses the one join)
        .annotate(
            p_side=F("pair__participants__role"),
            p_person=F("pair__participants__person_id"),
            p_last=F("pair__participants__person__last_name"),
            p_first=F("pair__participants__person__first_name"),
            p_middle=F("pair__participants__person__middle_name"),
            p_user=Case(
                When(pair__participants__person__user__is_active=True, then=F("pair__participants__person__user_id")),
                default=None,
                output_field=IntegerField(),
            ),
        )
        .alias(mentor_text=Trim("mentor_feedback"), mentee_text=Trim("mentee_feedback"))
        .annotate(
            mentor_given=boolean(_summary_given(ParticipantRole.MENTOR)),
            mentee_given=boolean(_summary_given(ParticipantRole.MENTEE)),
            own=Exists(feedback_on_side.filter(person_id=OuterRef("p_person"))),
            side_answered=Exists(feedback_on_side),
        )
        .order_by("held_on", "pk", "p_side", "p_last", "p_first", "p_person")
        .values(
            "pk",
            "pair_id",
            "pair__organization_id",
            "pair__organization__short_name",
            "held_on",
            "topic",
            "mentor_given",
            "mentee_given",
            "p_side",
            "p_person",
            "p_last",
            "p_first",
            "p_middle",
            "p_user",
            "own",
            "side_answered",
        )
    )


def _read_feedback_meetings(ctx: SweepContext) -> list[FeedbackDue]:
    """Who is missing, per meeting and participant:

    a participant `waits` when they gave no feedback of their own and either share their side with
    others (a group: everyone answers for themselves, as their own page asks) or the side's field
    is empty (alone on their side, the curator may have typed it for them);
    the curator's pair card lists them too (`on_card`) when the side's field is empty or somebody
    of the side already answered for themselves (a curator's one entry for the whole group leaves
    nobody missing);
    a side nobody is on (a forming pair) with its field empty is the curator's alone (`nobody_on`)."""
    rows = [
        r
        for r in _participant_rows(ctx)
        if first_then_weekly((ctx.today - r["held_on"]).days, first=MEETING_FEEDBACK_AFTER_DAYS)
    ]
    meetings = []
    user_ids: set[int] = set()
    for _, grouped in groupby(rows, key=itemgetter("pk")):
        group = list(grouped)
        first = group[0]
        given = {ParticipantRole.MENTOR: first["mentor_given"], ParticipantRole.MENTEE: first["mentee_given"]}
        on_side = Counter(r["p_side"] for r in group if r["p_person"] is not None)
        waiting = tuple(
            Waiting(
                side=r["p_side"],
                name=short_name(r["p_last"], r["p_first"], r["p_middle"]),
                user_id=r["p_user"],
                on_card=not given[r["p_side"]] or r["side_answered"],
                in_group=on_side[r["p_side"]] > 1,
            )
            for r in group
            if r["p_person"] is not None and not r["own"] and (on_side[r["p_side"]] > 1 or not given[r["p_side"]])
        )
        nobody_on = tuple(side for side in SIDES if not on_side[side] and not given[side])
        if not waiting and not nobody_on:
            continue
        user_ids.update(w.user_id for w in waiting if w.user_id is not None)
        meetings.append((first, waiting, nobody_on))
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    return [
        FeedbackDue(
            meeting_id=first["pk"],
            pair_id=first["pair_id"],
            organization_id=first["pair__organization_id"],
            organization_name=first["pair__organization__short_name"],
            held_on=first["held_on"],
            topic=first["topic"],
            days=(ctx.today - first["held_on"]).days,
            waiting=waiting,
            nobody_on=nobody_on,
            users={w.user_id: users[w.user_id] for w in waiting if w.user_id in users},
        )
        for first, waiting, nobody_on in meetings
    ]


def feedback_to_give(ctx: SweepContext) -> Iterable[Planned]:
    """Each participant with an account who has not given their own feedback is reminded first
    (on day MEETING_FEEDBACK_AFTER_DAYS, then weekly); in a group, each member for themselves."""
    for item in _feedback_meetings(ctx):
        recipients = tuple(item.users.values())
        if not recipients:
            continue
        yield Planned(
            object_type="mentorship.meeting",
            object_id=item.meeting_id,
            kind=FEEDBACK_TO_GIVE,
            recipients=recipients,
            title=f"Оставьте отзыв о встрече {item.held_on:%d.%m.%Y}",
            message=(
                f"Встреча «{short_text(item.topic, 80)}» от {item.held_on:%d.%m.%Y}: вы ещё не оставили "
                f"обратную связь. Прошло {days_text(item.days)}."
            ),
            path=path_to("participant:feedback", item.meeting_id),
            organization_id=item.organization_id,
        )


SIDE_GENITIVE = {
    ParticipantRole.MENTOR: ("наставника", "наставников"),
    ParticipantRole.MENTEE: ("наставляемого", "наставляемых"),
}


def _missing_text(waiting: list[Waiting], *, groups: set[str], nobody_on: tuple[str, ...] = ()) -> str:
    """«наставника и наставляемого»; a group's side names who: «наставляемых (Вторая А.П., …)»."""
    parts = []
    for side in SIDES:
        names = [w.name for w in waiting if w.side == side]
        if not names and side not in nobody_on:
            continue
        one, many = SIDE_GENITIVE[side]
        if side not in groups or not names:
            parts.append(one)
        else:
            parts.append(f"{one if len(names) == 1 else many} ({', '.join(names)})")
    return " и ".join(parts)


def meeting_feedback_missing(ctx: SweepContext) -> Iterable[Planned]:
    """The curator, about the participants their pair card lists as missing: at once when one of
    them has no account (pupils: their feedback is entered by the mentor or the curator),
    otherwise a week after the participants' own reminder."""
    for item in _feedback_meetings(ctx):
        missing = [w for w in item.waiting if w.on_card]
        if not missing and not item.nobody_on:
            continue
        participants_first = not item.nobody_on and all(w.user_id is not None for w in missing)
        if participants_first and item.days < MEETING_FEEDBACK_AFTER_DAYS + REPEAT_EVERY_DAYS:
            continue
        yield Planned(
            object_type="mentorship.meeting",
            object_id=item.meeting_id,
            kind=MEETING_FEEDBACK_MISSING,
            recipients=ctx.curators(item.organization_id),
            title=f"Нет обратной связи: встреча {item.held_on:%d.%m.%Y}",
            message=(
                f"Встреча «{short_text(item.topic, 80)}» от {item.held_on:%d.%m.%Y} ({item.organization_name}): "
                f"нет обратной связи {_missing_text(missing, groups=item.group_sides, nobody_on=item.nobody_on)}. Прошло {days_text(item.days)}."
            ),
            path=path_to("mentorship:pair_detail", item.pair_id),
            organization_id=item.organization_id,
        )


def mentee_waiting(ctx: SweepContext) -> Iterable[Planned]:
    """Mentees of active schools waiting without an open pair, on day MENTEE_WAITING_DAYS + 1 and
    weekly after it (the cadence in SQL, rows of values)."""
    people = (
        Person.objects.alias(age=DaysSince("mentee_since", ctx.today))
        .filter(
            first_then_weekly_sql(F("age"), first=MENTEE_WAITING_DAYS + 1),
            organization__municipality=ctx.municipality,
            organization__is_active=True,
            is_mentee=True,
            is_active=True,
        )
        .exclude(participations__role=ParticipantRole.MENTEE, participations__pair__status__in=OPEN_PAIR_STATUSES)
        .order_by("mentee_since", "pk")
        .values_list(
            "pk",
            "organization_id",
            "organization__short_name",
            "last_name",
            "first_name",
            "middle_name",
            "mentee_since",
        )
    )
    for pk, organization_id, organization_name, last_name, first_name, middle_name, since in people:
        assert since is not None  # a null date has no age: the cadence filter left it out
        days = (ctx.today - since).days
        yield Planned(
            object_type="mentorship.person",
            object_id=pk,
            kind=MENTEE_WAITING,
            recipients=ctx.curators(organization_id),
            title=f"{short_name(last_name, first_name, middle_name)} ждёт наставника {days_text(days)}",
            message=(
                f"Наставляемый {full_name(last_name, first_name, middle_name)} ({organization_name}) в банке "
                f"наставляемых с {since:%d.%m.%Y} и до сих пор без пары. Подберите наставника."
            ),
            path=path_to("mentorship:person_detail", pk),
            organization_id=organization_id,
        )


def pair_inactive(ctx: SweepContext) -> Iterable[Planned]:
    """Active pairs silent since their last meeting (or their start, without one) for
    PAIR_SILENCE_DAYS, then weekly (the cadence in SQL, on the aggregate: rows of values)."""
    # each pair's last meeting read backwards from its own index entries (meeting_pair_held_idx),
    # not a grouped MAX over every meeting of the municipality's 1,900 active pairs (9.4 → 6.2 ms)
    last_meeting = Meeting.objects.filter(pair_id=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    pairs = (
        Pair.objects.filter(organization__municipality=ctx.municipality, status=PairStatus.ACTIVE)
        .annotate(last_meeting=Subquery(last_meeting, output_field=DateField()))
        .alias(age=DaysSince(Coalesce("last_meeting", "started_on"), ctx.today))
        .filter(first_then_weekly_sql(F("age"), first=PAIR_SILENCE_DAYS))
        .order_by("pk")
        .values_list("pk", "organization_id", "organization__short_name", "title", "started_on", "last_meeting")
    )
    for pk, organization_id, organization_name, title, started_on, last_meeting in pairs:
        since = last_meeting or started_on
        assert since is not None  # a null date has no age: the cadence filter left it out
        days = (ctx.today - since).days
        what = f"последняя встреча {since:%d.%m.%Y}" if last_meeting else f"встреч не было с начала ({since:%d.%m.%Y})"
        label = title or f"пара № {pk}"
        yield Planned(
            object_type="mentorship.pair",
            object_id=pk,
            kind=PAIR_INACTIVE,
            recipients=ctx.curators(organization_id),
            title=f"Нет встреч {days_text(days)}: {label}",
            message=f"Наставническая пара «{label}» ({organization_name}): {what}. Запланируйте встречу.",
            path=path_to("mentorship:pair_detail", pk),
            organization_id=organization_id,
        )


def register() -> None:
    register_reminder(FEEDBACK_TO_GIVE, model=Meeting, fields=MEETING_FIELDS, provider=feedback_to_give)
    register_reminder(MEETING_FEEDBACK_MISSING, model=Meeting, fields=MEETING_FIELDS, provider=meeting_feedback_missing)
    register_reminder(MENTEE_WAITING, model=Person, fields=PERSON_FIELDS, provider=mentee_waiting)
    register_reminder(PAIR_INACTIVE, model=Pair, fields=PAIR_FIELDS, provider=pair_inactive)
