"""Reads of the mentorship app. Every queryset starts from accounts.scoping; lists prefetch what
their templates touch so the number of queries does not grow with the number of rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import scoping
from accounts.history import history_rows  # noqa: F401  (re-exported for the views)
from accounts.models import Municipality, Organization, local_today
from mentorship.models import (
    OPEN_PAIR_STATUSES,
    Community,
    Consent,
    Event,
    Meeting,
    MeetingFeedback,
    MenteeCategory,
    Pair,
    PairParticipant,
    PairStatus,
    ParticipantRole,
    Person,
    PlanItem,
    Practice,
    Program,
)


# Annotations -----------------------------------------------------------------------------------
def _has_consent():
    return Exists(Consent.objects.filter(person=OuterRef("pk"), withdrawn_on__isnull=True))


def _mentor_load():
    """Distinct mentees in the forming/active pairs the person mentors (one subquery per list)."""
    mentees = (
        PairParticipant.objects.filter(
            role=ParticipantRole.MENTEE,
            pair__status__in=OPEN_PAIR_STATUSES,
            pair__participants__person_id=OuterRef("pk"),
            pair__participants__role=ParticipantRole.MENTOR,
        )
        .order_by()
        .annotate(_one=Value(1))
        .values("_one")
        .annotate(n=Count("person_id", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(mentees, output_field=IntegerField()), 0)


def _in_open_pair_as_mentee():
    return Exists(
        PairParticipant.objects.filter(
            person=OuterRef("pk"), role=ParticipantRole.MENTEE, pair__status__in=OPEN_PAIR_STATUSES
        )
    )


def with_person_facts(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.annotate(has_consent=_has_consent(), load=_mentor_load(), matched=_in_open_pair_as_mentee())


# People ----------------------------------------------------------------------------------------
def people_visible(user) -> QuerySet[Person]:
    return scoping.filter_by_organization(user, Person.objects.all())


def people_editable(user) -> QuerySet[Person]:
    return scoping.filter_by_organization(user, Person.objects.all(), edit=True)


def person_list(user) -> QuerySet[Person]:
    return (
        with_person_facts(people_visible(user))
        .select_related("organization")
        .prefetch_related("subjects", "competencies", "deficits")
    )


def mentor_bank(user) -> QuerySet[Person]:
    """The user's own mentors plus the municipal bank of the municipalities the user may read.

    A curator sees other schools' bank mentors too, but only their names, organization and
    competencies (see `can_see_personal`)."""
    scope = scoping.scope_for(user)
    q = scope.organization_q("organization") | (
        Q(in_municipal_bank=True) & scope.municipality_q("organization__municipality")
    )
    people = Person.objects.filter(q, is_mentor=True, is_active=True)
    if scope.view_organization_ids:
        # a school's user: own school OR the municipal bank is an OR across the person and its
        # organization's municipality, which no index serves (every mentor of the region was read).
        # The organizations both sides come from, implied by `q`, narrow it to the municipality's
        # people first (a whole-municipality or regional scope plans well without it)
        organizations = Organization.objects.filter(scope.organization_q() | scope.municipality_q("municipality"))
        people = people.filter(organization__in=organizations.values("pk"))
    return (
        with_person_facts(people)
        .select_related("organization__municipality")
        .prefetch_related("subjects", "competencies")
    )


def mentee_list(user) -> QuerySet[Person]:
    return person_list(user).filter(is_mentee=True, is_active=True)


def mentees_waiting(user) -> QuerySet[Person]:
    """Mentees without a forming or active pair: they stay on this list until matched."""
    # `matched` is annotated by with_person_facts (person_list): django-stubs cannot see annotations
    return mentee_list(user).filter(matched=False).order_by("mentee_since", "last_name")  # type: ignore[misc]


@dataclass
class MunicipalityPeople:
    """One municipality's people and pairs, as a region-wide user's lists show them before a
    municipality is chosen (its active organizations' active people)."""

    municipality: Municipality
    mentors: int = 0
    mentees: int = 0
    mentees_matched: int = 0
    pairs: int = 0

    @property
    def waiting(self) -> int:
        """Mentees without a forming or active pair (what «Ожидают пару» lists)."""
        return max(0, self.mentees - self.mentees_matched)


# The stored per-organization figures (monitoring.stats.municipality_rows) belong to monitoring,
# which reads this app and not the other way round (docs/ARCHITECTURE.md): monitoring registers
# its reader here when it starts (MonitoringConfig.ready). Without it the counts are grouped live.
StoredRows = Callable[[list[Municipality], int], "tuple[list[Any], Any] | None"]
_stored_municipality_rows: list[StoredRows] = []


def register_stored_municipality_rows(reader: StoredRows) -> None:
    _stored_municipality_rows[:] = [reader]


def people_by_municipality(user, today: dt.date | None = None) -> tuple[list[MunicipalityPeople], object | None]:
    """A region-wide user's «Участники», banks, «Ожидают пару» and «Пары и группы» before a
    municipality is chosen: the municipalities the user reads as rows, each with its mentors,
    mentees, mentees in a forming or active pair and active pairs, summed from the stored
    per-organization rows (monitoring.stats, the annual report's own counts), so these pages do
    not grow with the region's people. Returns the rows and their `Freshness`; when some
    organization has no stored row yet, the counts are grouped live and the freshness is None."""
    year = (today or scoping.user_today(user)).year
    municipalities: list[Municipality] = list(
        Municipality.objects.filter(pk__in=scoping.scope_for(user).view_municipality_ids)
        .annotate(active_organizations=Count("organizations", filter=Q(organizations__is_active=True)))
        .order_by("name")
    )
    reader = _stored_municipality_rows[0] if _stored_municipality_rows else None
    stored = reader(municipalities, year) if reader and municipalities else None
    if stored is not None:
        rows, freshness = stored
        return [
            MunicipalityPeople(m, r.mentors, r.mentees, r.mentees_matched, r.pairs)
            for m, r in zip(municipalities, rows, strict=True)
        ], freshness
    return _people_by_municipality_live(municipalities), None


def _people_by_municipality_live(municipalities: list[Municipality]) -> list[MunicipalityPeople]:
    """The same counts grouped live (no stored rows yet): what monitoring.selectors counts."""
    where = Q(organization__municipality__in=municipalities, organization__is_active=True, is_active=True)
    in_open_pair = Q(
        pk__in=PairParticipant.objects.filter(role=ParticipantRole.MENTEE, pair__status__in=OPEN_PAIR_STATUSES).values(
            "person_id"
        )
    )
    counted = (
        Person.objects.filter(where)
        .values("organization__municipality_id")
        .annotate(
            mentors=Count("pk", filter=Q(is_mentor=True)),
            mentees=Count("pk", filter=Q(is_mentee=True)),
            matched_n=Count("pk", filter=Q(is_mentee=True) & in_open_pair),
        )
        .order_by()
    )
    by_id = {row["organization__municipality_id"]: row for row in counted}
    pairs = dict(
        Pair.objects.filter(
            organization__municipality__in=municipalities,
            organization__is_active=True,
            status=PairStatus.ACTIVE,
        )
        .values_list("organization__municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = []
    for m in municipalities:
        row = by_id.get(m.pk, {})
        out.append(
            MunicipalityPeople(
                m, row.get("mentors", 0), row.get("mentees", 0), row.get("matched_n", 0), pairs.get(m.pk, 0)
            )
        )
    return out


def waiting_days(person: Person, today: dt.date | None = None) -> int:
    today = today or local_today()
    start = person.mentee_since or timezone.localtime(person.created_at).date()
    return max(0, (today - start).days)


def can_see_personal(user, person: Person) -> bool:
    """Contacts leave the person's own organization only with a valid consent on file."""
    scope = scoping.scope_for(user)
    if person.organization_id in scope.view_organization_ids:
        return True
    has = getattr(person, "has_consent", None)
    if has is None:
        has = person.consents.filter(withdrawn_on__isnull=True).exists()
    return bool(has) and scoping.can_view_organization(user, person.organization)


def can_see_full_card(user, person: Person) -> bool:
    """Bank mentors of other schools are visible by name, organization and competencies only."""
    return scoping.can_view_organization(user, person.organization)


# Pairs -----------------------------------------------------------------------------------------
def _participants_prefetch() -> Prefetch:
    return Prefetch(
        "participants",
        queryset=PairParticipant.objects.select_related("person__organization").order_by("role", "person__last_name"),
    )


def pairs_visible(user) -> QuerySet[Pair]:
    return scoping.filter_by_organization(user, Pair.objects.all())


def pair_list(user) -> QuerySet[Pair]:
    return pair_rows(pairs_visible(user))


def pair_list_base(user) -> QuerySet[Pair]:
    """The pairs of the list in its order, without what a row shows: the list filters and pages
    these (its count and its page of ids then join no meetings), and `pair_rows` completes the page."""
    return pairs_visible(user).order_by("-created_at", "-pk")


def pair_rows(pairs: QuerySet[Pair]) -> QuerySet[Pair]:
    """What a row of the pair list shows: organization, form, program, participants, meeting counts."""
    return (
        pairs.select_related("organization", "form", "program")
        .prefetch_related(_participants_prefetch(), "formats")
        .annotate(
            meeting_count=Count("meetings", distinct=True),
            incomplete_meetings=Count(
                "meetings",
                filter=Q(meetings__mentor_rating__isnull=True)
                | Q(meetings__mentee_rating__isnull=True)
                | Q(meetings__mentor_feedback="")
                | Q(meetings__mentee_feedback=""),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-pk")
    )


def side_summary_given(meeting: Meeting, side: str) -> bool:
    """The meeting's field of `side` is filled (a participant's own, or what the mentor or the
    curator typed for the side: a pupil's feedback)."""
    return meeting.has_mentor_feedback if side == ParticipantRole.MENTOR else meeting.has_mentee_feedback


def waiting_for_feedback(meeting: Meeting, participants: list[PairParticipant]) -> list[PairParticipant]:
    """The participants the curator's card lists as not having given their own feedback on a held
    meeting, mentor and mentees alike. The rule of the «нет обратной связи» reminders
    (mentorship.reminders._waiting_rows: `waits` and `on_card`), over rows already read:

    - a participant waits when they gave no feedback of their own and either share their side with
      others (a group: everyone answers for themselves) or the side's field is empty (alone on
      their side, the mentor or the curator may have typed it for them: a pupil);
    - the card lists them when the side's field is empty or somebody of the side has already
      answered for themselves (a curator's one entry for the whole group leaves nobody missing).

    `meeting.feedbacks` should be prefetched, `participants` read with their persons."""
    own = {(f.person_id, f.side) for f in meeting.feedbacks.all()}
    answered = {f.side for f in meeting.feedbacks.all()}
    per_side = Counter(participant.role for participant in participants)
    missing = []
    for participant in participants:
        side = participant.role
        summary = side_summary_given(meeting, side)
        waits = (participant.person_id, side) not in own and (per_side[side] > 1 or not summary)
        if waits and (not summary or side in answered):
            missing.append(participant)
    return missing


def pair_meetings(pair: Pair, *, today: dt.date) -> list[Meeting]:
    """The pair's meetings for its card; in a group each meeting carries `mentee_feedbacks` (each
    mentee's own words); each held meeting carries `without_feedback`: (side label, names) of the
    participants who have not given their own feedback (waiting_for_feedback), so the curator sees
    who is missing. `pair.participants` is read with the persons (pair_detail)."""
    meetings = list(
        pair.meetings.prefetch_related(
            Prefetch(
                "feedbacks", queryset=MeetingFeedback.objects.select_related("person").order_by("person__last_name")
            )
        )
    )
    participants = sorted(
        pair.participants.all(), key=lambda p: (p.role != ParticipantRole.MENTOR, p.person.last_name, p.person_id)
    )
    mentees = [p for p in participants if p.role == ParticipantRole.MENTEE]
    labels = {
        ParticipantRole.MENTOR: ("наставник", "наставники"),
        ParticipantRole.MENTEE: ("наставляемый", "наставляемые"),
    }
    for meeting in meetings:
        own = [f for f in meeting.feedbacks.all() if f.side == ParticipantRole.MENTEE]
        meeting.mentee_feedbacks = own if len(mentees) > 1 else []  # type: ignore[attr-defined]
        missing = waiting_for_feedback(meeting, participants) if meeting.held_on <= today else []
        meeting.without_feedback = [  # type: ignore[attr-defined]
            (labels[side][0 if len(names) == 1 else 1], ", ".join(names))
            for side in (ParticipantRole.MENTOR, ParticipantRole.MENTEE)
            if (names := [p.person.short_name for p in missing if p.role == side])
        ]
    return meetings


def pair_detail(user, pk: int) -> Pair:
    qs = (
        pairs_visible(user)
        .select_related("organization__municipality", "form")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=PairParticipant.objects.select_related("person__organization")
                .annotate(
                    has_consent=Exists(Consent.objects.filter(person=OuterRef("person"), withdrawn_on__isnull=True))
                )
                .order_by("role", "person__last_name"),
            ),
            "formats",
        )
    )
    return scoping.get_scoped_or_404(qs, pk=pk)


# Programs and registries -----------------------------------------------------------------------
def programs_visible(user) -> QuerySet[Program]:
    return scoping.filter_by_organization(user, Program.objects.all(), "pair__organization")


def program_bank(user) -> QuerySet[Program]:
    """Published programs of every organization in the municipalities the user may read."""
    return (
        # the program's own municipality column: read through program_bank_idx, not by joining
        # every published program of the region to its pair and organization
        scoping.filter_by_municipality(user, Program.objects.filter(is_published=True), "municipality")
        .select_related("pair__organization", "pair__form")
        .prefetch_related("deficits")
        # counted per shown row (a scalar subquery after LIMIT), not grouped over every published
        # program in scope: the page then reads its 25 rows in the order of program_published_idx
        .annotate(
            item_count=Coalesce(
                Subquery(
                    PlanItem.objects.filter(program=OuterRef("pk"))
                    .order_by()
                    .values("program")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        )
    )


def meetings_visible(user) -> QuerySet[Meeting]:
    return scoping.filter_by_organization(user, Meeting.objects.all(), "pair__organization")


def practices_visible(user) -> QuerySet[Practice]:
    """A school's own practices, plus everything published in the municipality."""
    scope = scoping.scope_for(user)
    # both halves on the practice's own columns (organization, municipality), each indexed: no join
    # of the region's organizations to decide which rows are in scope
    q = scope.organization_q("organization", municipality_path="municipality") | (
        Q(is_published=True) & scope.municipality_q("municipality")
    )
    return Practice.objects.filter(q).select_related("organization", "form").prefetch_related("files")


def _municipal_or_school(user, model) -> QuerySet:
    """Events and communities: school-level rows by the organization, municipal ones by the municipality."""
    scope = scoping.scope_for(user)
    q = (Q(organization__isnull=False) & scope.organization_q("organization")) | (
        Q(organization__isnull=True) & scope.municipality_q("municipality")
    )
    return model.objects.filter(q)


def events_visible(user) -> QuerySet[Event]:
    return (
        _municipal_or_school(user, Event)
        .select_related("municipality", "organization")
        .annotate(participant_count=Count("participants", distinct=True))
        .order_by("-starts_on", "-pk")
    )


def communities_visible(user) -> QuerySet[Community]:
    return (
        _municipal_or_school(user, Community)
        .select_related("municipality", "organization")
        .annotate(member_count=Count("members", distinct=True), meeting_count=Count("meetings", distinct=True))
        .order_by("title", "pk")
    )


def community_members(user, community: Community) -> tuple[list[Person], int]:
    """Members of a community the user may see elsewhere (their own people and the municipal
    mentor bank), and how many other members there are (shown as a number, never by name)."""
    visible = Q(person__in=people_visible(user).values("pk")) | Q(person__in=mentor_bank(user).values("pk"))
    links = Community.members.through.objects.filter(community=community)
    shown = list(links.filter(visible).select_related("person__organization").order_by("person__last_name", "pk"))
    return [link.person for link in shown], links.count() - len(shown)


def can_edit_municipal_or_school(user, obj) -> bool:
    if obj.organization_id:
        return scoping.can_edit_organization(user, obj.organization)
    return scoping.can_edit_municipality(user, obj.municipality_id)


# Dashboard -------------------------------------------------------------------------------------
@dataclass
class OrgStats:
    organization: Organization | None  # None: the total row
    mentors: int = 0
    mentees: int = 0
    waiting: int = 0
    active_pairs: int = 0
    young: int = 0
    young_covered: int = 0
    meetings_30: int = 0
    without_consent: int = 0

    @property
    def young_share(self) -> int | None:
        return round(100 * self.young_covered / self.young) if self.young else None


@dataclass
class Dashboard:
    rows: list[OrgStats]
    total: OrgStats
    by_form: list[tuple[str, int]] = field(default_factory=list)
    page: Page | None = None  # the page of organizations `rows` shows


DASHBOARD_PAGE_SIZE = 25
_SUMMED = ("mentors", "mentees", "waiting", "young", "young_covered", "without_consent")


def _people_figures(people: QuerySet[Person]) -> dict:
    """The dashboard's people figures as SQL aggregates (Count with filters), never a row per person."""
    mentee = Q(is_mentee=True)
    young = mentee & Q(mentee_category=MenteeCategory.YOUNG)
    return {
        "mentors": Count("pk", filter=Q(is_mentor=True)),
        "mentees": Count("pk", filter=mentee),
        "waiting": Count("pk", filter=mentee & Q(matched=False)),
        "young": Count("pk", filter=young),
        "young_covered": Count("pk", filter=young & Q(matched=True)),
        "without_consent": Count("pk", filter=Q(has_consent=False)),
    }


def _facts(qs: QuerySet[Person]) -> QuerySet[Person]:
    return qs.annotate(has_consent=_has_consent(), matched=_in_open_pair_as_mentee()).order_by()


def dashboard(user, today: dt.date | None = None, page: str | int | None = 1) -> Dashboard:
    """Totals of everything the user sees, and the figures of one page of organizations: a fixed
    handful of grouped queries, whatever the number of organizations, people and pairs."""
    today = today or scoping.user_today(user)
    organizations = scoping.visible_organizations(user).order_by("short_name", "pk")
    org_page = Paginator(organizations, DASHBOARD_PAGE_SIZE).get_page(page)
    stats = {o.pk: OrgStats(organization=o) for o in org_page.object_list}
    ids = list(stats)
    people = _facts(people_visible(user).filter(is_active=True))
    total = OrgStats(organization=None, **people.aggregate(**_people_figures(people)))
    for row in people.filter(organization_id__in=ids).values("organization_id").annotate(**_people_figures(people)):
        s = stats[row["organization_id"]]
        for name in _SUMMED:
            setattr(s, name, row[name])
    pairs = pairs_visible(user).filter(status=PairStatus.ACTIVE)
    by_form: Counter[str] = Counter()
    for row in pairs.values("form__name").annotate(n=Count("pk")).order_by("form__name"):
        by_form[row["form__name"]] = row["n"]
    total.active_pairs = sum(by_form.values())
    for row in pairs.filter(organization_id__in=ids).values("organization_id").annotate(n=Count("pk")).order_by():
        stats[row["organization_id"]].active_pairs = row["n"]
    recent = meetings_visible(user).filter(held_on__gt=today - dt.timedelta(days=30), held_on__lte=today)
    total.meetings_30 = recent.count()
    for row in (
        recent.filter(pair__organization_id__in=ids).values("pair__organization_id").annotate(n=Count("pk")).order_by()
    ):
        stats[row["pair__organization_id"]].meetings_30 = row["n"]
    return Dashboard(
        rows=list(stats.values()),
        total=total,
        by_form=sorted(by_form.items(), key=lambda kv: -kv[1]),
        page=org_page,
    )


def dashboard_totals(user, today: dt.date | None = None) -> OrgStats:
    """The home page's four figures of `dashboard` in three aggregate queries: no per-organization
    rows, no consent subquery (the home page does not show it)."""
    today = today or scoping.user_today(user)
    people = (
        people_visible(user)
        .filter(is_active=True)
        .annotate(matched=_in_open_pair_as_mentee())
        .order_by()
        .aggregate(
            mentors=Count("pk", filter=Q(is_mentor=True)), waiting=Count("pk", filter=Q(is_mentee=True, matched=False))
        )
    )
    total = OrgStats(organization=None, mentors=people["mentors"], waiting=people["waiting"])
    total.active_pairs = pairs_visible(user).filter(status=PairStatus.ACTIVE).count()
    total.meetings_30 = (
        meetings_visible(user).filter(held_on__gt=today - dt.timedelta(days=30), held_on__lte=today).count()
    )
    return total


def organization_stats(user, organization: Organization, today: dt.date | None = None) -> tuple[OrgStats, dict]:
    """One school's people and pairs for its page: the dashboard's row plus pairs by status."""
    today = today or scoping.user_today(user)
    s = OrgStats(organization=organization)
    people = with_person_facts(people_visible(user).filter(organization=organization, is_active=True)).order_by()
    for row in people.values("is_mentor", "is_mentee", "mentee_category", "matched", "has_consent"):  # type: ignore[misc]
        s.mentors += row["is_mentor"]
        s.mentees += row["is_mentee"]
        s.without_consent += not row["has_consent"]
        if row["is_mentee"]:
            s.waiting += not row["matched"]
            if row["mentee_category"] == MenteeCategory.YOUNG:
                s.young += 1
                s.young_covered += bool(row["matched"])
    labels = dict(PairStatus.choices)
    by_status = {label: 0 for label in labels.values()}
    for row in (
        pairs_visible(user).filter(organization=organization).values("status").annotate(n=Count("pk")).order_by()
    ):
        by_status[labels[row["status"]]] = row["n"]
    s.active_pairs = by_status[PairStatus.ACTIVE.label]
    s.meetings_30 = (
        meetings_visible(user)
        .filter(pair__organization=organization, held_on__gt=today - dt.timedelta(days=30), held_on__lte=today)
        .count()
    )
    return s, by_status
