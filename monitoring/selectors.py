"""Reads for monitoring, always through accounts.scoping.

Figures come from grouped queries over the whole set of organizations (a fixed number of queries
whatever their count): lists, dashboards, the annual report and the regional export share them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, F, Q, QuerySet

from accounts import scoping
from accounts.models import Organization, local_today
from monitoring.models import (
    REPORT_KINDS,
    AnnualReportBuild,
    Answer,
    Assignment,
    AssignmentStatus,
    Campaign,
    CampaignKind,
    CampaignStatus,
    EffectivenessCriterion,
    Metric,
    Response,
    WebsiteCheck,
    WebsiteCheckRun,
)


# Campaigns and assignments -------------------------------------------------------------------------
def campaigns_visible(user) -> QuerySet[Campaign]:
    """Campaigns are municipal data: municipal roles read their municipality's; a school sees the
    campaigns that cover it (through its assignment)."""
    scope = scoping.scope_for(user)
    if scope.is_admin:
        return Campaign.objects.all()
    # Two narrow sets joined by UNION, each read through its own index: as one OR (the
    # municipality's campaigns, or a campaign with an assignment of one of the user's schools)
    # PostgreSQL read every campaign and every assignment of the region for one municipality's list
    covering = Assignment.objects.filter(scope.organization_q("organization")).order_by().values("campaign_id")
    if scope.is_municipal:
        own = Campaign.objects.filter(scope.municipality_q("municipality")).order_by().values("pk")
        return Campaign.objects.filter(pk__in=own.union(covering))
    return Campaign.objects.filter(pk__in=covering)


def with_rates(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    return qs.annotate(
        expected=Count("assignments", distinct=True),
        submitted=Count("assignments", filter=Q(assignments__first_submitted_at__isnull=False), distinct=True),
        on_time=Count("assignments", filter=Q(assignments__first_submitted_at__lte=F("due_at")), distinct=True),
        accepted=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ACCEPTED), distinct=True),
    )


def campaign_page(user, number=None, *, per_page: int = 25) -> Page:
    """A page of the campaigns the user may read, newest deadline first, with their rates: the
    page's ids first, then the rates of those campaigns only. Counted over the visible set at once,
    PostgreSQL joined every assignment of the region to the region's campaigns before keeping one
    municipality's six; a regional user's 200 rows cost 55 ms of CPU to render."""
    ids = campaigns_visible(user).order_by("-deadline", "-pk").values_list("pk", flat=True)
    page: Page[Any] = Paginator(ids, per_page).get_page(number)
    chosen = list(page.object_list)
    rows = {c.pk: c for c in with_rates(Campaign.objects.filter(pk__in=chosen)).select_related("municipality")}
    page.object_list = [rows[pk] for pk in chosen if pk in rows]
    return page


def campaign_detail(user, pk: int) -> Campaign:
    return scoping.get_scoped_or_404(with_rates(campaigns_visible(user)).select_related("municipality"), pk=pk)


def assignments_visible(user) -> QuerySet[Assignment]:
    return scoping.filter_by_organization(user, Assignment.objects.all())


def can_run(user, campaign: Campaign) -> bool:
    return scoping.can_run_monitoring(user, campaign.municipality_id)


def can_review(user, assignment: Assignment) -> bool:
    return scoping.can_accept_reports(user, assignment.campaign.municipality_id)


def can_fill(user, assignment: Assignment) -> bool:
    """Curators fill their school's report; coordinators may fill for a school (phone reports)."""
    return scoping.can_edit_organization(user, assignment.organization)


