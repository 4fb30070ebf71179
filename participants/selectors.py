"""Reads for the participant's own page: every query starts from the user's own person records
(accounts.scoping.filter_own), so a participant reaches nothing else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from accounts import scoping
from mentorship.models import (
    Consent,
    Invitation,
    Meeting,
    MeetingFeedback,
    Pair,
    PairParticipant,
    ParticipantRole,
    Person,
    PlanItem,
)
from mentorship.reminders import MEETING_FEEDBACK_AFTER_DAYS
from monitoring.models import CampaignStatus, Response

# a participant gives feedback on meetings of the last month (after that the curator's reminder stops too)
FEEDBACK_WINDOW_DAYS = 31


def my_people(user) -> QuerySet[Person]:
    return scoping.filter_own(user, Person.objects.all(), "user").select_related("organization")


def my_pairs(user) -> QuerySet[Pair]:
    return (
        scoping.filter_own(user, Pair.objects.all(), "participants__person__user")
        .select_related("organization", "form", "program")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=PairParticipant.objects.select_related("person__organization").order_by("role", "pk"),
            ),
            Prefetch("program__items", queryset=PlanItem.objects.order_by("order", "due_on", "pk")),
        )
        .order_by("-started_on", "-pk")
    )


def school_curators(pairs) -> dict[int, list]:
    """The curators of my pairs' schools, by organization id: whom a participant asks when the
    school's own phone and e-mail are not filled in (one query for all the pairs)."""
    from accounts.models import Role, RoleAssignment

    org_ids = {pair.organization_id for pair in pairs}
    out: dict[int, list] = {}
    for ra in (
        RoleAssignment.objects.filter(role=Role.CURATOR, organization_id__in=org_ids)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ):
        if ra.user.is_active and ra.organization_id is not None:
            out.setdefault(ra.organization_id, []).append(ra.user)
    return out


def my_pair(user, pk: int) -> Pair:
    return scoping.get_scoped_or_404(my_pairs(user), pk=pk)


def my_roles_in(user, pair: Pair) -> set[str]:
    """The user's roles in a pair (a person can be mentor and mentee of one group only in theory)."""
    return {p.role for p in pair.participants.all() if p.person.user_id == user.pk}


def my_meetings(user) -> QuerySet[Meeting]:
    return (
        scoping.filter_own(user, Meeting.objects.all(), "pair__participants__person__user")
        .select_related("pair__organization")
        .order_by("-held_on", "-pk")
    )


def my_meeting(user, pk: int) -> Meeting:
    return scoping.get_scoped_or_404(my_meetings(user), pk=pk)


def feedback_sides(user, meeting: Meeting) -> list[str]:
    """Sides (mentor/mentee) of the meeting whose feedback this user gives."""
    return sorted(
        PairParticipant.objects.filter(pair_id=meeting.pair_id, person__user=user).values_list("role", flat=True)
    )


def _given_by_user(user, meetings) -> set[tuple[int, str]]:
    """(meeting id, side) pairs on which this user has given their own feedback."""
    return set(
        MeetingFeedback.objects.filter(meeting__in=meetings, person__user=user).values_list("meeting_id", "side")
    )


def _side_sizes(pair_ids) -> dict[tuple[int, str], int]:
    sizes: dict[tuple[int, str], int] = {}
    for pair_id, role in PairParticipant.objects.filter(pair_id__in=pair_ids).values_list("pair_id", "role"):
        sizes[(pair_id, role)] = sizes.get((pair_id, role), 0) + 1
    return sizes


def side_done(user, meeting: Meeting, side: str) -> bool:
    """Whether this user's feedback on the meeting is in: their own, or — when they are alone on
    their side — the one a curator typed for them."""
    return _side_done(meeting, side, _given_by_user(user, [meeting.pk]), _side_sizes([meeting.pair_id]))


def my_feedback(user, meeting: Meeting, side: str) -> tuple[int | None, str]:
    """(rating, text) of this user's own feedback; when they are alone on their side and gave none
    themselves, what the curator typed for them. Never another group member's words."""
    own = MeetingFeedback.objects.filter(meeting=meeting, side=side, person__user=user).first()
    if own is not None:
        return own.rating, own.text
    if _side_sizes([meeting.pair_id]).get((meeting.pair_id, side), 0) > 1:
        return None, ""
    if side == ParticipantRole.MENTOR:
        return meeting.mentor_rating, meeting.mentor_feedback
    return meeting.mentee_rating, meeting.mentee_feedback


