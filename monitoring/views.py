from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import scoping
from accounts.history import history_rows
from accounts.uploads import serve_file
from monitoring import selectors, services, stats
from monitoring.forms import BuildForm, CampaignForm, PeriodFilterForm, ReportForm, ResponseForm, ReturnForm
from monitoring.models import AssignmentStatus, BuildStatus, CampaignStatus, Metric, Questionnaire
from monitoring.reports.regional import build_regional_xlsx

PAGE_SIZE = 25
#: submitted reports listed on the campaign list (the oldest first); «и ещё…» leads to the campaigns
REVIEW_SHOWN = 25

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _place_errors(form, exc: ValidationError) -> dict[str, str]:
    """Put each reason at its form field; the rest (computed figures) are returned by field name."""
    rest: dict[str, str] = {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return rest
    for name, errors in exc.message_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        else:
            rest[name] = " ".join(errors)
    return rest


def _require_monitoring(user) -> None:
    if not scoping.scope_for(user).runs_monitoring:
        raise PermissionDenied("Раздел доступен методисту и муниципальному координатору.")


def _period(request) -> tuple[PeriodFilterForm, int, str]:
    form = PeriodFilterForm(request.GET or None)
    year, kind = scoping.user_today(request.user).year, ""
    if form.is_valid():
        year = form.cleaned_data.get("year") or year
        kind = form.cleaned_data.get("kind") or ""
    return form, year, kind


# Campaigns -------------------------------------------------------------------------------------------
@login_required
def campaign_list(request):
    page = selectors.campaign_page(request.user, request.GET.get("page"), per_page=PAGE_SIZE)
    can_create = scoping.scope_for(request.user).runs_monitoring
    return render(
        request,
        "monitoring/campaign_list.html",
        {
            "campaigns": page.object_list,
            "page": page,
            "can_create": can_create,
            "my_assignments": list(selectors.my_assignments(request.user)[:50]),
            # the oldest 25 submissions first; the rest wait on their campaigns' pages
            "to_review": list(selectors.assignments_to_review(request.user)[: REVIEW_SHOWN + 1]) if can_create else [],
            "review_shown": REVIEW_SHOWN,
        },
    )


@login_required
def campaign_create(request):
    _require_monitoring(request.user)
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                user=request.user,
                municipality=data["municipality"],
                kind=data["kind"],
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                deadline=data["deadline"],
                organizations=data["organizations"] or None,
                questionnaires=data["questionnaires"] or None,
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, "Кампания создана. Проверьте охват и откройте сбор.")
            return redirect("monitoring:campaign_detail", campaign.pk)
    return render(request, "monitoring/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, pk: int):
    campaign = selectors.campaign_detail(request.user, pk)
    # 50 organizations a page: the campaign's 240 rows of a regional centre were the page's cost
    page = selectors.campaign_assignment_page(request.user, campaign, request.GET.get("page"))
    return render(
        request,
        "monitoring/campaign_detail.html",
        {
            "campaign": campaign,
            "assignments": page.object_list,
            "page": page,
            "can_run": selectors.can_run(request.user, campaign),
            "covered": campaign.organizations.count(),
            "statuses": AssignmentStatus,
        },
    )


@login_required
@require_POST
def campaign_open(request, pk: int):
    campaign = selectors.campaign_detail(request.user, pk)
    created = services.campaign_open(user=request.user, campaign=campaign)
    messages.success(request, f"Сбор открыт: заданий организациям — {created}.")
    return redirect("monitoring:campaign_detail", pk)


@login_required
@require_POST
def campaign_close(request, pk: int):
    campaign = selectors.campaign_detail(request.user, pk)
    services.campaign_close(user=request.user, campaign=campaign)
    messages.success(request, "Сбор завершён.")
    return redirect("monitoring:campaign_detail", pk)


# Assignments and reports -----------------------------------------------------------------------------
@login_required
def assignment_detail(request, pk: int):
    assignment = selectors.assignment_detail(request.user, pk)
    campaign = assignment.campaign
    can_fill = selectors.can_fill(request.user, assignment) and campaign.status == CampaignStatus.OPEN
    editable = can_fill and not assignment.is_locked
    report = getattr(assignment, "report", None) if campaign.is_report else None
    form = None
    figure_errors: dict[str, str] = {}
    if report is not None:
        if editable and request.method == "GET":
            services.report_refresh(report=report)
        form = ReportForm(request.POST or None, instance=report) if editable else None
        if request.method == "POST":
            if not editable:
                raise PermissionDenied("Отчёт нельзя изменить.")
            if form.is_valid():
                try:
                    services.report_update(user=request.user, report=report, data=form.cleaned_data)
                except ValidationError as exc:
                    messages.error(request, _errors(exc))
                else:
                    if "submit" not in request.POST:
                        messages.success(request, "Черновик сохранён.")
                        return redirect("monitoring:assignment_detail", pk)
                    try:
                        services.assignment_submit(user=request.user, assignment=assignment)
                    except ValidationError as exc:
                        # the reasons go next to their fields; the draft itself is saved
                        figure_errors = _place_errors(form, exc)
                        messages.warning(request, "Черновик сохранён, но сдать справку пока нельзя: см. замечания.")
                    else:
                        messages.success(request, "Справка сдана на проверку.")
                        return redirect("monitoring:assignment_detail", pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "monitoring/assignment_detail.html",
        {
            "assignment": assignment,
            "campaign": campaign,
            "report": report,
            "form": form,
            "figure_errors": figure_errors,
            "responses": selectors.responses_for(assignment) if campaign.is_questionnaire else [],
            "can_fill": can_fill,
            "editable": editable,
            "can_review": selectors.can_review(request.user, assignment)
            and assignment.status == AssignmentStatus.SUBMITTED,
            "return_form": ReturnForm(),
            "statuses": AssignmentStatus,
            "history": history_rows(assignment),
            "report_history": history_rows(report) if report is not None else [],
        },
    )


@login_required
@require_POST
def assignment_submit(request, pk: int):
    assignment = selectors.assignment_detail(request.user, pk)
    try:
        services.assignment_submit(user=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "Сдано на проверку.")
    return redirect("monitoring:assignment_detail", pk)


@login_required
@require_POST
def assignment_accept(request, pk: int):
    assignment = selectors.assignment_detail(request.user, pk)
    try:
        services.assignment_accept(user=request.user, assignment=assignment)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"Отчёт {assignment.organization} принят.")
    return redirect("monitoring:campaign_detail", assignment.campaign_id)


