"""Reads for the region level: municipalities as rows, their ranking, their annual reports.

The figures of a municipality are the sums of its organizations' figures
(`monitoring.selectors.organization_figures`, the one definition of each indicator), so a region
and its municipalities can never disagree. Every function takes ids the caller has already scoped
(`accounts.scoping.visible_regions` / `can_view_region`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q

from accounts.models import Municipality, Organization, Region
from monitoring.models import AnnualReportBuild, Assignment, BuildStatus, CampaignStatus
from monitoring.selectors import OrgFigures, _share, organization_figures

#: The criteria by which the region ranks its municipalities: (key, Russian name, weight in points).
#: Each criterion is a share in percent; the score is the weighted mean, 0–100.
MUNICIPALITY_CRITERIA: tuple[tuple[str, str, int], ...] = (
    ("matched_share", "Доля наставляемых, закреплённых за наставником", 30),
    ("young_share", "Охват молодых специалистов наставничеством", 25),
    ("roadmap_share", "Мероприятия дорожных карт, выполненные в срок", 25),
    ("reports_on_time_share", "Отчёты школ, сданные в срок", 20),
)


@dataclass
class MunicipalityFigures:
    municipality: Municipality
    organizations: int = 0
    totals: OrgFigures = field(default_factory=lambda: OrgFigures(organization_id=0))
    reports_expected: int = 0
    reports_submitted: int = 0
    reports_on_time: int = 0
    report: AnnualReportBuild | None = None
    score: float | None = None
    rank: int | None = None

    @property
    def matched_share(self) -> int | None:
        return _share(self.totals.mentees_matched, self.totals.mentees)

    @property
    def young_share(self) -> int | None:
        return self.totals.young_share

    @property
    def roadmap_share(self) -> int | None:
        return self.totals.roadmap_share

    @property
    def reports_on_time_share(self) -> int | None:
        return _share(self.reports_on_time, self.reports_expected)

    def criterion(self, key: str) -> int | None:
        return getattr(self, key)


def _add(total: OrgFigures, part: OrgFigures) -> None:
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
    ):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    for form, n in part.pairs_by_form.items():
        total.pairs_by_form[form] = total.pairs_by_form.get(form, 0) + n


def region_figures(region: Region, year: int, *, today: dt.date | None = None) -> list[MunicipalityFigures]:
    """One row per municipality of the region for the calendar year, ranked by MUNICIPALITY_CRITERIA."""
    municipalities = list(Municipality.objects.filter(region=region).order_by("name"))
    rows = {m.pk: MunicipalityFigures(municipality=m) for m in municipalities}
    if not rows:
        return []
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    org_municipality = dict(
        Organization.objects.filter(municipality_id__in=rows, is_active=True).values_list("pk", "municipality_id")
    )
    for org_id, figures in organization_figures(list(org_municipality), start, end, today=today).items():
        row = rows[org_municipality[org_id]]
        row.organizations += 1
        _add(row.totals, figures)
    reports = (
        Assignment.objects.filter(campaign__municipality_id__in=rows, campaign__deadline__range=(start, end))
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .values("campaign__municipality_id")
        .annotate(
            expected=Count("pk"),
            submitted=Count("pk", filter=Q(first_submitted_at__isnull=False)),
            on_time=Count("pk", filter=Q(first_submitted_at__lte=F("campaign__due_at"))),
        )
        .order_by()
    )
    for r in reports:
        row = rows[r["campaign__municipality_id"]]
        row.reports_expected, row.reports_submitted, row.reports_on_time = r["expected"], r["submitted"], r["on_time"]
    latest = (
        AnnualReportBuild.objects.filter(municipality_id__in=rows, year=year)
        .values("municipality_id")
        .annotate(last=Max("pk"))
        .values_list("last", flat=True)
    )
    for build in AnnualReportBuild.objects.filter(pk__in=list(latest)):
        rows[build.municipality_id].report = build
    ranked = list(rows.values())
    for row in ranked:
        row.score = _score(row)
    ordered = sorted((r for r in ranked if r.score is not None), key=lambda r: (-(r.score or 0), r.municipality.name))
    for position, row in enumerate(ordered, start=1):
        row.rank = position
    return ranked


def _score(row: MunicipalityFigures) -> float | None:
    """Weighted mean of the criteria that have data; None when none has."""
    total = weights = 0.0
    for key, _label, weight in MUNICIPALITY_CRITERIA:
        value = row.criterion(key)
        if value is not None:
            total += value * weight
            weights += weight
    return round(total / weights, 1) if weights else None


def region_totals(rows: list[MunicipalityFigures]) -> MunicipalityFigures:
    """The region as one row (sums; shares from the sums, not means of shares)."""
    total = MunicipalityFigures(municipality=Municipality(name="Итого по региону"))
    for row in rows:
        total.organizations += row.organizations
        _add(total.totals, row.totals)
        total.reports_expected += row.reports_expected
        total.reports_submitted += row.reports_submitted
        total.reports_on_time += row.reports_on_time
    total.score = _score(total)
    return total


def report_states(rows: list[MunicipalityFigures]) -> dict[str, int]:
    """How many municipalities have their annual report built, being built, failed or not ordered."""
    counts = {"done": 0, "running": 0, "failed": 0, "missing": 0}
    for row in rows:
        if row.report is None:
            counts["missing"] += 1
        elif row.report.status == BuildStatus.DONE:
            counts["done"] += 1
        elif row.report.status == BuildStatus.FAILED:
            counts["failed"] += 1
        else:
            counts["running"] += 1
    return counts
