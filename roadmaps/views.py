from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import scoping, uploads
from accounts.models import OrganizationKind
from accounts.plurals import count_noun
from accounts.redirects import redirect_next, safe_next
from roadmaps import exporters, selectors, services, upload
from roadmaps.filters import MatrixFilter, RecordFilter, RoadmapFilter
from roadmaps.forms import (
    ActivityForm,
    DeriveForm,
    DueDatesForm,
    IndicatorForm,
    RecordForm,
    RoadmapUploadForm,
    StatusForm,
)
from roadmaps.importers import RoadmapImportError
from roadmaps.models import Activity, ExecutionState, Indicator, RoadmapLevel

PAGE_SIZE = 25
MATRIX_PAGE_SIZE = 50


def _validation_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def roadmap_list(request):
    filterset = RoadmapFilter(request.GET, queryset=selectors.roadmap_list(request.user), user=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_upload = (
        scoping.editable_municipalities(request.user).exists() or scoping.editable_organizations(request.user).exists()
    )
    return render(request, "roadmaps/roadmap_list.html", {"filter": filterset, "page": page, "can_upload": can_upload})


@login_required
def roadmap_detail(request, pk: int):
    roadmap = selectors.roadmap_detail(request.user, pk)
    activities = selectors.roadmap_activities(roadmap, request.user)
    sections: list[dict] = []
    for activity in activities:
        if not sections or sections[-1]["section"] != activity.section:
            sections.append({"section": activity.section, "activities": []})
        sections[-1]["activities"].append(activity)
    # the schools' roadmaps are shown as links named by their school: only those two columns are read
    children = list(
        selectors.roadmaps_visible(request.user)
        .filter(parent=roadmap)
        .select_related("organization")
        .only("pk", "organization__short_name")
    )
    return render(
        request,
        "roadmaps/roadmap_detail.html",
        {
            "roadmap": roadmap,
            "sections": sections,
            "activity_count": len(activities),
            "attention_count": sum(1 for a in activities if a.needs_attention),
            "children": children,
            "can_edit": selectors.can_edit_roadmap(request.user, roadmap),
            "can_derive": roadmap.level == RoadmapLevel.MUNICIPAL
            and scoping.can_edit_municipality(request.user, roadmap.municipality_id),
            "indicators": selectors.indicator_rows(roadmap),
            "status_form": StatusForm(
                initial={
                    "status": roadmap.status,
                    "order_number": roadmap.order_number,
                    "order_date": roadmap.order_date,
                }
            ),
            "can_approve": selectors.can_approve_roadmap(request.user, roadmap),
        },
    )


@login_required
def roadmap_timeline(request, pk: int):
    roadmap = selectors.roadmap_detail(request.user, pk)
    return render(
        request,
        "roadmaps/roadmap_timeline.html",
        {
            "roadmap": roadmap,
            "months": selectors.roadmap_timeline(request.user, roadmap),
        },
    )


def _matrix_rows(request, roadmap, *, with_stats: bool = False):
    """The organizations of the matrix as filtered and sorted by the GET form, with their rates.

    The rates of every organization (one grouped query over all the municipality's records) are
    read only when something needs them: a state filter, a sort by a rate, or the export (its
    columns). Sorted by name, the page reads the records of its own 50 organizations only."""
    if roadmap.level != RoadmapLevel.MUNICIPAL:
        raise Http404("Матрица исполнения строится по муниципальной дорожной карте.")
    filterset = MatrixFilter(request.GET, queryset=selectors.matrix_organizations(request.user, roadmap))
    organizations = list(filterset.qs)
    state, sort = filterset.choice("state"), filterset.choice("sort") or "name"
    stats = (
        selectors.matrix_stats(request.user, roadmap, [o.pk for o in organizations])
        if with_stats or state or sort not in ("name", "-name")
        else {}
    )
    ordered = selectors.matrix_order(organizations, stats, state=state, sort=sort)
    return filterset, ordered, stats


@login_required
def roadmap_matrix(request, pk: int):
    roadmap = selectors.roadmap_detail(request.user, pk)
    filterset, organizations, _stats = _matrix_rows(request, roadmap)
    page = Paginator(organizations, MATRIX_PAGE_SIZE).get_page(request.GET.get("page"))
    matrix = selectors.roadmap_matrix(request.user, roadmap, list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "roadmaps/roadmap_matrix.html",
        {
            "roadmap": roadmap,
            "matrix": matrix,
            "page": page,
            "filter": filterset,
            "states": ExecutionState,
            "activity_columns": list(zip(matrix.activities, matrix.activity_rates, strict=True)),
            "query": query.urlencode(),
            "can_remind": scoping.can_edit_municipality(request.user, roadmap.municipality_id),
        },
    )


@login_required
def roadmap_matrix_export(request, pk: int):
    """The matrix as filtered and sorted on the page, every organization of it (not one page), .xlsx."""
    roadmap = selectors.roadmap_detail(request.user, pk)
    _filterset, organizations, stats = _matrix_rows(request, roadmap, with_stats=True)
    matrix = selectors.roadmap_matrix(request.user, roadmap, organizations)
    response = HttpResponse(exporters.export_matrix_xlsx(roadmap, matrix, stats), content_type=exporters.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="matrix-{roadmap.pk}-{matrix.today:%Y%m%d}.xlsx"'
    return response


@login_required
@require_POST
def roadmap_matrix_remind(request, pk: int):
    roadmap = selectors.roadmap_detail(request.user, pk)
    try:
        result = services.matrix_remind_laggards(user=request.user, roadmap=roadmap)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("roadmaps:matrix", pk=roadmap.pk)
    for text in selectors.laggard_messages(result):
        messages.info(request, text)
    return redirect("roadmaps:matrix", pk=roadmap.pk)


@login_required
def roadmap_export(request, pk: int, fmt: str):
    roadmap = selectors.roadmap_detail(request.user, pk)
    if fmt == "xlsx":
        content, content_type = exporters.export_xlsx(roadmap), exporters.XLSX_TYPE
    elif fmt == "docx":
        content, content_type = exporters.export_docx(roadmap), exporters.DOCX_TYPE
    else:
        raise Http404("Неизвестный формат.")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="roadmap-{roadmap.pk}.{fmt}"'
    return response


@login_required
def roadmap_source(request, pk: int):
    roadmap = selectors.roadmap_detail(request.user, pk)
    return uploads.serve_file(roadmap.source_file)


@login_required
def roadmap_derive(request, pk: int):
    roadmap = selectors.roadmap_detail(request.user, pk)
    if roadmap.level != RoadmapLevel.MUNICIPAL or not scoping.can_edit_municipality(
        request.user, roadmap.municipality_id
    ):
        raise PermissionDenied("Дорожные карты ОО создаёт муниципальный координатор.")
    form = DeriveForm(request.POST or None, roadmap=roadmap, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.roadmap_derive_school(
                roadmap=roadmap,
                organizations=form.cleaned_data["organizations"],
                user=request.user,
                period_start=form.cleaned_data["period_start"],
            )
        except ValidationError as exc:
            form.add_error(None, _validation_text(exc))
        else:
            messages.success(request, f"Создано дорожных карт ОО: {len(created)}.")
            return redirect("roadmaps:detail", pk=roadmap.pk)
    existing = set(roadmap.children.values_list("organization_id", flat=True))
    kinds = sorted(set(form.fields["organizations"].queryset.values_list("kind", flat=True)))
    labels = dict(OrganizationKind.choices)
    return render(
        request,
        "roadmaps/roadmap_derive.html",
        {
            "roadmap": roadmap,
            "form": form,
            "existing": existing,
            "existing_text": count_noun(len(existing), "организация"),
            "kinds": [(k, labels.get(k, k)) for k in kinds],
        },
    )


@login_required
@require_POST
def roadmap_status(request, pk: int):
    roadmap = selectors.roadmap_detail(request.user, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        services.roadmap_set_status(roadmap=roadmap, user=request.user, **form.cleaned_data)
        messages.success(request, f"Статус: {roadmap.get_status_display()}.")
    else:
        messages.error(request, "Проверьте дату приказа (дд.мм.гггг).")
    return redirect("roadmaps:detail", pk=roadmap.pk)


def _import_preview(request, staged, form=None):
    context = upload.preview_context(
        staged,
        form=form,
        correct_url=reverse("roadmaps:import_preview"),
        confirm_url=reverse("roadmaps:import_confirm"),
    )
    return render(request, "roadmaps/import_preview.html", context)


@login_required
def roadmap_import(request):
    form = RoadmapUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["municipality"].queryset.exists():
        raise PermissionDenied("Загружать дорожные карты могут координаторы и кураторы ОО.")
    if request.method == "POST" and form.is_valid():
        try:
            staged = upload.stage(
                request,
                upload=form.cleaned_data["file"],
                municipality=form.cleaned_data["municipality"],
                organization=form.cleaned_data["organization"],
                is_template=form.cleaned_data["is_template"],
            )
        except RoadmapImportError as exc:
            form.add_error("file", str(exc))
        else:
            return _import_preview(request, staged)
    return render(request, "roadmaps/import_form.html", {"form": form})


@login_required
def roadmap_import_preview(request):
    """The staged upload again: GET shows it, POST applies the person's corrections and shows it read anew."""
    token = request.POST.get("token") or request.GET.get("token") or ""
    try:
        staged = upload.preview(request, token)
        if request.method != "POST":
            return _import_preview(request, staged)
        form = upload.correction_form(staged, data=request.POST)
        if form.is_valid():
            staged = upload.correct(request, token, upload.corrections_from(form))
            messages.success(request, "Исправления учтены: проверьте, что получилось.")
            return _import_preview(request, staged)
    except RoadmapImportError as exc:
        messages.error(request, str(exc))
        return redirect("roadmaps:import")
    messages.error(request, "Исправления не приняты: проверьте поля, отмеченные красным.")
    return _import_preview(request, staged, form)


@login_required
@require_POST
def roadmap_import_confirm(request):
    token = request.POST.get("token", "")
    if "cancel" in request.POST:
        upload.discard(request, token)
        messages.info(request, "Загрузка отменена.")
        return redirect("roadmaps:import")
    try:
        roadmap = upload.confirm(request, token, replaces=upload.replaces_choice(request.POST))
    except RoadmapImportError as exc:
        messages.error(request, str(exc))
        if upload.is_pending(request, token):
            return redirect(f"{reverse('roadmaps:import_preview')}?token={token}")
        return redirect("roadmaps:import")
    except ValidationError as exc:
        messages.error(request, "Дорожная карта не загружена: " + _validation_text(exc))
        if upload.is_pending(request, token):
            return redirect(f"{reverse('roadmaps:import_preview')}?token={token}")
        return redirect("roadmaps:import")
    messages.success(
        request,
        f"Дорожная карта загружена: разделов {roadmap.sections.count()}, мероприятий {roadmap.activities.count()}."
        + (f" Прежняя редакция «{roadmap.replaces.short_title}» перенесена в архив." if roadmap.replaces_id else ""),
    )
    return redirect("roadmaps:detail", pk=roadmap.pk)


@login_required
def attention_list(request):
    activities = selectors.needs_attention(request.user)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    editable = set(
        selectors.roadmaps_editable(request.user)
        .filter(pk__in={a.roadmap_id for a in page.object_list})
        .values_list("pk", flat=True)
    )
    return render(request, "roadmaps/attention_list.html", {"page": page, "editable": editable, "form": DueDatesForm()})


def _activity_for_edit(request, pk: int) -> Activity:
    activity = scoping.get_scoped_or_404(
        Activity.objects.filter(roadmap__in=selectors.roadmaps_visible(request.user)).select_related(
            "roadmap__municipality", "roadmap__organization", "section"
        ),
        pk=pk,
    )
    if not selectors.can_edit_roadmap(request.user, activity.roadmap):
        raise PermissionDenied("Нет права изменять эту дорожную карту.")
    return activity


@login_required
def activity_dates(request, pk: int):
    activity = _activity_for_edit(request, pk)
    form = DueDatesForm(
        request.POST or None,
        initial={"dates": ", ".join(d.date.strftime("%d.%m.%Y") for d in activity.due_dates.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_set_due_dates(activity=activity, user=request.user, dates=form.cleaned_data["dates"])
        except ValidationError as exc:
            form.add_error("dates", _validation_text(exc))
        else:
            messages.success(request, f"Сроки мероприятия {activity.number} сохранены.")
            return redirect_next(request, "roadmaps:detail", activity.roadmap_id)
    return render(
        request, "roadmaps/activity_form.html", {"activity": activity, "form": form, "title": "Сроки вручную"}
    )


@login_required
def activity_edit(request, pk: int):
    activity = _activity_for_edit(request, pk)
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity.refresh_from_db()
        services.activity_update(activity=activity, user=request.user, **data)
        messages.success(request, f"Мероприятие {activity.number} сохранено.")
        return redirect("roadmaps:detail", pk=activity.roadmap_id)
    return render(
        request, "roadmaps/activity_form.html", {"activity": activity, "form": form, "title": "Изменить мероприятие"}
    )


@login_required
def task_list(request):
    filterset = RecordFilter(request.GET, queryset=selectors.my_tasks(request.user), user=request.user)
    # two steps: the page's ids sorted with only the joins the order needs, then those 25 rows with
    # everything they show (sorting thousands of fully joined records cost 75 ms in a regional centre)
    page = Paginator(filterset.qs.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    by_id = selectors.my_tasks(request.user).in_bulk(list(page.object_list))
    page.object_list = [by_id[pk] for pk in page.object_list if pk in by_id]
    today_by_municipality = {m.pk: m for m in filterset.municipalities}
    from roadmaps.models import local_today

    todays = {pk: local_today(m) for pk, m in today_by_municipality.items()}
    rows = [
        (record, record.state(todays.get(record.municipality_id) or local_today(record.municipality)))
        for record in page.object_list
    ]
    return render(request, "roadmaps/task_list.html", {"filter": filterset, "page": page, "rows": rows})


@login_required
def record_edit(request, pk: int):
    record = selectors.record_detail(request.user, pk)
    can_edit = selectors.can_edit_record(request.user, record)
    form = RecordForm(request.POST or None, request.FILES or None, instance=record)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Нет права отмечать исполнение этого мероприятия.")
        if form.is_valid():
            data = form.cleaned_data
            upload_file = request.FILES.get("evidence_file")
            record.refresh_from_db()
            try:
                services.record_update(
                    record=record,
                    user=request.user,
                    status=data["status"],
                    completed_on=data["completed_on"],
                    evidence_file=upload_file,
                    evidence_url=data["evidence_url"],
                    document_number=data["document_number"],
                    document_date=data["document_date"],
                    comment=data["comment"],
                )
            except ValidationError as exc:
                form.add_error(None, _validation_text(exc))
            else:
                messages.success(request, "Отметка сохранена.")
                return redirect_next(request, "roadmaps:tasks")
    return render(
        request,
        "roadmaps/record_form.html",
        {
            "record": record,
            "form": form,
            "can_edit": can_edit,
            "state": record.state_for_municipality(),
            "next": safe_next(request, "roadmaps:tasks"),
        },
    )


@login_required
def record_history(request, pk: int):
    record = selectors.record_detail(request.user, pk)
    history = record.history.select_related("history_user").order_by("-history_date")
    return render(request, "roadmaps/record_history.html", {"record": record, "history": history})


@login_required
def record_evidence(request, pk: int):
    """Evidence files are served here, after the scope check, never from MEDIA_URL."""
    record = selectors.record_detail(request.user, pk)
    return uploads.serve_file(record.evidence_file)


@login_required
def indicator_edit(request, pk: int):
    indicator = scoping.get_scoped_or_404(
        Indicator.objects.filter(activity__roadmap__in=selectors.roadmaps_visible(request.user)).select_related(
            "activity__roadmap"
        ),
        pk=pk,
    )
    if not selectors.can_edit_roadmap(request.user, indicator.activity.roadmap):
        raise PermissionDenied("Нет права изменять показатели этой дорожной карты.")
    form = IndicatorForm(request.POST or None, instance=indicator)
    if request.method == "POST" and form.is_valid():
        services.indicator_set_actual(
            indicator=indicator,
            user=request.user,
            actual=form.cleaned_data["actual_manual"],
            evidence=form.cleaned_data["evidence"],
            metric=form.cleaned_data["metric"],
        )
        messages.success(request, "Показатель сохранён.")
        return redirect("roadmaps:detail", pk=indicator.activity.roadmap_id)
    return render(request, "roadmaps/indicator_form.html", {"indicator": indicator, "form": form})
