"""Everything the annual analytical report shows, aggregated in SQL first so that memory stays
bounded by the number of organizations and activities, never by people or meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from accounts.models import Municipality, Organization, OrganizationKind
from monitoring import selectors
from monitoring.models import EffectivenessCriterion


@dataclass
class AnnualData:
    municipality: Municipality
    year: int
    start: dt.date
    end: dt.date
    organizations: list[Organization]
    figures: dict[int, selectors.OrgFigures]
    reporting: dict[int, dict]
    campaigns: list
    roadmap_rows: list[dict]
    indicator_rows: list[dict]
    dynamics: list[selectors.DynamicsRow]
    quality: list[dict]
    practices: list[dict]
    ranking: list[selectors.RankRow]
    criteria: list[EffectivenessCriterion]
    totals: dict[str, int | None] = field(default_factory=dict)
    pairs_by_form: list[tuple[str, int]] = field(default_factory=list)


def period_for(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def collect(
    municipality: Municipality, year: int, *, organization_kind: str | None = None, today: dt.date | None = None
) -> AnnualData:
    from mentorship.models import Practice, PracticeStatus
    from roadmaps.models import ExecutionRecord, ExecutionStatus, Roadmap, RoadmapLevel
    from roadmaps.selectors import indicator_rows

    start, end = period_for(year)
    today = today or dt.date.today()
    orgs_qs = municipality.organizations.filter(is_active=True).order_by("short_name")
    if organization_kind:
        orgs_qs = orgs_qs.filter(kind=organization_kind)
    organizations = list(orgs_qs)
    ids = [o.pk for o in organizations]
    figures = selectors.organization_figures(ids, start, end, today)
    reporting = selectors.reporting_by_organization(ids, start, end)
    campaigns = selectors.campaign_rates([municipality.pk], start, end)

    # roadmap execution per activity of the municipal roadmap (school copies fold into their source)
    activity_key = Coalesce("activity__source_activity_id", "activity_id")
    rows = (
        ExecutionRecord.objects.filter(municipality=municipality, due__date__range=(start, end))
        .filter(Q(organization_id__in=ids) | Q(organization__isnull=True))
        .annotate(key=activity_key)
        .values("key")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ExecutionStatus.DONE)),
            on_time=Count("pk", filter=Q(status=ExecutionStatus.DONE, completed_on__lte=F("due__date"))),
            overdue=Count("pk", filter=~Q(status=ExecutionStatus.DONE) & Q(due__date__lt=today)),
        )
        .order_by()
    )
    by_key = {r["key"]: r for r in rows}
    from roadmaps.models import Activity

    activities = Activity.objects.filter(pk__in=by_key).select_related("roadmap").order_by("roadmap_id", "order")
    roadmap_rows = [
        {
            "number": a.number,
            "title": " ".join(a.title.split()),
            "deadline": a.deadline_text,
            **{k: by_key[a.pk][k] for k in ("total", "done", "on_time", "overdue")},
        }
        for a in activities
    ]

    municipal_roadmaps = Roadmap.objects.filter(
        municipality=municipality, level=RoadmapLevel.MUNICIPAL, period_start__lte=end, period_end__gte=start
    ).order_by("period_start")
    indicators = []
    for roadmap in municipal_roadmaps:
        for row in indicator_rows(roadmap):
            ind = row["indicator"]
            indicators.append(
                {
                    "activity": f"{ind.activity.number} {' '.join(ind.activity.title.split())[:150]}".strip(),
                    "year": ind.year,
                    "target": float(ind.target),
                    "actual": None if row["actual"] is None else float(row["actual"]),
                    "reached": row["reached"],
                }
            )

    # entry (September) and final (May) belong to the academic year that ends in the report's year
    dynamics = selectors.growth_dynamics(ids, dt.date(year - 1, 9, 1), end)
    averages = selectors.scale_averages(ids, kinds=["quality"], start=start, end=end)
    by_org_quality: dict[int, list[float]] = {}
    for (_kind, org_id, _dim), avg in averages.items():
        by_org_quality.setdefault(org_id, []).append(avg)
    names = {o.pk: o.short_name for o in organizations}
    quality = [
        {"organization": names[org_id], "average": round(sum(v) / len(v), 2)}
        for org_id, v in sorted(by_org_quality.items(), key=lambda kv: names[kv[0]])
    ]

    practices = [
        {
            "title": p.title,
            "organization": p.organization.short_name,
            "authors": p.authors,
            "form": p.form.name if p.form else "",
        }
        for p in Practice.objects.filter(organization_id__in=ids)
        .filter(Q(status=PracticeStatus.APPROVED) | Q(is_published=True))
        .filter(created_at__year__lte=year)
        .select_related("organization", "form")
        .order_by("organization__short_name", "title")
    ]
    criteria = selectors.criteria_for(municipality.pk)
    ranking = selectors.ranking(organizations, criteria, start, end, today) if criteria else []

    totals: dict[str, int | None] = {
        name: sum(getattr(f, name) for f in figures.values())
        for name in (
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
        )
    }
    totals["organizations"] = len(organizations)
    totals["organizations_with_pairs"] = sum(1 for f in figures.values() if f.pairs)
    totals["young_share"] = selectors._share(totals["young_covered"], totals["young_total"])
    totals["roadmap_share"] = selectors._share(totals["roadmap_on_time"], totals["roadmap_due"])
    expected = sum(r["expected"] for r in reporting.values())
    totals["reports_expected"] = expected
    totals["reports_submitted"] = sum(r["submitted"] for r in reporting.values())
    totals["reports_on_time"] = sum(r["on_time"] for r in reporting.values())
    totals["reporting_rate"] = selectors._share(totals["reports_submitted"], expected)
    totals["on_time_rate"] = selectors._share(totals["reports_on_time"], expected)
    return AnnualData(
        municipality=municipality,
        year=year,
        start=start,
        end=end,
        organizations=organizations,
        figures=figures,
        reporting=reporting,
        campaigns=campaigns,
        roadmap_rows=roadmap_rows,
        indicator_rows=indicators,
        dynamics=dynamics,
        quality=quality,
        practices=practices,
        ranking=ranking,
        criteria=criteria,
        totals=totals,
        pairs_by_form=selectors.pairs_by_form_total(figures),
    )


KIND_LABELS = dict(OrganizationKind.choices)

SUMMARY_LABELS = [
    ("organizations", "Образовательных организаций"),
    ("organizations_with_pairs", "Организаций с действующими парами"),
    ("mentors", "Наставников"),
    ("mentees", "Наставляемых"),
    ("mentees_matched", "Наставляемых, закреплённых за наставником"),
    ("pairs", "Действующих пар и групп"),
    ("programs", "Персонализированных программ"),
    ("young_total", "Молодых специалистов"),
    ("young_covered", "Молодых специалистов в парах"),
    ("young_share", "Охват молодых специалистов, %"),
    ("meetings", "Встреч наставников и наставляемых"),
    ("roadmap_due", "Мероприятий дорожных карт ОО со сроком в году"),
    ("roadmap_on_time", "Выполнено в срок"),
    ("roadmap_overdue", "Просрочено"),
    ("roadmap_share", "Исполнение дорожных карт в срок, %"),
    ("reports_expected", "Ожидалось отчётов ОО"),
    ("reports_submitted", "Сдано отчётов"),
    ("reporting_rate", "Доля сданных отчётов, %"),
    ("on_time_rate", "Доля отчётов, сданных в срок, %"),
]

ORG_COLUMNS = [
    "Организация",
    "Тип",
    "Наставников",
    "Наставляемых",
    "Пар и групп",
    "Программ",
    "Молодых специалистов",
    "Из них в парах",
    "Охват, %",
    "Встреч",
    "Мероприятий ДК",
    "Выполнено в срок",
    "Просрочено",
    "Отчётов сдано",
    "Сдано в срок",
]


def org_row(org: Organization, f: selectors.OrgFigures, rep: dict | None) -> list:
    return [
        org.short_name,
        KIND_LABELS.get(org.kind, org.kind),
        f.mentors,
        f.mentees,
        f.pairs,
        f.programs,
        f.young_total,
        f.young_covered,
        f.young_share,
        f.meetings,
        f.roadmap_due,
        f.roadmap_on_time,
        f.roadmap_overdue,
        (rep or {}).get("submitted", 0),
        (rep or {}).get("on_time", 0),
    ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Text typed by users never becomes a formula in Excel (CSV/XLSX injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def append(ws, row) -> None:
    ws.append([safe(v) for v in row])