@login_required
@require_POST
def assignment_return(request, pk: int):
    assignment = selectors.assignment_detail(request.user, pk)
    form = ReturnForm(request.POST)
    try:
        services.assignment_return(user=request.user, assignment=assignment, comment=form.data.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("monitoring:assignment_detail", pk)
    messages.success(request, f"Отчёт {assignment.organization} возвращён на доработку.")
    return redirect("monitoring:campaign_detail", assignment.campaign_id)


@login_required
def response_fill(request, pk: int):
    response = selectors.response_detail(request.user, pk)
    assignment = response.assignment
    editable = (
        selectors.can_fill(request.user, assignment)
        and not assignment.is_locked
        and assignment.campaign.status == CampaignStatus.OPEN
    )
    questions = list(response.questionnaire.questions.all())
    initial = {}
    for a in response.answers.all():
        initial[a.question_id] = a.scale if a.scale is not None else (a.choices if a.choices else a.text)
        if a.choices and len(a.choices) == 1:
            initial[a.question_id] = (
                a.choices if any(q.pk == a.question_id and q.kind == "multiple" for q in questions) else a.choices[0]
            )
    form = ResponseForm(request.POST or None, questions=questions, initial_answers=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Анкету нельзя изменить.")
        if form.is_valid():
            try:
                services.response_fill(user=request.user, response=response, data=form.answers())
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, f"Анкета «{response.person.short_name}» сохранена.")
                return redirect("monitoring:assignment_detail", assignment.pk)
    return render(
        request,
        "monitoring/response_form.html",
        {"response": response, "form": form, "editable": editable, "assignment": assignment},
    )


# Dashboards ------------------------------------------------------------------------------------------
@login_required
def dashboard(request):
    if scoping.scope_for(request.user).region_wide:
        # the region's dashboard is the region page (municipalities as rows, stored aggregates),
        # not the charts of every organization of the region
        messages.info(request, "Сводка по региону — на странице региона: муниципалитеты строками.")
        return redirect("monitoring:region_list")
    form, year, kind = _period(request)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    orgs_qs = scoping.visible_organizations(request.user).filter(is_active=True).order_by("short_name")
    if kind:
        orgs_qs = orgs_qs.filter(kind=kind)
    organizations = list(orgs_qs)
    ids = [o.pk for o in organizations]
    # the grouped queries take the organizations as a subquery, not 240 literals (see metric_values)
    source = orgs_qs.order_by().values("pk")
    figures, freshness = stats.organization_figures(organizations, year)
    campaigns = list(
        selectors.with_rates(
            selectors.campaigns_visible(request.user)
            .filter(deadline__range=(start, end))
            .exclude(status=CampaignStatus.DRAFT)
        ).order_by("deadline", "pk")
    )
    dynamics = selectors.growth_dynamics(source, dt.date(year - 1, 9, 1), end)
    names = [o.short_name for o in organizations]
    charts = {
        "coverage": {
            "labels": names,
            "mentors": [figures[i].mentors for i in ids],
            "mentees": [figures[i].mentees for i in ids],
            "young_share": [figures[i].young_share or 0 for i in ids],
        },
        "forms": dict(selectors.pairs_by_form_total(figures)),
        "roadmap": {
            "labels": names,
            "on_time": [figures[i].roadmap_on_time for i in ids],
            "late": [figures[i].roadmap_done - figures[i].roadmap_on_time for i in ids],
            "overdue": [figures[i].roadmap_overdue for i in ids],
        },
        "dynamics": {
            "labels": [d.dimension for d in dynamics],
            "entry": [d.entry for d in dynamics],
            "final": [d.final for d in dynamics],
        },
        "reporting": {
            "labels": [c.title for c in campaigns],
            "submitted": [round(100 * c.submitted / c.expected) if c.expected else 0 for c in campaigns],
            "on_time": [round(100 * c.on_time / c.expected) if c.expected else 0 for c in campaigns],
        },
    }
    totals = {
        name: sum(getattr(f, name) for f in figures.values())
        for name in ("mentors", "mentees", "pairs", "programs", "young_total", "young_covered", "meetings")
    }
    totals["young_share"] = selectors._share(totals["young_covered"], totals["young_total"])
    page = Paginator(organizations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "filter_form": form,
            "year": year,
            "charts": charts,
            "totals": totals,
            "campaigns": campaigns,
            "rows": [(o, figures[o.pk]) for o in page.object_list],
            "page": page,
            "dynamics": dynamics,
            "freshness": freshness,
        },
    )


