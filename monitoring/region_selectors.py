"""Reads for the region level: municipalities as rows, their ranking, their annual reports.

A municipality's row is the annual report's own (`monitoring.reports.data.municipality_rows`: the
same counts grouped by municipality, `sum_rows` for the region's total, one definition of each
indicator in monitoring/indicators.py), so the region page, the regional annual report and the
municipal reports can never disagree. Every function takes ids the caller has already scoped
(`accounts.scoping.visible_regions` / `can_view_region`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Subquery

from accounts.models import Municipality, Region, local_today
from monitoring.models import AnnualReportBuild, BuildStatus
from monitoring.reports.data import (
    MUNICIPALITY_CRITERIA,
    OrgRow,
    Period,
    municipality_rows,
    region_municipalities,
    sum_rows,
    unit_score,
)

__all__ = ["MUNICIPALITY_CRITERIA", "MunicipalityFigures", "region_figures", "region_totals", "report_states"]


@dataclass
class MunicipalityFigures:
    municipality: Municipality
    totals: OrgRow
    report: AnnualReportBuild | None = None
    score: float | None = None
    rank: int | None = None

    @property
    def organizations(self) -> int:
        return self.totals.organizations

    @property
    def matched_share(self) -> float | None:
        return self.totals.matched_share

    @property
    def young_share(self) -> float | None:
        return self.totals.young_share

    @property
    def roadmap_share(self) -> float | None:
        return self.totals.roadmap_share

    @property
    def reports_on_time_share(self) -> float | None:
        return self.totals.on_time_rate


def region_figures(
    region: Region, year: int, *, academic: bool = False, today: dt.date | None = None
) -> list[MunicipalityFigures]:
    """One row per municipality of the region for the year, ranked by MUNICIPALITY_CRITERIA, with
    the latest build of its annual report for that year."""
    municipalities = region_municipalities(region)
    if not municipalities:
        return []
    period = Period(year, academic)
    totals = municipality_rows(municipalities, period, today or local_today(), details=False)
    rows = {m.pk: MunicipalityFigures(municipality=m, totals=t) for m, t in zip(municipalities, totals, strict=True)}
    latest = (
        AnnualReportBuild.objects.filter(municipality_id__in=rows, year=year)
        .values("municipality_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    # the latest build of each municipality, in one query whatever their number
    for build in AnnualReportBuild.objects.filter(pk__in=Subquery(latest)).select_related("author"):
        rows[build.municipality_id].report = build  # type: ignore[index]
    ranked = list(rows.values())
    for row in ranked:
        row.score = unit_score(row.totals)[0]
    ordered = sorted((r for r in ranked if r.score is not None), key=lambda r: (-(r.score or 0), r.municipality.name))
    for position, row in enumerate(ordered, start=1):
        row.rank = position
    return ranked


def region_totals(rows: list[MunicipalityFigures]) -> MunicipalityFigures:
    """The region as one row (sums; shares from the sums, not means of shares)."""
    total = MunicipalityFigures(
        municipality=Municipality(name="Итого по региону"), totals=sum_rows([r.totals for r in rows])
    )
    total.score = unit_score(total.totals)[0]
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