def campaign_assignments(user, campaign: Campaign, ids: list[int] | None = None) -> list[Assignment]:
    """The campaign's assignments with their questionnaire counts (only those of `ids` if given)."""
    qs = assignments_visible(user).filter(campaign=campaign)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return list(
        qs.select_related("organization", "submitted_by", "reviewed_by")
        .annotate(
            # answer sheets of anonymous questionnaires (no person) are not invitations
            responses_total=Count("responses", filter=Q(responses__person__isnull=False), distinct=True),
            responses_done=Count(
                "responses",
                filter=Q(responses__submitted_at__isnull=False, responses__person__isnull=False),
                distinct=True,
            ),
        )
        .order_by("organization__short_name")
    )


def campaign_assignment_page(user, campaign: Campaign, page: str | int | None, per_page: int = 50) -> Page:
    """One page of the campaign's assignments (a regional centre's campaign has 240): the page's ids
    in the list's order first, then only those rows with their organizations and response counts."""
    ids = (
        assignments_visible(user)
        .filter(campaign=campaign)
        .order_by("organization__short_name", "pk")
        .values_list("pk", flat=True)
    )
    chosen = Paginator(ids, per_page).get_page(page)
    wanted = list(chosen.object_list)
    rows = {a.pk: a for a in campaign_assignments(user, campaign, wanted)} if wanted else {}
    page_rows: list[Any] = [rows[pk] for pk in wanted if pk in rows]
    chosen.object_list = page_rows
    return chosen


def assignment_detail(user, pk: int) -> Assignment:
    qs = assignments_visible(user).select_related(
        "campaign__municipality", "organization", "submitted_by", "reviewed_by", "report"
    )
    return scoping.get_scoped_or_404(qs, pk=pk)


def my_assignments(user) -> QuerySet[Assignment]:
    """What the user's own schools still owe (the curators' task list and home card): the schools
    the user holds a school role in, never every school a coordinator may fill a report for."""
    scope = scoping.scope_for(user)
    return (
        Assignment.objects.filter(scope.own_organization_q("organization"))
        .filter(campaign__status=CampaignStatus.OPEN, status__in=[AssignmentStatus.DRAFT, AssignmentStatus.RETURNED])
        .select_related("campaign", "organization")
        .order_by("campaign__deadline")
    )


def assignments_to_review(user) -> QuerySet[Assignment]:
    """Submitted reports and questionnaires waiting for the user's review (methodologist,
    coordinator, admin), the oldest submission first."""
    scope = scoping.scope_for(user)
    qs = Assignment.objects.filter(status=AssignmentStatus.SUBMITTED)
    if not scope.is_admin:
        qs = qs.filter(campaign__municipality_id__in=scope.accept_municipality_ids)
    return qs.select_related("campaign", "organization").order_by("submitted_at", "pk")


def responses_for(assignment: Assignment) -> list[Response]:
    """The participants' questionnaires of a school (never the anonymous answer sheets)."""
    return list(
        assignment.responses.filter(person__isnull=False)
        .select_related("person", "questionnaire", "filled_by")
        .order_by("person__last_name", "person__first_name", "questionnaire__title")
    )


def response_detail(user, pk: int) -> Response:
    qs = scoping.filter_by_organization(
        user, Response.objects.filter(person__isnull=False), "assignment__organization"
    ).select_related("assignment__campaign", "assignment__organization", "person", "questionnaire")
    return scoping.get_scoped_or_404(qs, pk=pk)


# Indicators from the data --------------------------------------------------------------------------
@dataclass
class OrgFigures:
    organization_id: int
    mentors: int = 0
    mentees: int = 0
    mentees_matched: int = 0
    pairs: int = 0
    pairs_by_form: dict[str, int] = field(default_factory=dict)
    programs: int = 0
    young_total: int = 0
    young_covered: int = 0
    meetings: int = 0
    roadmap_due: int = 0
    roadmap_done: int = 0
    roadmap_on_time: int = 0
    roadmap_overdue: int = 0

    @property
    def young_share(self) -> int | None:
        return _share(self.young_covered, self.young_total)

    @property
    def roadmap_share(self) -> int | None:
        return _share(self.roadmap_on_time, self.roadmap_due)


