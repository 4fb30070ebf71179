"""What the annual analytical report knows, collected once and kept apart from its rendering.

`collect()` reads the database (grouped queries: memory grows with organizations and activities,
never with people or meetings) into an `AnnualData` made of per-organization rows of counts.
Counts add up: `OrgRow.__add__` sums two rows, `AnnualData.totals` is the sum of its rows, means
are kept as (sum, count). A regional report sums the municipalities' rows and reuses the sections,
the conclusion rules (rules.py) and the renderers (xlsx.py, docx.py, charts.py) unchanged.
All shares come from monitoring/indicators.py.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts.models import Municipality, Organization, OrganizationKind, Region, local_today
from monitoring import indicators, selectors
from monitoring.models import Assignment, CampaignKind, CampaignStatus

KIND_LABELS = dict(OrganizationKind.choices)


# Period ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A calendar year, or an academic year (1 September – 31 August) named by the year it ends in."""

    year: int
    academic: bool = False

    @property
    def start(self) -> dt.date:
        return dt.date(self.year - 1, 9, 1) if self.academic else dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 8, 31) if self.academic else dt.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1}/{self.year} учебный год" if self.academic else f"{self.year} год"

    @property
    def growth_window(self) -> tuple[dt.date, dt.date]:
        """Entry (September) and final (May) assessments of the academic year ending in `year`."""
        return dt.date(self.year - 1, 9, 1), dt.date(self.year, 8, 31)

    @property
    def slug(self) -> str:
        return f"{self.year - 1}-{self.year}" if self.academic else str(self.year)


# The level of a report: a municipality (rows are its organizations) or a region (rows are its
# municipalities). Everything a renderer or a rule says differently at the two levels is here.
@dataclass(frozen=True)
class Place:
    regional: bool
    pk: int
    name: str
    genitive: str  # «города Норильска», «Красноярского края»
    prepositional: str  # «в городе Норильске», «в Красноярском крае» (without «в»)
    authority: str
    unit: str  # the header of the rows' column
    by_units: str  # «по образовательным организациям» / «по муниципалитетам»
    units_genitive: str  # «организаций» / «муниципалитетов»

    @property
    def rows_sheet(self) -> str:
        return "По муниципалитетам" if self.regional else "По организациям"


def municipality_place(municipality: Municipality) -> Place:
    return Place(
        regional=False,
        pk=municipality.pk,
        name=municipality.name,
        genitive=municipality.genitive,
        prepositional=municipality.prepositional,
        authority=municipality.authority_name or f"Орган управления образованием {municipality.genitive}",
        unit="Организация",
        by_units="по образовательным организациям",
        units_genitive="организаций",
    )


def region_place(region: Region) -> Place:
    """The region's names in the cases its admin page keeps (Region.name_genitive/_prepositional,
    filled from accounts.morphology and corrected by hand) and its education authority."""
    genitive = region.genitive
    return Place(
        regional=True,
        pk=region.pk,
        name=region.name,
        genitive=genitive,
        prepositional=region.prepositional,
        authority=(region.authority_name or "").strip()
        or f"Орган исполнительной власти {genitive}, осуществляющий государственное управление в сфере образования",
        unit="Муниципалитет",
        by_units="по муниципалитетам",
        units_genitive="муниципалитетов",
    )


# Per-organization counts (summable) ---------------------------------------------------------------------
#: the summable counts of one organization and year (attributes of OrgRow of the same names), kept
#: as they are by the region's stored aggregates (monitoring.stats, OrganizationStats's columns);
#: OrgRow.SUMMED adds the organizations, practices and the quality answers for the report's totals
COUNTS: tuple[str, ...] = (
    "mentors",
    "mentees",
    "mentees_matched",
    "pairs",
    "programs",
    "young_total",
    "young_covered",
    "meetings",
    "roadmap_due",
    "roadmap_done",
    "roadmap_on_time",
    "roadmap_overdue",
    "reports_expected",
    "reports_submitted",
    "reports_on_time",
)


