"""The region level: municipalities as rows, their ranking and annual reports, drill-down to a
municipality's organizations. Read-only; every page asks `accounts.scoping` for the region."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import scoping
from accounts.history import history_rows
from accounts.models import Municipality, Region
from monitoring import region_selectors as selectors
from monitoring import selectors as monitoring_selectors
from monitoring import services
from monitoring import stats as region_stats
from monitoring.forms import PeriodFilterForm, RegionalCampaignForm, RegionalSubmitForm, RegionBuildForm, ReturnForm
from monitoring.models import AssignmentStatus, CampaignStatus

PAGE_SIZE = 50


def _year(request) -> tuple[PeriodFilterForm, int]:
    form = PeriodFilterForm(request.GET or None)
    year = scoping.user_today(request.user).year
    if form.is_valid():
        year = form.cleaned_data.get("year") or year
    return form, year


@login_required
def region_list(request):
    regions = list(scoping.visible_regions(request.user).order_by("name"))
    if not regions:
        raise PermissionDenied("Страницы региона доступны региональному координатору.")
    if len(regions) == 1:
        return redirect("monitoring:region_detail", pk=regions[0].pk)
    return render(request, "monitoring/region_list.html", {"regions": regions})


@login_required
def region_detail(request, pk: int):
    region = scoping.get_scoped_or_404(scoping.visible_regions(request.user), pk=pk)
    form, year = _year(request)
    rows = selectors.region_figures(region, year)
    sort = request.GET.get("sort", "rank")
    if sort == "name":
        rows.sort(key=lambda r: r.municipality.name)
    else:
        rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.municipality.name))
    return render(
        request,
        "monitoring/region_detail.html",
        {
            "region": region,
            "form": form,
            "year": year,
            "rows": rows,
            "total": selectors.region_totals(rows),
            "freshness": rows[0].freshness if rows else None,
            "criteria": selectors.MUNICIPALITY_CRITERIA,
            "report_states": selectors.report_states(rows),
            "sort": sort,
            "build_form": RegionBuildForm(initial={"year": year}, user=request.user),
            "region_builds": list(
                monitoring_selectors.builds_visible(request.user)
                .filter(region=region)
                .select_related("region", "author")[:10]
            ),
        },
    )


@login_required
@require_POST
def region_report_request(request, pk: int):
    """Order the region's annual report (built in the background; the page shows its progress)."""
    region = scoping.get_scoped_or_404(scoping.visible_regions(request.user), pk=pk)
    form = RegionBuildForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "Выберите год отчёта из списка.")
        return redirect("monitoring:region_detail", pk=region.pk)
    build = services.build_request(
        user=request.user,
        region=region,
        year=form.cleaned_data["year"],
        academic=form.cleaned_data.get("period") == "academic",
    )
    return redirect("monitoring:build_detail", build.pk)