def _share(part: int | float, whole: int | float) -> int | None:
    return round(100 * part / whole) if whole else None


#: what the grouped queries group by: each organization, or each municipality (the region level)
GROUPS = ("organization", "municipality")


def group_path(group: str, to_organization: str = "") -> str:
    """The column a grouped query groups by, reached from its model by `to_organization` ("pair__")."""
    if group not in GROUPS:
        raise ValueError(group)
    return (
        f"{to_organization}organization_id"
        if group == "organization"
        else f"{to_organization}organization__municipality_id"
    )


def organization_figures(
    org_ids: list[int] | QuerySet,
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    *,
    group: str = "organization",
    keys: list[int] | None = None,
) -> dict[int, OrgFigures]:
    """Indicators per organization from mentorship and roadmaps: seven grouped queries in all.

    `org_ids` must already be scoped by the caller (a list of visible organizations, or a
    queryset of their pks read as a subquery). With
    `group="municipality"` the same queries are grouped by the organizations' municipality (the
    region level: one row per municipality, never one per organization) and `keys` names the
    municipalities; the `organization_id` of each OrgFigures is then the municipality's id."""
    from mentorship.models import (
        OPEN_PAIR_STATUSES,
        Meeting,
        MenteeCategory,
        PairParticipant,
        PairStatus,
        Person,
    )
    from roadmaps.models import ExecutionRecord, ExecutionStatus

    today = today or local_today()
    figures = {pk: OrgFigures(organization_id=pk) for pk in (org_ids if keys is None else keys)}
    if not figures or (isinstance(org_ids, list) and not org_ids):
        return figures
    by = group_path(group)
    # mentees in a forming or active pair; a mentee's pair is always of the mentee's organization
    # (mentorship.services._validate_mentee), so only these organizations' pairs are read — the
    # correlated EXISTS hashed every open pair of the region for each call
    matched = Q(
        pk__in=PairParticipant.objects.filter(
            role="mentee", pair__status__in=OPEN_PAIR_STATUSES, pair__organization_id__in=org_ids
        ).values("person_id")
    )
    people = (
        Person.objects.filter(organization_id__in=org_ids, is_active=True)
        .values(key=F(by))
        .annotate(
            mentors=Count("pk", filter=Q(is_mentor=True)),
            mentees=Count("pk", filter=Q(is_mentee=True)),
            mentees_matched=Count("pk", filter=Q(is_mentee=True) & matched),
            young=Count("pk", filter=Q(is_mentee=True, mentee_category=MenteeCategory.YOUNG)),
            young_covered=Count("pk", filter=Q(is_mentee=True, mentee_category=MenteeCategory.YOUNG) & matched),
        )
        .order_by()
    )
    for row in people:
        f = figures[row["key"]]
        f.mentors, f.mentees, f.mentees_matched = row["mentors"], row["mentees"], row["mentees_matched"]
        f.young_total, f.young_covered = row["young"], row["young_covered"]
    from mentorship.models import Pair

    # active pairs by form and programs of open or completed pairs: one grouped pass over pairs
    pairs = (
        Pair.objects.filter(organization_id__in=org_ids, status__in=[*OPEN_PAIR_STATUSES, PairStatus.COMPLETED])
        .values("form__name", key=F(by))
        .annotate(n=Count("pk", filter=Q(status=PairStatus.ACTIVE)), programs=Count("program"))
        .order_by()
    )
    for row in pairs:
        f = figures[row["key"]]
        f.programs += row["programs"]
        if row["n"]:
            f.pairs += row["n"]
            f.pairs_by_form[row["form__name"]] = row["n"]
    meetings = (
        # pairs as a subquery: joined instead, the planner scanned all meetings of the region (21 → 8 ms)
        Meeting.objects.filter(
            pair_id__in=Pair.objects.filter(organization_id__in=org_ids).values("pk"), held_on__range=(start, end)
        )
        .values(key=F(group_path(group, "pair__")))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in meetings:
        figures[row["key"]].meetings = row["n"]
    records = (
        # a record's own municipality column is its organization's: grouped by it without a join
        ExecutionRecord.objects.filter(organization_id__in=org_ids, due_on__range=(start, min(end, today)))
        .values(key=F("organization_id" if group == "organization" else "municipality_id"))
        .annotate(
            n_due=Count("pk"),
            n_done=Count("pk", filter=Q(status=ExecutionStatus.DONE)),
            n_on_time=Count("pk", filter=Q(status=ExecutionStatus.DONE, completed_on__lte=F("due_on"))),
            n_overdue=Count("pk", filter=~Q(status=ExecutionStatus.DONE) & Q(due_on__lt=today)),
        )
        .order_by()
    )
    for row in records:
        f = figures[row["key"]]
        f.roadmap_due, f.roadmap_done, f.roadmap_on_time, f.roadmap_overdue = (
            row["n_due"],
            row["n_done"],
            row["n_on_time"],
            row["n_overdue"],
        )
    return figures


def pairs_by_form_total(figures: dict[int, OrgFigures]) -> list[tuple[str, int]]:
    total: dict[str, int] = defaultdict(int)
    for f in figures.values():
        for name, n in f.pairs_by_form.items():
            total[name] += n
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))