@dataclass
class OrgRow:
    organization_id: int | None
    name: str
    full_name: str = ""
    kind: str = ""
    municipality: str = ""
    organizations: int = 1  # a municipality's row counts its organizations
    mentors: int = 0
    mentees: int = 0
    mentees_matched: int = 0
    pairs: int = 0
    programs: int = 0
    young_total: int = 0
    young_covered: int = 0
    meetings: int = 0
    roadmap_due: int = 0
    roadmap_done: int = 0
    roadmap_on_time: int = 0
    roadmap_overdue: int = 0
    reports_expected: int = 0
    reports_submitted: int = 0
    reports_on_time: int = 0
    practices: int = 0
    quality_sum: float = 0.0
    quality_n: int = 0
    pairs_by_form: dict[str, int] = field(default_factory=dict)
    # (campaign kind, dimension) → [sum of scores, number of answers]
    growth: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    #: what a sum of rows adds up: the organizations, the counts (COUNTS) and the report's extras
    SUMMED = ("organizations", *COUNTS, "practices", "quality_sum", "quality_n")

    def __add__(self, other: OrgRow) -> OrgRow:
        total = OrgRow(organization_id=None, name="Итого", organizations=0)
        for name in self.SUMMED:
            setattr(total, name, getattr(self, name) + getattr(other, name))
        for source in (self, other):
            for form, n in source.pairs_by_form.items():
                total.pairs_by_form[form] = total.pairs_by_form.get(form, 0) + n
            for key, (s, n) in source.growth.items():
                acc = total.growth.setdefault(key, [0.0, 0])
                acc[0] += s
                acc[1] += n
        return total

    # indicators (one definition each, in monitoring/indicators.py)
    @property
    def young_share(self) -> float | None:
        return indicators.young_coverage(self)

    @property
    def matched_share(self) -> float | None:
        return indicators.mentees_matched(self)

    @property
    def unmatched(self) -> int:
        return indicators.mentees_unmatched(self)

    @property
    def programs_share(self) -> float | None:
        return indicators.programs_share(self)

    @property
    def mentor_load(self) -> float | None:
        return indicators.mentor_load(self)

    @property
    def roadmap_late(self) -> int:
        return indicators.roadmap_late(self)

    @property
    def roadmap_share(self) -> float | None:
        return indicators.roadmap_on_time(self)

    @property
    def reporting_rate(self) -> float | None:
        return indicators.reporting_rate(self)

    @property
    def on_time_rate(self) -> float | None:
        return indicators.reports_on_time(self)

    @property
    def quality(self) -> float | None:
        return indicators.mean(self.quality_sum, self.quality_n)


def sum_rows(rows: list[OrgRow], name: str = "Итого") -> OrgRow:
    """The one way rows add up (a municipality's organizations, a region's municipalities)."""
    total = OrgRow(organization_id=None, name=name, organizations=0)
    for row in rows:
        total = total + row
    total.name = name
    return total


@dataclass
class ActivityRow:
    """One activity of the municipal roadmap (school copies fold into their source); at the region
    level, the municipalities' activities of the same title folded together."""

    number: str
    title: str
    deadline: str
    total: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0
    organizations: int = 0  # organizations with a due date of this activity in the period
    behind_count: int = 0  # organizations with an overdue due date
    behind: list[str] = field(default_factory=list)  # their names (the region: the municipalities')

    @property
    def late(self) -> int:
        return max(0, self.done - self.on_time)

    @property
    def behind_share(self) -> float | None:
        return indicators.share(self.behind_count, self.organizations)


@dataclass
class DynamicsRow:
    dimension: str
    entry: float | None
    final: float | None
    entry_n: int = 0
    final_n: int = 0

    @property
    def delta(self) -> float | None:
        if self.entry is None or self.final is None:
            return None
        return round(self.final - self.entry, 2)


@dataclass(frozen=True)
class OrgBrief:
    """One organization, for the network table and the «no active pairs» rule at either level."""

    unit: str  # the row it belongs to: itself (municipality level) or its municipality (region)
    name: str
    kind: str
    pairs: int
    practices: int = 0


@dataclass(frozen=True)
class Criterion:
    """An effectiveness criterion as the report prints it (a municipality's EffectivenessCriterion,
    or one of the region's MUNICIPALITY_CRITERIA)."""

    metric: str
    label: str
    weight: float