def with_feedback_state(user, meetings: list[Meeting], *, pairs: list | None = None) -> list[Meeting]:
    """Held meetings for the participant's list: `my_feedback_done` — every side of this user has
    their feedback in (the rule of waiting_for), so the list says «отзыв дан» or «оставить отзыв»;
    with several `pairs` (their `partners` set), `partner_names` says whose meeting it was. Three
    queries whatever the number of meetings."""
    ids = [m.pk for m in meetings]
    roles: dict[int, set[str]] = {}
    for pair_id, role in PairParticipant.objects.filter(person__user=user).values_list("pair_id", "role"):
        roles.setdefault(pair_id, set()).add(role)
    given = _given_by_user(user, ids)
    sizes = _side_sizes({m.pair_id for m in meetings})
    partners = (
        {pair.pk: ", ".join(p.person.short_name for p in pair.partners) for pair in pairs}
        if pairs and len(pairs) > 1
        else {}
    )
    for m in meetings:
        m.my_feedback_done = all(  # type: ignore[attr-defined]
            _side_done(m, side, given, sizes) for side in roles.get(m.pair_id, ())
        )
        m.partner_names = partners.get(m.pair_id, "")  # type: ignore[attr-defined]
    return meetings


def _side_done(meeting: Meeting, side: str, given: set[tuple[int, str]], sizes: dict[tuple[int, str], int]) -> bool:
    if (meeting.pk, side) in given:
        return True
    if sizes.get((meeting.pair_id, side), 0) > 1:
        return False
    return meeting.has_mentor_feedback if side == ParticipantRole.MENTOR else meeting.has_mentee_feedback


def my_responses(user) -> QuerySet[Response]:
    return (
        scoping.filter_own(user, Response.objects.all(), "person__user")
        .filter(person__isnull=False)
        .select_related("questionnaire", "assignment__campaign", "assignment__organization")
        .order_by("assignment__campaign__deadline", "pk")
    )


def my_response(user, pk: int) -> Response:
    return scoping.get_scoped_or_404(my_responses(user), pk=pk)


@dataclass
class Waiting:
    kind: str  # "feedback" or "questionnaire"
    title: str
    url_name: str
    pk: int
    deadline: dt.date | None
    overdue: bool


def waiting_for(user, *, today: dt.date | None = None) -> list[Waiting]:
    """What waits for the participant: feedback on held meetings, open questionnaires."""
    today = today or scoping.user_today(user)
    items: list[Waiting] = []
    meetings = list(
        my_meetings(user).filter(held_on__lte=today, held_on__gte=today - dt.timedelta(days=FEEDBACK_WINDOW_DAYS))
    )
    roles: dict[int, set[str]] = {}
    for pair_id, role in PairParticipant.objects.filter(person__user=user).values_list("pair_id", "role"):
        roles.setdefault(pair_id, set()).add(role)
    given = _given_by_user(user, [m.pk for m in meetings])
    sizes = _side_sizes({m.pair_id for m in meetings})
    for m in meetings:
        for side in sorted(roles.get(m.pair_id, ())):
            if not _side_done(m, side, given, sizes):
                deadline = m.held_on + dt.timedelta(days=MEETING_FEEDBACK_AFTER_DAYS)
                items.append(
                    Waiting(
                        "feedback",
                        f"Отзыв о встрече {m.held_on:%d.%m.%Y}: {m.topic}",
                        "participant:feedback",
                        m.pk,
                        deadline,
                        deadline < today,
                    )
                )
    for r in my_responses(user).filter(submitted_at__isnull=True, assignment__campaign__status=CampaignStatus.OPEN):
        deadline = r.assignment.campaign.deadline
        items.append(
            Waiting(
                "questionnaire",
                f"Анкета: {r.questionnaire.title}",
                "participant:questionnaire",
                r.pk,
                deadline,
                deadline < today,
            )
        )
    return sorted(items, key=lambda w: (w.deadline or dt.date.max, w.title))


def my_consents(user) -> QuerySet[Consent]:
    return scoping.filter_own(user, Consent.objects.all(), "person__user").select_related("person__organization")


def my_invitations(user) -> QuerySet[Invitation]:
    return scoping.filter_own(user, Invitation.objects.all(), "person__user").select_related("created_by")