# Questionnaires --------------------------------------------------------------------------------------
def scale_averages(
    org_ids: list[int] | QuerySet, *, kinds: list[str], start: dt.date, end: dt.date
) -> dict[tuple, float]:
    """Mean 1–10 score by (campaign kind, organization, dimension) for campaigns in the period."""
    rows = (
        Answer.objects.filter(
            scale__isnull=False,
            response__assignment__organization_id__in=org_ids,
            response__assignment__campaign__kind__in=kinds,
            response__assignment__campaign__period_end__gte=start,
            response__assignment__campaign__period_start__lte=end,
        )
        .values("response__assignment__campaign__kind", "response__assignment__organization_id", "question__dimension")
        .annotate(avg=Avg("scale"))
        .order_by()
    )
    return {
        (
            r["response__assignment__campaign__kind"],
            r["response__assignment__organization_id"],
            r["question__dimension"],
        ): float(r["avg"])
        for r in rows
    }


@dataclass
class DynamicsRow:
    dimension: str
    entry: float | None
    final: float | None

    @property
    def delta(self) -> float | None:
        if self.entry is None or self.final is None:
            return None
        return round(self.final - self.entry, 2)


def growth_dynamics(org_ids: list[int] | QuerySet, start: dt.date, end: dt.date) -> list[DynamicsRow]:
    """Entry (September) vs final (May) self-assessment per dimension for the whole set of organizations."""
    rows = (
        Answer.objects.filter(
            scale__isnull=False,
            response__assignment__organization_id__in=org_ids,
            response__assignment__campaign__kind__in=[CampaignKind.ENTRY, CampaignKind.FINAL],
            response__assignment__campaign__period_end__gte=start,
            response__assignment__campaign__period_start__lte=end,
        )
        .values("response__assignment__campaign__kind", "question__dimension")
        .annotate(avg=Avg("scale"))
        .order_by()
    )
    by_dim: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        by_dim[r["question__dimension"] or "Общая оценка"][r["response__assignment__campaign__kind"]] = round(
            float(r["avg"]), 2
        )
    return [DynamicsRow(dim, v.get(CampaignKind.ENTRY), v.get(CampaignKind.FINAL)) for dim, v in sorted(by_dim.items())]