@dataclass
class UnitRank:
    """A place in the ranking: an organization (municipal report) or a municipality (regional)."""

    name: str
    values: dict[str, float | None]
    contributions: dict[str, float]
    score: float
    place: int = 0


@dataclass
class CampaignRow:
    """The region's campaigns of one kind, summed over its municipalities."""

    title: str
    count: int
    expected: int
    submitted: int
    on_time: int
    deadline: dt.date | None = None


#: The criteria by which a region ranks its municipalities: (OrgRow indicator, Russian name, weight).
#: Each is a share in percent of the municipality's summed counts; the score is the weighted mean of
#: the criteria that have data, 0–100 (a municipality without data on any is not ranked).
MUNICIPALITY_CRITERIA: tuple[tuple[str, str, int], ...] = (
    ("matched_share", "Доля наставляемых, закреплённых за наставником", 30),
    ("young_share", "Охват молодых специалистов наставничеством", 25),
    ("roadmap_share", "Мероприятия дорожных карт, выполненные в срок", 25),
    ("on_time_rate", "Отчёты школ, сданные в срок", 20),
)


def unit_score(row: OrgRow) -> tuple[float | None, dict[str, float | None], dict[str, float]]:
    """(score, values, contributions) of a municipality's row by MUNICIPALITY_CRITERIA."""
    values = {key: getattr(row, key) for key, _label, _weight in MUNICIPALITY_CRITERIA}
    weights = sum(w for key, _l, w in MUNICIPALITY_CRITERIA if values[key] is not None)
    if not weights:
        return None, values, {}
    contributions = {
        key: round(w * (values[key] or 0) / weights, 1)
        for key, _l, w in MUNICIPALITY_CRITERIA
        if values[key] is not None
    }
    total = sum(w * (values[key] or 0) for key, _l, w in MUNICIPALITY_CRITERIA if values[key] is not None)
    return round(total / weights, 1), values, contributions


def rank_units(rows: list[OrgRow]) -> list[UnitRank]:
    """The region's municipalities ranked by MUNICIPALITY_CRITERIA (the region page and the report)."""
    ranked = []
    for row in rows:
        score, values, contributions = unit_score(row)
        if score is not None:
            ranked.append(UnitRank(row.name, values, contributions, score))
    ranked.sort(key=lambda r: (-r.score, r.name))
    for place, r in enumerate(ranked, start=1):
        r.place = place
    return ranked


@dataclass
class AnnualData:
    place: Place
    period: Period
    today: dt.date
    rows: list[OrgRow]
    organizations: list[OrgBrief]
    activities: list[ActivityRow]
    indicator_rows: list[dict]
    campaigns: list
    practices: list[dict]
    ranking: list
    criteria: list[Criterion]
    roadmaps: list[dict]
    organization_kind: str | None = None
    municipality: Municipality | None = None
    region: Region | None = None
    municipal_roadmaps: int = 0  # the region: municipalities with a municipal roadmap for the period
    practices_total: int = 0

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def start(self) -> dt.date:
        return self.period.start

    @property
    def end(self) -> dt.date:
        return self.period.end

    @property
    def totals(self) -> OrgRow:
        return sum_rows(self.rows)

    @property
    def pairs_by_form(self) -> list[tuple[str, int]]:
        return sorted(self.totals.pairs_by_form.items(), key=lambda kv: (-kv[1], kv[0]))

    @property
    def dynamics(self) -> list[DynamicsRow]:
        return dynamics_of(self.totals.growth)

    @property
    def network(self) -> list[dict]:
        """Organizations by type: how many, how many with an active pair or group."""
        by_kind: dict[str, dict] = {}
        for org in self.organizations:
            k = by_kind.setdefault(org.kind, {"kind": KIND_LABELS.get(org.kind, org.kind), "total": 0, "active": 0})
            k["total"] += 1
            k["active"] += 1 if org.pairs else 0
        order = [k for k, _ in OrganizationKind.choices]
        return [by_kind[k] for k in order if k in by_kind]

    @property
    def organization_count(self) -> int:
        return len(self.organizations)

    @property
    def organizations_with_pairs(self) -> int:
        return sum(1 for o in self.organizations if o.pairs)

    @property
    def campaign_count(self) -> int:
        return sum(getattr(c, "count", 1) for c in self.campaigns)