@login_required
def region_municipality(request, pk: int):
    """A municipality seen from the region: its organizations with the same figures, paged."""
    try:
        municipality = Municipality.objects.select_related("region").get(pk=pk)
    except Municipality.DoesNotExist:
        raise Http404 from None
    if not scoping.can_view_region(request.user, municipality.region_id):
        raise Http404
    form, year = _year(request)
    organizations = scoping.visible_organizations(request.user).filter(municipality=municipality, is_active=True)
    page = Paginator(organizations.order_by("short_name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    # the stored aggregates of the page's organizations (monitoring.stats), as on the region page
    figures, freshness = region_stats.organization_rows(list(page.object_list), year)
    rows = [(organization, figures[organization.pk]) for organization in page.object_list]
    return render(
        request,
        "monitoring/region_municipality.html",
        {
            "municipality": municipality,
            "region": municipality.region,
            "form": form,
            "year": year,
            "page": page,
            "rows": rows,
            "freshness": freshness,
        },
    )


@login_required
def region_export(request, pk: int):
    """The region's figures, one row per organization of every municipality (.xlsx), for regional and
    federal monitoring: the same figures as the region page, so the region can sum them."""
    import datetime as dt

    from django.http import HttpResponse

    from monitoring.reports.regional import build_regional_xlsx

    region = scoping.get_scoped_or_404(scoping.visible_regions(request.user), pk=pk)
    _form, year = _year(request)
    municipalities = list(Municipality.objects.filter(region=region).select_related("region").order_by("name"))
    content = build_regional_xlsx(municipalities, dt.date(year, 1, 1), dt.date(year, 12, 31))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="region-{region.pk}-monitoring-{year}.xlsx"'
    return response


# Regional campaigns: the region asks every municipality for its annual report ------------------------
@login_required
def region_campaigns(request, pk: int):
    """The region's requests for the municipalities' annual reports; a new one is opened at once."""
    region = scoping.get_scoped_or_404(scoping.visible_regions(request.user), pk=pk)
    form = RegionalCampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.regional_campaign_create(
                user=request.user,
                region=region,
                title=data["title"],
                year=data["year"],
                deadline=data["deadline"],
                academic=data["period"] == "academic",
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Запрос направлен всем муниципалитетам региона.")
            return redirect("monitoring:region_campaign_detail", pk=campaign.pk)
    campaigns = list(selectors.regional_campaigns(request.user).filter(region=region)[:100])
    return render(request, "monitoring/region_campaigns.html", {"region": region, "form": form, "campaigns": campaigns})


@login_required
def region_campaign_detail(request, pk: int):
    campaign = selectors.regional_campaign_detail(request.user, pk)
    return render(
        request,
        "monitoring/region_campaign_detail.html",
        {"campaign": campaign, "region": campaign.region, "requests": selectors.campaign_requests(campaign)},
    )


@login_required
@require_POST
def region_campaign_close(request, pk: int):
    campaign = selectors.regional_campaign_detail(request.user, pk)
    services.regional_campaign_close(user=request.user, campaign=campaign)
    messages.success(request, "Сбор отчётов по запросу завершён.")
    return redirect("monitoring:region_campaign_detail", pk=campaign.pk)


def _request_page(request, item, *, submit_form=None, return_form=None, status=200):
    can_submit = scoping.can_run_monitoring(request.user, item.municipality_id)
    builds = selectors.submittable_builds(item) if can_submit else None
    return render(
        request,
        "monitoring/region_request_detail.html",
        {
            "item": item,
            "campaign": item.campaign,
            "can_submit": can_submit and not item.is_locked and item.campaign.status == CampaignStatus.OPEN,
            "can_review": scoping.can_view_region(request.user, item.campaign.region_id)
            and item.status == AssignmentStatus.SUBMITTED,
            "submit_form": submit_form
            or (RegionalSubmitForm(builds=builds, user=request.user) if builds is not None else None),
            "return_form": return_form or ReturnForm(),
            "history": history_rows(item),
        },
        status=status,
    )


@login_required
def region_request_detail(request, pk: int):
    """One municipality's answer to a regional campaign: the municipality submits, the region reviews."""
    return _request_page(request, selectors.request_detail(request.user, pk))


@login_required
@require_POST
def region_request_submit(request, pk: int):
    item = selectors.request_detail(request.user, pk)
    if not scoping.can_run_monitoring(request.user, item.municipality_id):
        raise PermissionDenied("Сдать отчёт региону может методист или муниципальный координатор.")
    form = RegionalSubmitForm(request.POST, builds=selectors.submittable_builds(item), user=request.user)
    if not form.is_valid():
        return _request_page(request, item, submit_form=form, status=400)
    try:
        services.regional_request_submit(user=request.user, request=item, build=form.cleaned_data["build"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Отчёт сдан региону на проверку.")
    return redirect("monitoring:region_request_detail", pk=item.pk)


@login_required
@require_POST
def region_request_accept(request, pk: int):
    item = selectors.request_detail(request.user, pk)
    try:
        services.regional_request_accept(user=request.user, request=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Отчёт {item.municipality.genitive} принят.")
    return redirect("monitoring:region_campaign_detail", pk=item.campaign_id)


@login_required
@require_POST
def region_request_return(request, pk: int):
    item = selectors.request_detail(request.user, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _request_page(request, item, return_form=form, status=400)
    try:
        services.regional_request_return(user=request.user, request=item, comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("monitoring:region_request_detail", pk=item.pk)
    messages.success(request, f"Отчёт {item.municipality.genitive} возвращён на доработку.")
    return redirect("monitoring:region_campaign_detail", pk=item.campaign_id)


__all__ = [
    "region_list",
    "region_detail",
    "region_municipality",
    "region_export",
    "region_report_request",
    "region_campaigns",
    "region_campaign_detail",
    "region_campaign_close",
    "region_request_detail",
    "region_request_submit",
    "region_request_accept",
    "region_request_return",
    "Region",
]