def participant_dynamics(org_ids: list[int], start: dt.date, end: dt.date) -> list[dict]:
    """Entry vs final mean per participant (one grouped query). Anonymous questionnaires' answers
    belong to nobody and count only in the aggregates (growth_dynamics)."""
    rows = (
        Answer.objects.filter(
            scale__isnull=False,
            response__person__isnull=False,
            response__assignment__organization_id__in=org_ids,
            response__assignment__campaign__kind__in=[CampaignKind.ENTRY, CampaignKind.FINAL],
            response__assignment__campaign__period_end__gte=start,
            response__assignment__campaign__period_start__lte=end,
        )
        .values(
            "response__person_id",
            "response__person__last_name",
            "response__person__first_name",
            "response__person__middle_name",
            "response__assignment__organization__short_name",
            "response__assignment__campaign__kind",
        )
        .annotate(avg=Avg("scale"))
        .order_by("response__assignment__organization__short_name", "response__person__last_name")
    )
    people: dict[int, dict] = {}
    for r in rows:
        p = people.setdefault(
            r["response__person_id"],
            {
                "name": " ".join(
                    x
                    for x in (
                        r["response__person__last_name"],
                        r["response__person__first_name"],
                        r["response__person__middle_name"],
                    )
                    if x
                ),
                "organization": r["response__assignment__organization__short_name"],
                "entry": None,
                "final": None,
            },
        )
        p["entry" if r["response__assignment__campaign__kind"] == CampaignKind.ENTRY else "final"] = round(
            float(r["avg"]), 2
        )
    for p in people.values():
        p["delta"] = round(p["final"] - p["entry"], 2) if p["entry"] is not None and p["final"] is not None else None
    return list(people.values())


# Reporting rates -------------------------------------------------------------------------------------
def reporting_by_organization(
    org_ids: list[int] | QuerySet,
    start: dt.date,
    end: dt.date,
    *,
    group: str = "organization",
    today: dt.date | None = None,
) -> dict[int, dict[str, int]]:
    """Reports expected, submitted and on time per organization (or `group`) of the campaigns due in
    the period. With `today`, a report whose deadline is still ahead is expected only once it is
    in (submitted early, it counts, on time): not yet submitted, it is neither missing nor late."""
    rows = (
        Assignment.objects.filter(organization_id__in=org_ids, campaign__deadline__range=(start, end))
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .values(key=F(group_path(group)))
        .annotate(
            expected=Count("pk", filter=expected_by(today)),
            submitted=Count("pk", filter=Q(first_submitted_at__isnull=False)),
            on_time=Count("pk", filter=Q(first_submitted_at__lte=F("campaign__due_at"))),
            accepted=Count("pk", filter=Q(status=AssignmentStatus.ACCEPTED)),
        )
        .order_by()
    )
    return {r["key"]: r for r in rows}


def expected_by(today: dt.date | None, prefix: str = "") -> Q:
    """The assignments a rate counts on `today`: those whose deadline has come, and those already
    submitted before it (None: every assignment)."""
    if today is None:
        return Q()
    return Q(**{f"{prefix}campaign__deadline__lte": today}) | Q(**{f"{prefix}first_submitted_at__isnull": False})


def campaign_rates(
    municipality_ids: list[int], start: dt.date, end: dt.date, *, today: dt.date | None = None
) -> list[Campaign]:
    """The campaigns due in the period with their rates; with `today`, a campaign whose deadline is
    still ahead expects only the reports already in (`pending` is set on it)."""
    qs = Campaign.objects.filter(municipality_id__in=municipality_ids, deadline__range=(start, end)).exclude(
        status=CampaignStatus.DRAFT
    )
    if today is None:
        campaigns = list(with_rates(qs).order_by("deadline", "pk"))
    else:
        campaigns = list(
            qs.annotate(
                expected=Count(
                    "assignments",
                    filter=Q(deadline__lte=today) | Q(assignments__first_submitted_at__isnull=False),
                    distinct=True,
                ),
                submitted=Count("assignments", filter=Q(assignments__first_submitted_at__isnull=False), distinct=True),
                on_time=Count("assignments", filter=Q(assignments__first_submitted_at__lte=F("due_at")), distinct=True),
                accepted=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ACCEPTED), distinct=True),
            ).order_by("deadline", "pk")
        )
    for c in campaigns:
        c.pending = today is not None and c.deadline > today  # type: ignore[attr-defined]
    return campaigns