def dynamics_of(growth: dict[tuple[str, str], list[float]]) -> list[DynamicsRow]:
    by_dim: dict[str, dict[str, list[float]]] = defaultdict(dict)
    for (kind, dim), acc in growth.items():
        by_dim[dim or "Общая оценка"][kind] = acc
    rows = []
    for dim, kinds in sorted(by_dim.items()):
        e = kinds.get(CampaignKind.ENTRY, [0.0, 0])
        f = kinds.get(CampaignKind.FINAL, [0.0, 0])
        rows.append(DynamicsRow(dim, indicators.mean(e[0], e[1]), indicators.mean(f[0], f[1]), e[1], f[1]))
    return rows


# Collection ------------------------------------------------------------------------------------------
@dataclass
class _Counts:
    figures: dict[int, selectors.OrgFigures]
    reporting: dict[int, dict]
    quality: dict[int, tuple[float, int]]
    growth: dict[int, dict]
    practices: dict[int, int]

    def row(self, key: int, **names) -> OrgRow:
        f = self.figures[key]
        rep = self.reporting.get(key, {})
        q = self.quality.get(key, (0.0, 0))
        return OrgRow(
            mentors=f.mentors,
            mentees=f.mentees,
            mentees_matched=f.mentees_matched,
            pairs=f.pairs,
            programs=f.programs,
            young_total=f.young_total,
            young_covered=f.young_covered,
            meetings=f.meetings,
            roadmap_due=f.roadmap_due,
            roadmap_done=f.roadmap_done,
            roadmap_on_time=f.roadmap_on_time,
            roadmap_overdue=f.roadmap_overdue,
            reports_expected=rep.get("expected", 0),
            reports_submitted=rep.get("submitted", 0),
            reports_on_time=rep.get("on_time", 0),
            practices=self.practices.get(key, 0),
            quality_sum=q[0],
            quality_n=q[1],
            pairs_by_form=dict(f.pairs_by_form),
            growth=self.growth.get(key, {}),
            **names,
        )


def _practices_q() -> Q:
    from mentorship.models import PracticeStatus

    return Q(status=PracticeStatus.APPROVED) | Q(is_published=True)


def _counts(
    org_ids: list[int] | QuerySet, period: Period, today: dt.date, *, group: str, keys: list[int], details: bool = True
) -> _Counts:
    """Every count of the report for the organizations `org_ids`, grouped by organization or by
    municipality: a fixed number of grouped queries whatever the number of organizations.
    `details=False` leaves out the questionnaires and practices (the region page needs none)."""
    from mentorship.models import Practice
    from monitoring.models import Answer

    figures = selectors.organization_figures(org_ids, period.start, period.end, today, group=group, keys=keys)
    reporting = selectors.reporting_by_organization(org_ids, period.start, period.end, group=group, today=today)
    counts = _Counts(figures, reporting, {}, defaultdict(dict), {})
    if not details or (isinstance(org_ids, list) and not org_ids):
        return counts
    by = selectors.group_path(group, "response__assignment__")
    quality = (
        Answer.objects.filter(
            scale__isnull=False,
            response__assignment__organization_id__in=org_ids,
            response__assignment__campaign__kind=CampaignKind.QUALITY,
            response__assignment__campaign__period_end__gte=period.start,
            response__assignment__campaign__period_start__lte=period.end,
        )
        .values(key=F(by))
        .annotate(s=Sum("scale"), n=Count("pk"))
        .order_by()
    )
    counts.quality = {r["key"]: (float(r["s"]), r["n"]) for r in quality}
    g_start, g_end = period.growth_window
    growth = (
        Answer.objects.filter(
            scale__isnull=False,
            response__assignment__organization_id__in=org_ids,
            response__assignment__campaign__kind__in=[CampaignKind.ENTRY, CampaignKind.FINAL],
            response__assignment__campaign__period_end__gte=g_start,
            response__assignment__campaign__period_start__lte=g_end,
        )
        .values("response__assignment__campaign__kind", "question__dimension", key=F(by))
        .annotate(s=Sum("scale"), n=Count("pk"))
        .order_by()
    )
    for r in growth:
        dimension = (r["response__assignment__campaign__kind"], r["question__dimension"] or "")
        counts.growth[r["key"]][dimension] = [float(r["s"]), r["n"]]
    counts.practices = dict(
        Practice.objects.filter(organization_id__in=org_ids, created_at__date__lte=period.end)
        .filter(_practices_q())
        .values_list(F(selectors.group_path(group)))
        .annotate(n=Count("pk"))
        .order_by()
    )
    return counts