@login_required
def ranking(request):
    _require_monitoring(request.user)
    form, year, kind = _period(request)
    municipalities = list(scoping.monitoring_municipalities(request.user))
    municipality_id = request.GET.get("municipality")
    municipality = next(
        (m for m in municipalities if str(m.pk) == municipality_id), municipalities[0] if municipalities else None
    )
    if municipality is None:
        raise Http404
    if request.method == "POST":
        services.criteria_ensure_defaults(user=request.user, municipality=municipality)
        messages.success(request, "Заданы критерии по умолчанию; веса можно изменить в администрировании.")
        return redirect(reverse("monitoring:ranking") + f"?municipality={municipality.pk}&year={year}")
    orgs = municipality.organizations.filter(is_active=True).order_by("short_name")
    if kind:
        orgs = orgs.filter(kind=kind)
    criteria = selectors.criteria_for(municipality.pk)
    organizations = list(orgs)
    figures, freshness = stats.organization_figures(organizations, year) if criteria else ({}, None)
    rows = (
        selectors.ranking(
            organizations,
            criteria,
            dt.date(year, 1, 1),
            dt.date(year, 12, 31),
            source=orgs.order_by().values("pk"),
            figures=figures,
        )
        if criteria
        else []
    )
    municipal_score = round(sum(r.score for r in rows) / len(rows), 1) if rows else None
    # every school is scored (the places need them all), one page of them is shown: rendering the
    # 240 rows of a regional centre cost more than computing them
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page.object_list:
        # the cells in the criteria's order: the template looping over every value of every row
        # for every criterion took 300 ms for the 240 schools of a regional centre
        row.cells = [(row.values[c.metric], row.contributions[c.metric]) for c in criteria]
    labels = dict(Metric.choices)
    return render(
        request,
        "monitoring/ranking.html",
        {
            "filter_form": form,
            "year": year,
            "municipality": municipality,
            "municipalities": municipalities,
            "criteria": [(c, labels[c.metric]) for c in criteria],
            "rows": page.object_list,
            "page": page,
            "municipal_score": municipal_score,
            "freshness": freshness,
        },
    )


# Annual report ---------------------------------------------------------------------------------------
@login_required
def report_list(request):
    _require_monitoring(request.user)
    form = BuildForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        build = services.build_request(
            user=request.user,
            municipality=form.cleaned_data["municipality"],
            year=form.cleaned_data["year"],
            academic=form.cleaned_data.get("period") == "academic",
        )
        return redirect("monitoring:build_detail", build.pk)
    from monitoring.region_selectors import my_regional_requests

    builds = list(selectors.builds_visible(request.user).select_related("municipality", "region", "author")[:50])
    return render(
        request,
        "monitoring/report_list.html",
        {"form": form, "builds": builds, "regional_requests": list(my_regional_requests(request.user)[:20])},
    )


def _build_job_status(build):
    from jobs.selectors import job_for_key, job_status

    return job_status(job_for_key(services.build_job_key(build.pk)), stage=build.stage)