# Effectiveness ---------------------------------------------------------------------------------------
@dataclass
class RankRow:
    organization: Organization
    values: dict[str, int | None]
    contributions: dict[str, float]
    score: float
    place: int = 0

    @property
    def name(self) -> str:
        return self.organization.short_name


def latest_website_checks(org_ids: list[int] | QuerySet) -> dict[int, WebsiteCheck]:
    latest: dict[int, WebsiteCheck] = {}
    for check in WebsiteCheck.objects.filter(organization_id__in=org_ids).order_by(
        "organization_id", "-checked_at", "-pk"
    ):
        latest.setdefault(check.organization_id, check)
    return latest


def metric_values(
    organizations: list[Organization],
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    *,
    source: QuerySet | None = None,
    figures: dict[int, OrgFigures] | None = None,
) -> dict[int, dict[str, int | None]]:
    """Each metric as a share 0–100 per organization (None: no data to judge by).

    `source`: the same organizations as a query of their pks (`.values("pk")`), already scoped by
    the caller. The grouped queries then start from it as a subquery instead of carrying the 240
    ids of a regional centre as literals, which Django prepares value by value (seven times) and
    PostgreSQL parses again for each query.
    `figures`: the organizations' figures for the period already read (the stored rows of
    `monitoring.stats.organization_figures`), else they are counted here."""
    ids = [o.pk for o in organizations]
    where: list[int] | QuerySet = ids if source is None else source
    if figures is None:
        figures = organization_figures(where, start, end, today, keys=ids)
    reporting = reporting_by_organization(where, start, end, today=today)
    satisfaction = scale_averages(where, kinds=[CampaignKind.QUALITY], start=start, end=end)
    sat_by_org: dict[int, list[float]] = defaultdict(list)
    for (_kind, org_id, _dim), avg in satisfaction.items():
        sat_by_org[org_id].append(avg)
    sites = latest_website_checks(where)
    values: dict[int, dict[str, int | None]] = {}
    for pk in ids:
        f = figures[pk]
        rep = reporting.get(pk)
        sat = sat_by_org.get(pk)
        site = sites.get(pk)
        values[pk] = {
            Metric.YOUNG_COVERAGE: f.young_share,
            Metric.MENTEES_MATCHED: _share(f.mentees_matched, f.mentees),
            Metric.PROGRAMS: _share(min(f.programs, f.pairs), f.pairs),
            Metric.ROADMAP_ON_TIME: f.roadmap_share,
            Metric.REPORTS_ON_TIME: _share(rep["on_time"], rep["expected"]) if rep else None,
            Metric.SATISFACTION: round(10 * sum(sat) / len(sat)) if sat else None,
            Metric.WEBSITE: (100 if site.reachable and site.mentions_mentoring else 0) if site else None,
        }
    return values


def criteria_for(municipality_id: int) -> list[EffectivenessCriterion]:
    return list(EffectivenessCriterion.objects.filter(municipality_id=municipality_id).order_by("order", "pk"))


def ranking(
    organizations: list[Organization],
    criteria: list[EffectivenessCriterion],
    start: dt.date,
    end: dt.date,
    today: dt.date | None = None,
    *,
    source: QuerySet | None = None,
    figures: dict[int, OrgFigures] | None = None,
) -> list[RankRow]:
    """Weighted score 0–100: each criterion contributes weight × share / total weight; a missing
    value counts as 0 so that not reporting never raises a school in the table (`source`: see
    `metric_values`)."""
    values = metric_values(organizations, start, end, today, source=source, figures=figures)
    total_weight = sum((c.weight for c in criteria), Decimal(0)) or Decimal(1)
    rows = []
    for org in organizations:
        contributions = {
            c.metric: round(float(c.weight / total_weight) * (values[org.pk][c.metric] or 0), 1) for c in criteria
        }
        rows.append(RankRow(org, values[org.pk], contributions, round(sum(contributions.values()), 1)))
    rows.sort(key=lambda r: (-r.score, r.organization.short_name))
    for index, row in enumerate(rows, start=1):
        row.place = index
    return rows