def collect_rows(
    organizations: list[Organization],
    period: Period,
    today: dt.date,
    municipality_name: str = "",
    *,
    details: bool = True,
) -> list[OrgRow]:
    """Counts per organization: a fixed number of grouped queries whatever the number of organizations.
    `details=False` leaves out questionnaires and practices (the stored aggregates keep none)."""
    ids = [o.pk for o in organizations]
    counts = _counts(ids, period, today, group="organization", keys=ids, details=details)
    return [
        counts.row(
            org.pk,
            organization_id=org.pk,
            name=org.short_name,
            full_name=org.full_name,
            kind=org.kind,
            municipality=municipality_name,
        )
        for org in organizations
    ]


def _active_organizations(organization_kind: str | None = None) -> Q:
    q = Q(organizations__is_active=True)
    return q & Q(organizations__kind=organization_kind) if organization_kind else q


def region_municipalities(region: Region, organization_kind: str | None = None) -> list[Municipality]:
    """The region's municipalities by name, each with its number of active organizations
    (`active_organizations`), in one query."""
    return list(
        Municipality.objects.filter(region=region)
        .annotate(active_organizations=Count("organizations", filter=_active_organizations(organization_kind)))
        .order_by("name")
    )


def municipality_rows(
    municipalities: list[Municipality],
    period: Period,
    today: dt.date,
    *,
    organization_kind: str | None = None,
    details: bool = True,
) -> list[OrgRow]:
    """One row per municipality, each the sum of its active organizations' counts, computed by the
    same queries grouped by municipality (the region level: never one report per municipality).
    The organizations are read as a subquery of each grouped query, never listed in Python."""
    keys = [m.pk for m in municipalities]
    orgs = Organization.objects.filter(municipality_id__in=keys, is_active=True)
    if organization_kind:
        orgs = orgs.filter(kind=organization_kind)
    if all(hasattr(m, "active_organizations") for m in municipalities):
        per_municipality = {m.pk: m.active_organizations for m in municipalities}  # type: ignore[attr-defined]
    else:
        per_municipality = dict(orgs.values_list("municipality_id").annotate(n=Count("pk")).order_by())
    org_ids = orgs.values("pk")
    counts = _counts(org_ids, period, today, group="municipality", keys=keys, details=details)
    return [
        counts.row(
            m.pk,
            organization_id=None,
            name=m.name,
            full_name=m.name,
            municipality=m.name,
            organizations=per_municipality.get(m.pk, 0),
        )
        for m in municipalities
    ]


def _activity_rows(period: Period, today: dt.date, *, municipalities: list[int], org_ids: list[int], group: str):
    """Due dates of the municipal roadmaps' activities in the period, grouped by activity (a school's
    copy folds into its source) and by organization or municipality."""
    from roadmaps.models import ExecutionRecord, ExecutionStatus

    overdue = ~Q(status=ExecutionStatus.DONE) & Q(due_on__lt=today)
    rows = (
        ExecutionRecord.objects.filter(
            municipality_id__in=municipalities, due_on__range=(period.start, min(period.end, today))
        )
        .filter(Q(organization_id__in=org_ids) | Q(organization__isnull=True))
        .annotate(key=Coalesce("activity__source_activity_id", "activity_id"))
        .values("key", "organization_id" if group == "organization" else "municipality_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ExecutionStatus.DONE)),
            on_time=Count("pk", filter=Q(status=ExecutionStatus.DONE, completed_on__lte=F("due_on"))),
            overdue=Count("pk", filter=overdue),
            organizations=Count("organization_id", distinct=True),
            behind=Count("organization_id", distinct=True, filter=overdue),
        )
        .order_by()
    )
    by_key: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_key[r["key"]].append(r)
    return by_key