@login_required
def build_detail(request, pk: int):
    from monitoring.reports.annual import STAGES
    from monitoring.reports.data import Period

    build = selectors.build_detail(request.user, pk)
    period = Period(build.year, bool((build.parameters or {}).get("academic")))
    if build.region_id or not scoping.can_run_monitoring(request.user, build.municipality_id or 0):
        region_id = build.region_id or build.municipality.region_id  # type: ignore[union-attr]
        back = (reverse("monitoring:region_detail", args=[region_id]) + f"?year={build.year}", "Регион")
    else:
        back = (reverse("monitoring:report_list"), "Годовой аналитический отчёт")
    return render(
        request,
        "monitoring/build_detail.html",
        {
            "build": build,
            "statuses": BuildStatus,
            "job_status": _build_job_status(build),
            "stages": STAGES,
            "preview": build.preview if build.status == BuildStatus.DONE else None,
            "period_label": period.label,
            "back": back,
        },
    )


@login_required
@require_POST
def build_retry(request, pk: int):
    build = selectors.build_detail(request.user, pk)
    if build.status != BuildStatus.FAILED:
        messages.info(request, "Отчёт не завершился ошибкой: повторять нечего.")
    else:
        services.build_retry(user=request.user, build=build)
        messages.success(request, "Отчёт снова поставлен в очередь.")
    return redirect("monitoring:build_detail", build.pk)


@login_required
def build_progress(request, pk: int):
    """Polled by the page; answers only users who may see this build (404 for everyone else)."""
    build = selectors.build_detail(request.user, pk)
    job_status = _build_job_status(build)
    return JsonResponse(
        {
            "status": build.status,
            "status_text": job_status.text if job_status else build.get_status_display(),
            "status_label": build.get_status_display(),
            "progress": build.progress,
            "stage": build.stage,
            "error": build.error if build.status == BuildStatus.FAILED else "",
            "downloads": {
                "xlsx": reverse("monitoring:build_download", args=[build.pk, "xlsx"]),
                "docx": reverse("monitoring:build_download", args=[build.pk, "docx"]),
            }
            if build.status == BuildStatus.DONE
            else None,
        }
    )


@login_required
def build_download(request, pk: int, fmt: str):
    build = selectors.build_detail(request.user, pk)
    if fmt not in ("xlsx", "docx") or build.status != BuildStatus.DONE:
        raise Http404
    name = f"Аналитический отчёт {build.place_name} {build.year}.{fmt}"
    return serve_file(getattr(build, fmt), download_name=name)


@login_required
def regional_export(request):
    _require_monitoring(request.user)
    _form, year, kind = _period(request)
    municipalities = scoping.monitoring_municipalities(request.user)
    content = build_regional_xlsx(
        list(municipalities.select_related("region").order_by("region__name", "name")),
        dt.date(year, 1, 1),
        dt.date(year, 12, 31),
        kind or None,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="regional-monitoring-{year}.xlsx"'
    return response


# Website check ---------------------------------------------------------------------------------------
def _website_job_status(run):
    from jobs.selectors import job_for_key, job_status

    return job_status(job_for_key(services.website_job_key(run.pk))) if run and not run.finished_at else None


@login_required
def website_checks(request):
    _require_monitoring(request.user)
    runs = selectors.website_runs_visible(request.user).select_related("municipality", "started_by")
    if request.method == "POST":
        municipality = scoping.get_scoped_or_404(
            scoping.monitoring_municipalities(request.user),
            pk=request.POST.get("municipality"),
        )
        services.website_check_request(user=request.user, municipality=municipality)
        messages.success(request, "Проверка сайтов запущена: результаты появятся на этой странице.")
        return redirect("monitoring:websites")
    run = runs.first()
    checks = list(run.checks.select_related("organization").order_by("organization__short_name")) if run else []
    municipalities = scoping.monitoring_municipalities(request.user)
    summary = (
        run.checks.aggregate(total=Count("pk"), ok=Count("pk", filter=Q(reachable=True, mentions_mentoring=True)))
        if run
        else None
    )
    return render(
        request,
        "monitoring/website_checks.html",
        {
            "run": run,
            "run_status": _website_job_status(run),
            "checks": checks,
            "municipalities": municipalities,
            "summary": summary,
        },
    )


@login_required
def questionnaire_preview(request, pk: int):
    questionnaire = scoping.get_scoped_or_404(Questionnaire.objects.filter(is_active=True), pk=pk)
    form = ResponseForm(questions=list(questionnaire.questions.all()))
    return render(request, "monitoring/questionnaire_preview.html", {"questionnaire": questionnaire, "form": form})