# Reports and checks ----------------------------------------------------------------------------------
def builds_visible(user) -> QuerySet[AnnualReportBuild]:
    """Municipal reports of the municipalities whose monitoring the user runs; for a regional user,
    every municipality's report of the region (read and download) and the region's own reports."""
    builds = AnnualReportBuild.objects.all()
    scope = scoping.scope_for(user)
    q = scope.monitoring_q("municipality")
    if scope.is_regional:
        q |= scope.region_q("municipality__region") | scope.region_q("region")
    return builds.filter(q)


def build_detail(user, pk: int) -> AnnualReportBuild:
    return scoping.get_scoped_or_404(builds_visible(user).select_related("municipality", "region", "author"), pk=pk)


def website_runs_visible(user) -> QuerySet[WebsiteCheckRun]:
    return scoping.filter_by_monitoring(user, WebsiteCheckRun.objects.all())


def report_campaign_kinds() -> tuple[str, ...]:
    return tuple(REPORT_KINDS)


# A school's page -------------------------------------------------------------------------------------
@dataclass
class SchoolMonitoring:
    reports: list[Assignment]
    questionnaires: list[Assignment]
    website: WebsiteCheck | None
    trend: list[dict]


TREND_YEARS = 3


def organization_monitoring(user, organization: Organization, today: dt.date | None = None) -> SchoolMonitoring:
    """Reports per campaign with their state, questionnaire response rates, the latest website
    check and a trend by year (reports on time, young specialists covered, roadmap on time)."""
    today = today or scoping.user_today(user)
    assignments: list[Assignment] = list(  # annotated with responses_total/done below
        assignments_visible(user)
        .filter(organization=organization)
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .select_related("campaign", "report")
        .annotate(
            responses_total=Count("responses", distinct=True),
            responses_done=Count("responses", filter=Q(responses__submitted_at__isnull=False), distinct=True),
        )
        .order_by("-campaign__deadline", "-pk")
    )
    for a in assignments:
        # annotations and a computed share set at run time, read by the template
        a.response_share = _share(a.responses_done, a.responses_total)  # type: ignore[attr-defined]
    report_kinds = report_campaign_kinds()
    reports = [a for a in assignments if a.campaign.kind in report_kinds]
    questionnaires = [a for a in assignments if a.campaign.kind not in report_kinds]
    trend = _organization_trend(organization, reports, today)
    return SchoolMonitoring(
        reports=reports,
        questionnaires=questionnaires,
        website=latest_website_checks([organization.pk]).get(organization.pk),
        trend=trend,
    )