def _activities(municipality: Municipality, organizations: list[Organization], period: Period, today: dt.date):
    from roadmaps.models import Activity

    ids = [o.pk for o in organizations]
    names = {o.pk: o.short_name for o in organizations}
    # the same window as the per-organization figures, so that activities and organizations add up
    by_key = _activity_rows(period, today, municipalities=[municipality.pk], org_ids=ids, group="organization")
    activities = Activity.objects.filter(pk__in=by_key).select_related("roadmap").order_by("roadmap_id", "order")
    result = []
    for a in activities:
        row = ActivityRow(number=a.number, title=" ".join(a.title.split()), deadline=" ".join(a.deadline_text.split()))
        for r in by_key[a.pk]:
            row.total += r["total"]
            row.done += r["done"]
            row.on_time += r["on_time"]
            row.overdue += r["overdue"]
            if r["organization_id"] is not None:
                row.organizations += 1
                if r["overdue"]:
                    row.behind_count += 1
                    row.behind.append(names[r["organization_id"]])
        row.behind.sort()
        result.append(row)
    return result


def _region_activities(municipalities: list[Municipality], org_ids: list[int], period: Period, today: dt.date):
    """The municipalities' roadmap activities folded by title (municipal roadmaps of a region are
    written from the same regional model, numbered differently at times); «behind» names the
    municipalities where some organization is overdue."""
    from roadmaps.models import Activity

    names = {m.pk: m.name for m in municipalities}
    by_key = _activity_rows(period, today, municipalities=list(names), org_ids=org_ids, group="municipality")
    folded: dict[str, ActivityRow] = {}
    behind: dict[str, set[str]] = defaultdict(set)
    for a in (
        Activity.objects.filter(pk__in=by_key)
        .only("pk", "number", "title", "deadline_text", "order")
        .order_by("order", "pk")
    ):
        title = " ".join(a.title.split())
        row = folded.get(title.lower())
        if row is None:
            row = folded[title.lower()] = ActivityRow(
                number=a.number, title=title, deadline=" ".join(a.deadline_text.split())
            )
        for r in by_key[a.pk]:
            row.total += r["total"]
            row.done += r["done"]
            row.on_time += r["on_time"]
            row.overdue += r["overdue"]
            row.organizations += r["organizations"]
            row.behind_count += r["behind"]
            if r["behind"]:
                behind[title.lower()].add(names[r["municipality_id"]])
    for key, row in folded.items():
        row.behind = sorted(behind[key])
    return list(folded.values())


