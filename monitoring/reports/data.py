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
from dataclasses import dataclass, field, fields

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from accounts.models import Municipality, Organization, OrganizationKind, local_today
from monitoring import indicators, selectors
from monitoring.models import CampaignKind, EffectivenessCriterion

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


def period_for(year: int, academic: bool = False) -> tuple[dt.date, dt.date]:
    p = Period(year, academic)
    return p.start, p.end


# Per-organization counts (summable) ---------------------------------------------------------------------
@dataclass
class OrgRow:
    organization_id: int | None
    name: str
    full_name: str = ""
    kind: str = ""
    municipality: str = ""
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

    SUMMED = (
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
        "practices",
        "quality_sum",
        "quality_n",
    )

    def __add__(self, other: OrgRow) -> OrgRow:
        total = OrgRow(organization_id=None, name="Итого")
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


def sum_rows(rows: list[OrgRow]) -> OrgRow:
    total = OrgRow(organization_id=None, name="Итого")
    for row in rows:
        total = total + row
    return total


@dataclass
class ActivityRow:
    """One activity of the municipal roadmap (school copies fold into their source)."""

    number: str
    title: str
    deadline: str
    total: int = 0
    done: int = 0
    on_time: int = 0
    overdue: int = 0
    organizations: int = 0  # organizations with a due date of this activity in the period
    behind: list[str] = field(default_factory=list)  # organizations with an overdue due date

    @property
    def late(self) -> int:
        return max(0, self.done - self.on_time)

    @property
    def behind_share(self) -> float | None:
        return indicators.share(len(self.behind), self.organizations)


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