def _organization_trend(organization: Organization, reports: list[Assignment], today: dt.date) -> list[dict]:
    """The last TREND_YEARS calendar years: reports handed in on time, roadmap activities done in
    time (of those due by today) and meetings held. Two grouped queries."""
    from django.db.models.functions import ExtractYear

    from mentorship.models import Meeting
    from roadmaps.models import ExecutionRecord, ExecutionStatus

    years = list(range(today.year - TREND_YEARS + 1, today.year + 1))
    rows: dict[int, dict[str, Any]] = {  # counts, then the shares (None without data)
        y: {"year": y, "reports": 0, "reports_on_time": 0, "due": 0, "on_time": 0, "meetings": 0} for y in years
    }
    for a in reports:
        row = rows.get(a.campaign.deadline.year)
        if row is not None:
            row["reports"] += 1
            row["reports_on_time"] += bool(
                a.first_submitted_at and a.campaign.due_at and a.first_submitted_at <= a.campaign.due_at
            )
    records = (
        ExecutionRecord.objects.filter(organization=organization, due_on__range=(dt.date(years[0], 1, 1), today))
        .annotate(year=ExtractYear("due_on"))
        .values("year")
        .annotate(
            n_due=Count("pk"),
            n_on_time=Count("pk", filter=Q(status=ExecutionStatus.DONE, completed_on__lte=F("due_on"))),
        )
        .order_by()
    )
    for r in records:
        rows[r["year"]].update(due=r["n_due"], on_time=r["n_on_time"])
    meetings = (
        Meeting.objects.filter(pair__organization=organization, held_on__range=(dt.date(years[0], 1, 1), today))
        .annotate(year=ExtractYear("held_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for r in meetings:
        rows[r["year"]]["meetings"] = r["n"]
    for row in rows.values():
        row["reports_share"] = _share(row["reports_on_time"], row["reports"])
        row["roadmap_share"] = _share(row["on_time"], row["due"])
    return list(rows.values())


# Response rates of participants' questionnaires ------------------------------------------------------
@dataclass
class RateRow:
    label: str
    invited: int
    responded: int
    on_time: int
    key: int | None = None

    @property
    def percent(self) -> int | None:
        return _share(self.responded, self.invited)

    @property
    def on_time_percent(self) -> int | None:
        return _share(self.on_time, self.invited)


def _rate_annotations() -> dict:
    return {
        "invited": Count("pk"),
        "responded": Count("pk", filter=Q(submitted_at__isnull=False)),
        "on_time": Count("pk", filter=Q(submitted_at__lte=F("assignment__campaign__due_at"))),
    }


def response_rates(responses: QuerySet[Response]) -> tuple[list[RateRow], list[RateRow], RateRow]:
    """Responded / invited (and on time) per organization and per questionnaire, and the total,
    over participants' rows (answer sheets of anonymous questionnaires are not invitations)."""
    base = responses.filter(person__isnull=False).order_by()
    by_org = [
        RateRow(
            r["assignment__organization__short_name"],
            r["invited"],
            r["responded"],
            r["on_time"],
            r["assignment__organization_id"],
        )
        for r in base.values("assignment__organization_id", "assignment__organization__short_name")
        .annotate(**_rate_annotations())
        .order_by("assignment__organization__short_name")
    ]
    by_questionnaire = [
        RateRow(r["questionnaire__title"], r["invited"], r["responded"], r["on_time"], r["questionnaire_id"])
        for r in base.values("questionnaire_id", "questionnaire__title")
        .annotate(**_rate_annotations())
        .order_by("questionnaire__title")
    ]
    total = base.aggregate(**_rate_annotations())
    return by_org, by_questionnaire, RateRow("Всего", total["invited"], total["responded"], total["on_time"])


def campaign_response_rates(user, campaign: Campaign):
    """Rates of a questionnaire campaign over the organizations the user sees."""
    responses = scoping.filter_by_organization(
        user, Response.objects.filter(assignment__campaign=campaign), "assignment__organization"
    )
    return response_rates(responses)


def responses_in(user, assignment: Assignment) -> QuerySet[Response]:
    """The participants' rows of one school's assignment (empty unless the user sees the school)."""
    return scoping.filter_by_organization(
        user, Response.objects.filter(assignment=assignment), "assignment__organization"
    )


def non_responders(campaign: Campaign, organization_ids) -> QuerySet[Response]:
    """Participants' rows still unanswered in an open campaign, with an active account."""
    return (
        Response.objects.filter(
            assignment__campaign=campaign,
            assignment__organization_id__in=organization_ids,
            person__isnull=False,
            person__user__isnull=False,
            person__user__is_active=True,
            submitted_at__isnull=True,
        )
        .select_related("person__user", "questionnaire", "assignment__organization")
        .order_by("pk")
    )