def _organization_briefs(
    org_ids: list[int], period: Period, unit_of: dict[int, str], names: dict[int, str], kinds: dict[int, str]
) -> list[OrgBrief]:
    """Active pairs and practices of each organization (two grouped queries): the network and the
    rules that count organizations, at the region level."""
    from mentorship.models import Pair, PairStatus, Practice

    pairs = dict(
        Pair.objects.filter(organization_id__in=org_ids, status=PairStatus.ACTIVE)
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    practices = dict(
        Practice.objects.filter(organization_id__in=org_ids, created_at__date__lte=period.end)
        .filter(_practices_q())
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [OrgBrief(unit_of[pk], names[pk], kinds[pk], pairs.get(pk, 0), practices.get(pk, 0)) for pk in org_ids]


def _indicators(municipality: Municipality, period: Period) -> tuple[list[dict], list[dict]]:
    from roadmaps.models import Roadmap, RoadmapLevel, RoadmapStatus
    from roadmaps.selectors import indicator_rows

    roadmaps = list(
        Roadmap.objects.filter(
            municipality=municipality,
            level=RoadmapLevel.MUNICIPAL,
            is_template=False,
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
        .exclude(status=RoadmapStatus.ARCHIVED)  # an edition a newer one replaced is not the basis
        .order_by("period_start", "pk")
    )
    years = {period.start.year, period.end.year} if period.academic else {period.year}
    rows = []
    for roadmap in roadmaps:
        for row in indicator_rows(roadmap):
            ind = row["indicator"]
            if ind.year not in years:
                continue
            rows.append(
                {
                    "number": ind.activity.number,
                    "activity": " ".join(ind.activity.title.split()),
                    "indicator": " ".join((ind.activity.indicator_text or "").split()),
                    "year": ind.year,
                    "target": float(ind.target),
                    "actual": None if row["actual"] is None else float(row["actual"]),
                    "reached": row["reached"],
                }
            )
    info = [
        {
            "title": " ".join(r.title.split()),
            "order_number": r.order_number,
            "order_date": r.order_date,
            "period_start": r.period_start,
            "period_end": r.period_end,
        }
        for r in roadmaps
    ]
    return rows, info


def _practice_list(org_ids: list[int], period: Period, *, with_municipality: bool, limit: int | None = None):
    from mentorship.models import Practice

    qs = (
        Practice.objects.filter(organization_id__in=org_ids, created_at__date__lte=period.end)
        .filter(_practices_q())
        .select_related("organization__municipality", "form")
        .order_by("organization__municipality__name", "organization__short_name", "title")
    )
    return [
        {
            "title": " ".join(p.title.split()),
            "organization": p.organization.short_name
            + (f" ({p.organization.municipality.name})" if with_municipality else ""),
            "authors": p.authors,
            "form": p.form.name if p.form else "",
        }
        for p in (qs[:limit] if limit else qs)
    ]


def collect(
    municipality: Municipality,
    year: int,
    *,
    academic: bool = False,
    organization_kind: str | None = None,
    today: dt.date | None = None,
) -> AnnualData:
    period = Period(year, academic)
    today = today or local_today(municipality)
    orgs_qs = municipality.organizations.filter(is_active=True).order_by("short_name")
    if organization_kind:
        orgs_qs = orgs_qs.filter(kind=organization_kind)
    organizations = list(orgs_qs)
    ids = [o.pk for o in organizations]
    rows = collect_rows(organizations, period, today, municipality.name)
    indicator_list, roadmaps = _indicators(municipality, period)
    criteria = selectors.criteria_for(municipality.pk)
    ranking = selectors.ranking(organizations, criteria, period.start, period.end, today) if criteria else []
    practices = _practice_list(ids, period, with_municipality=False)
    return AnnualData(
        place=municipality_place(municipality),
        municipality=municipality,
        period=period,
        today=today,
        rows=rows,
        organizations=[OrgBrief(r.name, r.name, r.kind, r.pairs, r.practices) for r in rows],
        activities=_activities(municipality, organizations, period, today),
        indicator_rows=indicator_list,
        campaigns=selectors.campaign_rates([municipality.pk], period.start, period.end, today=today),
        practices=practices,
        practices_total=len(practices),
        ranking=ranking,
        criteria=[Criterion(c.metric, c.get_metric_display(), float(c.weight)) for c in criteria],
        roadmaps=roadmaps,
        organization_kind=organization_kind,
    )


#: the regional report lists at most this many practices (the rest are counted, and each
#: municipality's report lists its own)
REGION_PRACTICES = 300


def collect_region(
    region: Region,
    year: int,
    *,
    academic: bool = False,
    organization_kind: str | None = None,
    today: dt.date | None = None,
) -> AnnualData:
    """The regional annual report's data: the same sections as a municipality's, with its
    municipalities as rows. Every count comes from queries grouped by municipality (a fixed number
    of them whatever the size of the region); memory grows with municipalities, activities and
    organizations (one small tuple each), never with people or meetings."""
    from roadmaps.models import Roadmap, RoadmapLevel

    period = Period(year, academic)
    today = today or local_today()  # a region spans time zones: the site's date
    municipalities = region_municipalities(region, organization_kind)
    keys = [m.pk for m in municipalities]
    names = {m.pk: m.name for m in municipalities}
    orgs = Organization.objects.filter(municipality_id__in=keys, is_active=True)
    if organization_kind:
        orgs = orgs.filter(kind=organization_kind)
    org_rows = list(
        orgs.order_by("municipality__name", "short_name").values_list("pk", "municipality_id", "short_name", "kind")
    )
    org_ids = [pk for pk, *_rest in org_rows]
    rows = municipality_rows(municipalities, period, today, organization_kind=organization_kind)
    briefs = _organization_briefs(
        org_ids,
        period,
        {pk: names[m] for pk, m, _n, _k in org_rows},
        {pk: n for pk, _m, n, _k in org_rows},
        {pk: k for pk, _m, _n, k in org_rows},
    )
    campaigns = (
        Assignment.objects.filter(organization_id__in=org_ids, campaign__deadline__range=(period.start, period.end))
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .values("campaign__kind")
        .annotate(
            count=Count("campaign", distinct=True),
            municipalities=Count("campaign__municipality", distinct=True),
            expected=Count("pk", filter=selectors.expected_by(today)),
            submitted=Count("pk", filter=Q(first_submitted_at__isnull=False)),
            on_time=Count("pk", filter=Q(first_submitted_at__lte=F("campaign__due_at"))),
        )
        .order_by("campaign__kind")
    )
    kinds = dict(CampaignKind.choices)
    campaign_rows = [
        CampaignRow(
            title=f"{kinds.get(c['campaign__kind'], c['campaign__kind'])}: "
            f"{c['count']} в {c['municipalities']} муниципалитет{'е' if c['municipalities'] == 1 else 'ах'}",
            count=c["count"],
            expected=c["expected"],
            submitted=c["submitted"],
            on_time=c["on_time"],
        )
        for c in campaigns
    ]
    roadmaps = (
        Roadmap.objects.filter(
            municipality_id__in=keys,
            level=RoadmapLevel.MUNICIPAL,
            is_template=False,
            period_start__lte=period.end,
            period_end__gte=period.start,
        )
        .values("municipality_id")
        .distinct()
        .count()
    )
    return AnnualData(
        place=region_place(region),
        region=region,
        period=period,
        today=today,
        rows=rows,
        organizations=briefs,
        activities=_region_activities(municipalities, org_ids, period, today),
        indicator_rows=[],  # each municipality's own targets: in its own report
        campaigns=campaign_rows,
        practices=_practice_list(org_ids, period, with_municipality=True, limit=REGION_PRACTICES),
        practices_total=sum(r.practices for r in rows),
        ranking=rank_units(rows),
        criteria=[Criterion(key, label, float(weight)) for key, label, weight in MUNICIPALITY_CRITERIA],
        roadmaps=[],
        organization_kind=organization_kind,
        municipal_roadmaps=roadmaps,
    )


# Shared by the workbook and the regional export -------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Text typed by users never becomes a formula in Excel (CSV/XLSX injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def append(ws, row) -> None:
    ws.append([safe(v) for v in row])


# the per-organization columns: the report's table and the regional export use this one list
ORG_COLUMNS: list[tuple[str, str, str]] = [
    # (header, attribute of OrgRow, number format kind: "int" | "pct" | "dec")
    ("Наставников", "mentors", "int"),
    ("Наставляемых", "mentees", "int"),
    ("Наставляемых в парах", "mentees_matched", "int"),
    ("Пар и групп", "pairs", "int"),
    ("Программ", "programs", "int"),
    ("Молодых специалистов", "young_total", "int"),
    ("Из них в парах", "young_covered", "int"),
    ("Охват молодых специалистов, %", "young_share", "pct"),
    ("Встреч", "meetings", "int"),
    ("Сроков ДК наступило", "roadmap_due", "int"),
    ("Выполнено в срок", "roadmap_on_time", "int"),
    ("Выполнено с опозданием", "roadmap_late", "int"),
    ("Просрочено", "roadmap_overdue", "int"),
    ("Исполнение ДК в срок, %", "roadmap_share", "pct"),
    ("Отчётов ожидалось", "reports_expected", "int"),
    ("Отчётов сдано", "reports_submitted", "int"),
    ("Сдано в срок", "reports_on_time", "int"),
    ("Практик в реестре", "practices", "int"),
    ("Качество программ (1–10)", "quality", "dec"),
]


def org_values(row: OrgRow) -> list:
    return [getattr(row, attr) for _h, attr, _k in ORG_COLUMNS]