@dataclass
class AnnualData:
    municipality: Municipality
    period: Period
    today: dt.date
    rows: list[OrgRow]
    activities: list[ActivityRow]
    indicator_rows: list[dict]
    campaigns: list
    practices: list[dict]
    ranking: list[selectors.RankRow]
    criteria: list[EffectivenessCriterion]
    roadmaps: list[dict]
    organization_kind: str | None = None

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
        for row in self.rows:
            k = by_kind.setdefault(row.kind, {"kind": KIND_LABELS.get(row.kind, row.kind), "total": 0, "active": 0})
            k["total"] += 1
            k["active"] += 1 if row.pairs else 0
        order = [k for k, _ in OrganizationKind.choices]
        return [by_kind[k] for k in order if k in by_kind]

    @property
    def organizations_with_pairs(self) -> int:
        return sum(1 for r in self.rows if r.pairs)


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
def collect_rows(
    organizations: list[Organization], period: Period, today: dt.date, municipality_name: str = ""
) -> list[OrgRow]:
    """Counts per organization: a fixed number of grouped queries whatever the number of organizations."""
    from mentorship.models import Practice, PracticeStatus
    from monitoring.models import Answer

    ids = [o.pk for o in organizations]
    figures = selectors.organization_figures(ids, period.start, period.end, today)
    reporting = selectors.reporting_by_organization(ids, period.start, period.end)
    quality = (
        Answer.objects.filter(
            scale__isnull=False,
            response__assignment__organization_id__in=ids,
            response__assignment__campaign__kind=CampaignKind.QUALITY,
            response__assignment__campaign__period_end__gte=period.start,
            response__assignment__campaign__period_start__lte=period.end,
        )
        .values("response__assignment__organization_id")
        .annotate(s=Sum("scale"), n=Count("pk"))
        .order_by()
    )
    quality_by_org = {r["response__assignment__organization_id"]: (float(r["s"]), r["n"]) for r in quality}
    g_start, g_end = period.growth_window
    growth = (
        Answer.objects.filter(
            scale__isnull=False,
            response__assignment__organization_id__in=ids,
            response__assignment__campaign__kind__in=[CampaignKind.ENTRY, CampaignKind.FINAL],
            response__assignment__campaign__period_end__gte=g_start,
            response__assignment__campaign__period_start__lte=g_end,
        )
        .values("response__assignment__organization_id", "response__assignment__campaign__kind", "question__dimension")
        .annotate(s=Sum("scale"), n=Count("pk"))
        .order_by()
    )
    growth_by_org: dict[int, dict] = defaultdict(dict)
    for r in growth:
        key = (r["response__assignment__campaign__kind"], r["question__dimension"] or "")
        growth_by_org[r["response__assignment__organization_id"]][key] = [float(r["s"]), r["n"]]
    practices = dict(
        Practice.objects.filter(organization_id__in=ids, created_at__date__lte=period.end)
        .filter(Q(status=PracticeStatus.APPROVED) | Q(is_published=True))
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for org in organizations:
        f = figures[org.pk]
        rep = reporting.get(org.pk, {})
        q = quality_by_org.get(org.pk, (0.0, 0))
        rows.append(
            OrgRow(
                organization_id=org.pk,
                name=org.short_name,
                full_name=org.full_name,
                kind=org.kind,
                municipality=municipality_name,
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
                practices=practices.get(org.pk, 0),
                quality_sum=q[0],
                quality_n=q[1],
                pairs_by_form=dict(f.pairs_by_form),
                growth=growth_by_org.get(org.pk, {}),
            )
        )
    return rows


def _activities(municipality: Municipality, organizations: list[Organization], period: Period, today: dt.date):
    from roadmaps.models import Activity, ExecutionRecord, ExecutionStatus

    ids = [o.pk for o in organizations]
    names = {o.pk: o.short_name for o in organizations}
    key = Coalesce("activity__source_activity_id", "activity_id")
    # the same window as the per-organization figures, so that activities and organizations add up
    rows = (
        ExecutionRecord.objects.filter(
            municipality=municipality, due__date__range=(period.start, min(period.end, today))
        )
        .filter(Q(organization_id__in=ids) | Q(organization__isnull=True))
        .annotate(key=key)
        .values("key", "organization_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ExecutionStatus.DONE)),
            on_time=Count("pk", filter=Q(status=ExecutionStatus.DONE, completed_on__lte=F("due__date"))),
            overdue=Count("pk", filter=~Q(status=ExecutionStatus.DONE) & Q(due__date__lt=today)),
        )
        .order_by()
    )
    by_key: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_key[r["key"]].append(r)
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
                    row.behind.append(names[r["organization_id"]])
        row.behind.sort()
        result.append(row)
    return result


def _indicators(municipality: Municipality, period: Period) -> tuple[list[dict], list[dict]]:
    from roadmaps.models import Roadmap, RoadmapLevel
    from roadmaps.selectors import indicator_rows

    roadmaps = list(
        Roadmap.objects.filter(
            municipality=municipality,
            level=RoadmapLevel.MUNICIPAL,
            is_template=False,
            period_start__lte=period.end,
            period_end__gte=period.start,
        ).order_by("period_start", "pk")
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


def collect(
    municipality: Municipality,
    year: int,
    *,
    academic: bool = False,
    organization_kind: str | None = None,
    today: dt.date | None = None,
) -> AnnualData:
    from mentorship.models import Practice, PracticeStatus

    period = Period(year, academic)
    today = today or local_today(municipality)
    orgs_qs = municipality.organizations.filter(is_active=True).order_by("short_name")
    if organization_kind:
        orgs_qs = orgs_qs.filter(kind=organization_kind)
    organizations = list(orgs_qs)
    ids = [o.pk for o in organizations]
    rows = collect_rows(organizations, period, today, municipality.name)
    indicator_list, roadmaps = _indicators(municipality, period)
    practices = [
        {
            "title": " ".join(p.title.split()),
            "organization": p.organization.short_name,
            "authors": p.authors,
            "form": p.form.name if p.form else "",
        }
        for p in Practice.objects.filter(organization_id__in=ids, created_at__date__lte=period.end)
        .filter(Q(status=PracticeStatus.APPROVED) | Q(is_published=True))
        .select_related("organization", "form")
        .order_by("organization__short_name", "title")
    ]
    criteria = selectors.criteria_for(municipality.pk)
    ranking = selectors.ranking(organizations, criteria, period.start, period.end, today) if criteria else []
    return AnnualData(
        municipality=municipality,
        period=period,
        today=today,
        rows=rows,
        activities=_activities(municipality, organizations, period, today),
        indicator_rows=indicator_list,
        campaigns=selectors.campaign_rates([municipality.pk], period.start, period.end),
        practices=practices,
        ranking=ranking,
        criteria=criteria,
        roadmaps=roadmaps,
        organization_kind=organization_kind,
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


def counts_fields() -> list[str]:
    return [f.name for f in fields(OrgRow)]
