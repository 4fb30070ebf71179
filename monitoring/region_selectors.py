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

from django.db.models import Count, Max, Q, QuerySet, Subquery

from accounts import scoping
from accounts.models import Municipality, Region, local_today
from monitoring import stats
from monitoring.models import (
    AnnualReportBuild,
    AssignmentStatus,
    BuildStatus,
    CampaignStatus,
    RegionalCampaign,
    RegionalRequest,
)
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
    freshness: stats.Freshness | None = None  # stored aggregates: when computed; None: counted live

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
    region: Region, year: int, *, academic: bool = False, today: dt.date | None = None, live: bool = False
) -> list[MunicipalityFigures]:
    """One row per municipality of the region for the year, ranked by MUNICIPALITY_CRITERIA, with
    the latest build of its annual report for that year.

    A calendar year's counts are the stored per-organization aggregates summed by municipality
    (`monitoring.stats`: flat in the size of the region; `region_freshness` says when they were
    computed); an academic year, a year not stored yet or `live=True` counts from the data."""
    municipalities = region_municipalities(region)
    if not municipalities:
        return []
    stored = None if (academic or live or today is not None) else stats.municipality_rows(municipalities, year)
    if stored is not None:
        totals, freshness = stored
    else:
        period = Period(year, academic)
        totals = municipality_rows(municipalities, period, today or local_today(), details=False)
        freshness = None
    rows = {
        m.pk: MunicipalityFigures(municipality=m, totals=t, freshness=freshness)
        for m, t in zip(municipalities, totals, strict=True)
    }
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


# Regional campaigns ------------------------------------------------------------------------------------
def regional_campaigns(user) -> QuerySet[RegionalCampaign]:
    """The campaigns of the regions whose region pages the user opens, with their counts."""
    return (
        scoping.filter_by_region(user, RegionalCampaign.objects.all())
        .annotate(
            expected=Count("requests", distinct=True),
            submitted=Count("requests", filter=Q(requests__first_submitted_at__isnull=False), distinct=True),
            accepted=Count("requests", filter=Q(requests__status=AssignmentStatus.ACCEPTED), distinct=True),
        )
        .select_related("region", "created_by")
        .order_by("-deadline", "-pk")
    )


def regional_campaign_detail(user, pk: int) -> RegionalCampaign:
    return scoping.get_scoped_or_404(regional_campaigns(user), pk=pk)


def campaign_requests(campaign: RegionalCampaign) -> list[RegionalRequest]:
    """Every municipality's request of the campaign (the campaign was found through the user's scope)."""
    return list(
        campaign.requests.select_related("municipality", "campaign", "build", "submitted_by", "reviewed_by").order_by(
            "municipality__name"
        )
    )


def requests_visible(user) -> QuerySet[RegionalRequest]:
    """A municipality's monitoring runners see their municipality's requests; the region's users
    every request of the region."""
    qs = RegionalRequest.objects.all()
    return scoping.filter_by_monitoring(user, qs, "municipality") | scoping.filter_by_region(
        user, qs, "campaign__region"
    )


def request_detail(user, pk: int) -> RegionalRequest:
    qs = requests_visible(user).select_related(
        "campaign__region", "municipality", "build", "submitted_by", "reviewed_by"
    )
    return scoping.get_scoped_or_404(qs, pk=pk)


def my_regional_requests(user) -> QuerySet[RegionalRequest]:
    """What the user's municipality owes its region (open campaigns), for the annual report page."""
    return (
        scoping.filter_by_monitoring(user, RegionalRequest.objects.all(), "municipality")
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .select_related("campaign", "municipality", "build")
        .order_by("-campaign__deadline", "municipality__name")
    )


def submittable_builds(request: RegionalRequest) -> QuerySet[AnnualReportBuild]:
    """The municipality's finished reports for the campaign's period, the newest first."""
    campaign = request.campaign
    return AnnualReportBuild.objects.filter(
        municipality_id=request.municipality_id,
        year=campaign.year,
        status=BuildStatus.DONE,
        parameters__academic=campaign.academic,
    ).order_by("-finished_at", "-pk")
