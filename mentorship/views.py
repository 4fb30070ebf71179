"""Curator screens. Views stay short: scoping decides what is visible, services decide what is allowed.

Foreign records answer 404 (get_scoped_or_404); visible but read-only records answer 403 on any change.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import imports, scoping
from accounts.models import Municipality
from accounts.uploads import serve_file
from mentorship import forms, matching, selectors, services
from mentorship.exchange import TEMPLATE_BUILDERS, template_filename
from mentorship.filters import MenteeFilter, MentorFilter, PairFilter, PersonFilter, WaitingFilter
from mentorship.models import (
    Consent,
    DestructionAct,
    EventParticipant,
    ImportJob,
    ImportStatus,
    MentoringForm,
    PairParticipant,
    PairStatus,
    Person,
    PlanItem,
    PracticeFile,
    Program,
)

PAGE_SIZE = 25


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _page_by_ids(request, qs, rows=None):
    """A page of a long list in two steps: the page's ids with only what the order and filters need,
    then those 25 rows with their annotations and lists. Sorting the 3,000–5,000 people of a regional
    centre with every consent and load subquery computed took half of the page's time.

    `rows`: when `qs` is the bare list (no grouped annotations, which would make its count and its
    ids join every meeting of the municipality), the function that adds what a row shows."""
    page = Paginator(qs.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    chosen = qs.model._default_manager.filter(pk__in=ids) if rows is not None else qs.filter(pk__in=ids)
    by_id = {obj.pk: obj for obj in (rows(chosen) if rows is not None else chosen)} if ids else {}
    page.object_list = [by_id[pk] for pk in ids if pk in by_id]
    return page


#: what a region-wide user's municipality rows can show: (column, attribute of MunicipalityPeople)
REGION_COLUMNS = {
    "mentors": "Наставников",
    "mentees": "Наставляемых",
    "mentees_matched": "Наставляемых в парах",
    "waiting": "Ожидают пару",
    "pairs": "Действующих пар и групп",
}


def _region_rows(request, filterset, title: str, columns: tuple[str, ...], *, always: bool = False):
    """A region-wide user's list before any filter is set: the region's municipalities as rows with
    their counts from the stored per-organization figures (selectors.people_by_municipality), each
    linking to this list of that municipality; the filter form above searches the whole region.
    An alphabetical list of the region's 40,000 people (and its count) grew with the region and
    told a region nothing. None when the list itself is to be shown."""
    if not scoping.scope_for(request.user).region_wide or (not always and filterset.is_filtered):
        return None
    rows, freshness = selectors.people_by_municipality(request.user)
    table = [(row.municipality, [getattr(row, name) for name in columns]) for row in rows]
    totals = [sum(cells[i] for _m, cells in table) for i in range(len(columns))]
    return render(
        request,
        "mentorship/region_rows.html",
        {
            "title": title,
            "filter": filterset,
            "headers": [REGION_COLUMNS[name] for name in columns],
            "table": table,
            "totals": totals,
            "freshness": freshness,
        },
    )


def _require_edit(user, organization) -> None:
    if not scoping.can_edit_organization(user, organization):
        raise PermissionDenied("Только просмотр: изменять данные этой организации вы не можете.")


def _require_any_edit(user) -> None:
    if not scoping.editable_organizations(user).exists():
        raise PermissionDenied("У вас нет организаций, данные которых вы можете изменять.")


def _form_page(
    request, form, title: str, back: str, *, submit: str = "Сохранить", multipart: bool = False, intro: str = ""
):
    return render(
        request,
        "mentorship/form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "submit": submit,
            "multipart": multipart,
            "intro": intro,
        },
    )


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# Dashboard -------------------------------------------------------------------------------------
def _to_region_pages(request):
    """A regional user's summary is the region's pages (municipalities as rows, from the stored
    aggregates), not a dashboard listing every organization of the region."""
    messages.info(request, "Сводка по региону — на странице региона: муниципалитеты строками, организации — по ссылке.")
    return redirect("monitoring:region_list")


@login_required
def dashboard(request):
    if scoping.scope_for(request.user).region_wide:
        return _to_region_pages(request)
    data = selectors.dashboard(request.user, page=request.GET.get("page"))
    return render(
        request,
        "mentorship/dashboard.html",
        {
            "data": data,
            "page": data.page,
            "many": data.page is not None and data.page.paginator.count > 1,
            "can_edit": scoping.editable_organizations(request.user).exists(),
        },
    )


# People ----------------------------------------------------------------------------------------
@login_required
def person_list(request):
    filterset = PersonFilter(
        request.GET,
        # the list shows no subjects, competencies or deficits: none of them is read for its rows
        queryset=selectors.person_list(request.user).prefetch_related(None),
        user=request.user,
    )
    if rows := _region_rows(request, filterset, "Участники", ("mentors", "mentees", "waiting")):
        return rows
    return render(
        request,
        "mentorship/person_list.html",
        {
            "filter": filterset,
            "page": _page_by_ids(request, filterset.qs),
            "can_add": scoping.editable_organizations(request.user).exists(),
        },
    )


@login_required
def person_create(request):
    _require_any_edit(request.user)
    initial = {"is_mentor": request.GET.get("role") == "mentor", "is_mentee": request.GET.get("role") == "mentee"}
    form = forms.PersonForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_save(user=request.user, form=form)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                f"{person.full_name} добавлен(а)."
                + (
                    ""
                    if form.consent_changes.get("given_on")
                    else " Не забудьте внести согласие на обработку персональных данных."
                ),
            )
            return redirect(person)
    return _form_page(request, form, "Новый участник", reverse("mentorship:person_list"))


@login_required
def person_detail(request, pk: int):
    person = scoping.get_scoped_or_404(
        selectors.with_person_facts(selectors.people_visible(request.user))
        .select_related("organization__municipality")
        .prefetch_related("subjects", "competencies", "deficits"),
        pk=pk,
    )
    participations = (
        PairParticipant.objects.filter(person=person).select_related("pair__form").order_by("-pair__created_at")
    )
    return render(
        request,
        "mentorship/person_detail.html",
        {
            "person": person,
            "can_edit": scoping.can_edit_organization(request.user, person.organization),
            "show_personal": selectors.can_see_personal(request.user, person),
            "consents": person.consents.all(),
            "participations": participations,
            "history": selectors.history_rows(person),
            "waiting_days": selectors.waiting_days(person) if person.is_mentee and not person.matched else None,
        },
    )


def _bank_card_or_404(request, pk: int) -> Person:
    """A bank mentor of another school: name, organization and competencies only."""
    return scoping.get_scoped_or_404(selectors.mentor_bank(request.user), pk=pk)


@login_required
def mentor_card(request, pk: int):
    person = _bank_card_or_404(request, pk)
    if selectors.can_see_full_card(request.user, person):
        return redirect(person)
    return render(request, "mentorship/mentor_card.html", {"person": person})


@login_required
def person_edit(request, pk: int):
    person = scoping.get_scoped_or_404(selectors.people_visible(request.user), pk=pk)
    _require_edit(request.user, person.organization)
    form = forms.PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_save(user=request.user, form=form)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            person.refresh_from_db()
            if person.is_anonymized:
                messages.warning(
                    request,
                    "Согласие отозвано: персональные данные обезличены, составлен акт об уничтожении, "
                    "учётная запись участника закрыта.",
                )
            elif form.consent_changes.get("withdrawn_on"):
                messages.warning(request, "Согласие отозвано: пары с этим участником нельзя запустить.")
            else:
                messages.success(request, "Изменения сохранены.")
            return redirect(person)
    return _form_page(request, form, f"Изменить: {person.full_name}", person.get_absolute_url())


@login_required
def consent_create(request, pk: int):
    person = scoping.get_scoped_or_404(selectors.people_visible(request.user).select_related("organization"), pk=pk)
    _require_edit(request.user, person.organization)
    form = forms.ConsentForm(request.POST or None, request.FILES or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.consent_add(
            user=request.user,
            person=person,
            given_on=data["given_on"],
            purpose=data["purpose"],
            representative_name=data["representative_name"],
            scan=data.get("scan"),
        )
        messages.success(request, "Согласие внесено.")
        return redirect(person)
    return _form_page(
        request,
        form,
        f"Согласие на обработку персональных данных: {person.full_name}",
        person.get_absolute_url(),
        multipart=True,
    )


def _consent_or_404(request, pk: int) -> Consent:
    qs = scoping.filter_by_organization(
        request.user, Consent.objects.select_related("person__organization"), "person__organization"
    )
    return scoping.get_scoped_or_404(qs, pk=pk)


@login_required
@require_POST
def consent_withdraw(request, pk: int):
    consent = _consent_or_404(request, pk)
    _require_edit(request.user, consent.person.organization)
    try:
        services.consent_withdraw(user=request.user, consent=consent)
        consent.person.refresh_from_db()
        if consent.person.is_anonymized:
            messages.warning(
                request, "Согласие отозвано: персональные данные обезличены, составлен акт об уничтожении."
            )
        else:
            messages.warning(request, "Согласие отозвано: пары с этим участником нельзя запустить.")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(consent.person)


@login_required
def consent_scan(request, pk: int):
    consent = _consent_or_404(request, pk)
    # the scan is the person's own document: only their organization (and its coordinators) may open it
    if not consent.scan or not scoping.can_edit_organization(request.user, consent.person.organization):
        raise PermissionDenied("Скан согласия доступен только куратору организации.")
    return serve_file(consent.scan)


@login_required
def consent_missing(request):
    """People without a valid consent, by organization: the curator's to-do list under 152-ФЗ."""
    from mentorship.privacy import people_without_valid_consent

    people = (
        people_without_valid_consent(selectors.people_visible(request.user))
        .select_related("organization")
        .order_by("organization__short_name", "last_name", "first_name")
    )
    page = _page(request, people)
    # «Внести согласие» only where the user may write (a head of school reads, the curator writes)
    editable = set(scoping.editable_organizations(request.user).values_list("pk", flat=True))
    return render(request, "mentorship/consent_missing.html", {"page": page, "editable": editable})


def _acts(user):
    return scoping.filter_by_organization(user, DestructionAct.objects.select_related("organization", "created_by"))


@login_required
def destruction_acts(request):
    page = _page(request, _acts(request.user).annotate(people_count=Count("people")).order_by("-created_at", "-pk"))
    return render(request, "mentorship/destruction_acts.html", {"page": page})


@login_required
def destruction_act_document(request, pk: int):
    act = scoping.get_scoped_or_404(_acts(request.user), pk=pk)
    return serve_file(act.document, download_name=f"Акт {act.number} об уничтожении ПД.docx")


# Banks -----------------------------------------------------------------------------------------
@login_required
def mentor_list(request):
    filterset = MentorFilter(
        request.GET,
        queryset=selectors.mentor_bank(request.user)
        .prefetch_related(None)
        .prefetch_related("competencies")  # the only list a row shows
        .order_by("last_name", "first_name"),
        user=request.user,
    )
    if rows := _region_rows(request, filterset, "Банк наставников", ("mentors",)):
        return rows
    page = _page_by_ids(request, filterset.qs)
    for person in page.object_list:
        # other schools' bank mentors are shown by name, organization and competencies only
        person.full_card = selectors.can_see_full_card(request.user, person)
    return render(
        request,
        "mentorship/mentor_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_add": scoping.editable_organizations(request.user).exists(),
        },
    )


@login_required
def mentee_list(request):
    filterset = MenteeFilter(
        request.GET,
        queryset=selectors.mentee_list(request.user).prefetch_related(None).prefetch_related("deficits"),
        user=request.user,
    )
    if rows := _region_rows(request, filterset, "Банк наставляемых", ("mentees", "mentees_matched", "waiting")):
        return rows
    return render(
        request,
        "mentorship/mentee_list.html",
        {
            "filter": filterset,
            "page": _page_by_ids(request, filterset.qs),
            "can_add": scoping.editable_organizations(request.user).exists(),
        },
    )


@login_required
def waiting_list(request):
    scope = scoping.scope_for(request.user)
    filterset = WaitingFilter(
        request.GET,
        queryset=selectors.mentees_waiting(request.user).prefetch_related(None),
        municipalities=Municipality.objects.filter(pk__in=scope.view_municipality_ids).order_by("name"),
    )
    if scope.region_wide and not request.GET.get("municipality"):
        # the paged list of every waiting mentee of the region grew ×1.64 with the region
        return _region_rows(request, filterset, "Ожидают пару", ("waiting",), always=True)
    # longest waiting first (the queryset orders by mentee_since), 25 a page: a regional centre has
    # thousands of mentees in the bank and rendering them all took 400 ms
    # the page's ids first (only the «in an open pair» test), then its 25 rows with consents and load
    # a municipality the user may not read (or not a number) lists nobody, never the whole scope
    page = _page_by_ids(request, filterset.qs if filterset.is_valid() else filterset.queryset.none())
    mentees = list(page.object_list)
    today = scoping.user_today(request.user)
    for mentee in mentees:
        mentee.days_waiting = selectors.waiting_days(mentee, today)
    return render(
        request,
        "mentorship/waiting_list.html",
        {
            "mentees": mentees,
            "page": page,
            "municipality": filterset.form.cleaned_data.get("municipality") if filterset.is_bound else None,
            "region_wide": scope.region_wide,
            "can_edit": scoping.editable_organizations(request.user).exists(),
        },
    )


@login_required
def mentee_match(request, pk: int):
    mentee = scoping.get_scoped_or_404(
        selectors.people_visible(request.user)
        .filter(is_mentee=True)
        .select_related("organization")
        .prefetch_related("subjects", "deficits__competencies"),
        pk=pk,
    )
    candidates = matching.rank_for_mentee(request.user, mentee)
    return render(
        request,
        "mentorship/match.html",
        {
            "mentee": mentee,
            "candidates": candidates,
            "can_edit": scoping.can_edit_organization(request.user, mentee.organization),
        },
    )


@login_required
def suggest_all(request):
    """Draft pairs for every waiting mentee; the curator edits the draft and confirms it in one step."""
    _require_any_edit(request.user)
    mentees = list(
        selectors.mentees_waiting(request.user)
        .filter(organization__in=scoping.editable_organizations(request.user))
        .prefetch_related("subjects", "deficits__competencies")
    )
    forms_list = list(MentoringForm.objects.filter(kind=MentoringForm.Kind.FORM, is_active=True))
    suggestions = matching.suggest_all(request.user, mentees, forms_list)
    if request.method == "POST":
        by_id = {s.mentee.pk: s for s in suggestions}
        mentor_pool = {m.pk: m for m in selectors.mentor_bank(request.user)}
        forms_by_id = {f.pk: f for f in forms_list}
        drafts = []
        for mentee_id in request.POST.getlist("include"):
            suggestion = by_id.get(int(mentee_id)) if mentee_id.isdigit() else None
            mentor = mentor_pool.get(_int(request.POST.get(f"mentor_{mentee_id}")))
            form = forms_by_id.get(_int(request.POST.get(f"form_{mentee_id}")))
            if suggestion is None or mentor is None or form is None:
                messages.error(request, "Для каждой отмеченной строки выберите наставника и форму.")
                break
            drafts.append(services.PairDraft(mentee=suggestion.mentee, mentor=mentor, form=form))
        else:
            if not drafts:
                messages.warning(request, "Не отмечено ни одной пары.")
            else:
                try:
                    pairs = services.pairs_create_from_drafts(
                        user=request.user,
                        organization_of={d.mentee.organization_id: d.mentee.organization for d in drafts},
                        drafts=drafts,
                    )
                except ValidationError as exc:
                    _errors(request, exc)
                else:
                    messages.success(
                        request,
                        f"Создано пар: {len(pairs)}. Они в статусе «Формируется»: "
                        "внесите приказ и согласия, затем запустите.",
                    )
                    return redirect("mentorship:pair_list")
    return render(request, "mentorship/suggest_all.html", {"suggestions": suggestions, "forms_list": forms_list})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Pairs -----------------------------------------------------------------------------------------
@login_required
def pair_list(request):
    filterset = PairFilter(
        request.GET,
        queryset=selectors.pair_list_base(request.user),
        user=request.user,
    )
    if rows := _region_rows(request, filterset, "Пары и группы", ("pairs", "mentees_matched")):
        return rows
    return render(
        request,
        "mentorship/pair_list.html",
        {
            "filter": filterset,
            "page": _page_by_ids(request, filterset.qs, rows=selectors.pair_rows),
            "can_add": scoping.editable_organizations(request.user).exists(),
        },
    )


@login_required
def pair_create(request):
    _require_any_edit(request.user)
    initial = {}
    if request.GET.get("mentee"):
        initial["mentees"] = [request.GET["mentee"]]
    if request.GET.get("mentor"):
        initial["mentors"] = [request.GET["mentor"]]
    form = forms.PairForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pair = services.pair_create(
                user=request.user,
                organization=data["organization"],
                form=data["form"],
                formats=data["formats"],
                title=data["title"],
                mentors=list(data["mentors"]),
                mentees=list(data["mentees"]),
                started_on=data["started_on"],
                planned_end_on=data["planned_end_on"],
                order_number=data["order_number"],
                order_date=data["order_date"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Пара создана в статусе «Формируется».")
            return redirect(pair)
    return _form_page(request, form, "Новая наставническая пара (группа)", reverse("mentorship:pair_list"))


@login_required
def pair_detail(request, pk: int):
    pair = selectors.pair_detail(request.user, pk)
    program = Program.objects.filter(pair=pair).prefetch_related("items", "deficits").first()
    meetings = selectors.pair_meetings(pair, today=scoping.user_today(request.user))
    return render(
        request,
        "mentorship/pair_detail.html",
        {
            "pair": pair,
            "program": program,
            "meetings": meetings,
            "can_edit": scoping.can_edit_organization(request.user, pair.organization),
            "history": selectors.history_rows(pair),
            "program_history": selectors.history_rows(program) if program else [],
            "add_form": forms.AddParticipantForm(user=request.user, pair=pair),
            "item_form": forms.PlanItemForm(pair=pair, today=scoping.user_today(request.user)),
            "plan_items": sorted(
                program.items.all() if program else [],
                key=lambda item: (item.due_on is None, item.due_on or dt.date.min, item.order, item.pk),
            ),
            "missing_consent": [p.person for p in pair.participants.all() if not p.has_consent],
        },
    )


def _editable_pair(request, pk: int):
    pair = scoping.get_scoped_or_404(selectors.pairs_visible(request.user).select_related("organization"), pk=pk)
    _require_edit(request.user, pair.organization)
    return pair


@login_required
def pair_edit(request, pk: int):
    pair = _editable_pair(request, pk)
    form = forms.PairEditForm(request.POST or None, instance=pair)
    if request.method == "POST" and form.is_valid():
        services.pair_save(user=request.user, form=form)
        messages.success(request, "Изменения сохранены.")
        return redirect(pair)
    return _form_page(request, form, f"Изменить пару: {pair}", pair.get_absolute_url())


@login_required
@require_POST
def pair_activate(request, pk: int):
    pair = _editable_pair(request, pk)
    try:
        services.pair_activate(user=request.user, pair=pair)
        messages.success(request, "Пара запущена: статус «Действует».")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(pair)


@login_required
def pair_complete(request, pk: int):
    pair = _editable_pair(request, pk)
    form = forms.PairCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pair_complete(
                user=request.user,
                pair=pair,
                on=form.cleaned_data["on"],
                results=form.cleaned_data["results"],
                reflection=form.cleaned_data["reflection"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Пара завершена, результаты программы записаны.")
            return redirect(pair)
    return _form_page(
        request,
        form,
        f"Завершить пару: {pair}",
        pair.get_absolute_url(),
        submit="Завершить",
        intro="Завершение — плановый итог: программа получит результаты и рефлексию.",
    )


@login_required
def pair_stop(request, pk: int):
    pair = _editable_pair(request, pk)
    form = forms.PairStopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pair_stop(
                user=request.user, pair=pair, reason=form.cleaned_data["reason"], on=form.cleaned_data["on"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.warning(request, "Пара прекращена досрочно; наставляемые вернулись в список ожидающих.")
            return redirect(pair)
    return _form_page(request, form, f"Прекратить досрочно: {pair}", pair.get_absolute_url(), submit="Прекратить")


@login_required
@require_POST
def participant_add(request, pk: int):
    pair = _editable_pair(request, pk)
    form = forms.AddParticipantForm(request.POST, user=request.user, pair=pair)
    if form.is_valid():
        try:
            services.pair_add_participant(
                user=request.user, pair=pair, person=form.cleaned_data["person"], role=form.cleaned_data["role"]
            )
            messages.success(request, "Участник добавлен.")
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "Выберите участника и роль.")
    return redirect(pair)


@login_required
@require_POST
def participant_remove(request, pk: int):
    qs = scoping.filter_by_organization(
        request.user, PairParticipant.objects.select_related("pair__organization"), "pair__organization"
    )
    participant = scoping.get_scoped_or_404(qs, pk=pk)
    _require_edit(request.user, participant.pair.organization)
    try:
        services.pair_remove_participant(user=request.user, participant=participant)
        messages.success(request, "Участник исключён из состава.")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect(participant.pair)


# Programs --------------------------------------------------------------------------------------
@login_required
def program_create(request, pk: int):
    pair = _editable_pair(request, pk)
    form = forms.ProgramCreateForm(
        request.POST or None,
        user=request.user,
        initial={"based_on": request.GET.get("based_on"), "source": "bank" if request.GET.get("based_on") else "blank"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = services.program_create(
                user=request.user,
                pair=pair,
                source=data["source"],
                title=data["title"],
                template=data["template"],
                based_on=data["based_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Программа «{program.title}» создана.")
            return redirect(pair)
    return _form_page(request, form, f"Программа для пары: {pair}", pair.get_absolute_url(), submit="Создать")


def _editable_program(request, pk: int) -> Program:
    program = scoping.get_scoped_or_404(
        selectors.programs_visible(request.user).select_related("pair__organization"), pk=pk
    )
    _require_edit(request.user, program.pair.organization)
    return program


@login_required
def program_edit(request, pk: int):
    program = _editable_program(request, pk)
    form = forms.ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        services.program_save(user=request.user, form=form)
        messages.success(request, "Программа сохранена.")
        return redirect(program.pair)
    return _form_page(request, form, f"Программа: {program.title}", program.pair.get_absolute_url())


@login_required
@require_POST
def plan_item_add(request, pk: int):
    program = _editable_program(request, pk)
    form = forms.PlanItemForm(request.POST, pair=program.pair)
    if form.is_valid():
        services.plan_item_add(user=request.user, program=program, form=form)
        messages.success(request, "Пункт плана добавлен.")
    else:
        messages.error(request, "Пункт плана не добавлен: " + "; ".join(m for ms in form.errors.values() for m in ms))
    return redirect(program.pair)


@login_required
@require_POST
def plan_item_toggle(request, pk: int):
    qs = scoping.filter_by_organization(
        request.user, PlanItem.objects.select_related("program__pair__organization"), "program__pair__organization"
    )
    item = scoping.get_scoped_or_404(qs, pk=pk)
    _require_edit(request.user, item.program.pair.organization)
    services.plan_item_toggle(user=request.user, item=item)
    return redirect(item.program.pair)


@login_required
@require_POST
def program_publish(request, pk: int):
    program = _editable_program(request, pk)
    services.program_publish(user=request.user, program=program, publish=not program.is_published)
    messages.success(
        request, "Программа опубликована в базе программ." if program.is_published else "Программа снята с публикации."
    )
    return redirect(program.pair)


@login_required
def program_bank(request):
    programs = selectors.program_bank(request.user).order_by("-published_on", "title")
    return render(request, "mentorship/program_bank.html", {"page": _page(request, programs)})


@login_required
def program_bank_detail(request, pk: int):
    program = scoping.get_scoped_or_404(selectors.program_bank(request.user).prefetch_related("items"), pk=pk)
    pairs = selectors.pairs_visible(request.user).filter(
        status__in=[PairStatus.FORMING, PairStatus.ACTIVE], program__isnull=True
    )
    pairs = scoping.filter_by_organization(request.user, pairs, edit=True).prefetch_related(
        Prefetch("participants", queryset=PairParticipant.objects.select_related("person"))
    )
    return render(request, "mentorship/program_bank_detail.html", {"program": program, "pairs": pairs})


# Meetings --------------------------------------------------------------------------------------
@login_required
def meeting_create(request, pk: int):
    pair = _editable_pair(request, pk)
    if pair.status != PairStatus.ACTIVE:
        messages.error(request, "Встречи записывают для действующей пары.")
        return redirect(pair)
    form = forms.MeetingForm(request.POST or None, pair=pair, today=scoping.user_today(request.user))
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_save(user=request.user, form=form, pair=pair)
        if meeting.is_complete:
            messages.success(request, "Встреча записана.")
        else:
            messages.warning(request, "Встреча записана, но обратная связь заполнена не полностью.")
        return redirect(pair)
    return _form_page(request, form, f"Встреча пары: {pair}", pair.get_absolute_url())


@login_required
def meeting_edit(request, pk: int):
    meeting = scoping.get_scoped_or_404(
        selectors.meetings_visible(request.user).select_related("pair__organization"), pk=pk
    )
    _require_edit(request.user, meeting.pair.organization)
    form = forms.MeetingForm(request.POST or None, instance=meeting, pair=meeting.pair)
    if request.method == "POST" and form.is_valid():
        services.meeting_save(user=request.user, form=form)
        messages.success(request, "Встреча сохранена.")
        return redirect(meeting.pair)
    return _form_page(request, form, f"Встреча {meeting}", meeting.pair.get_absolute_url())


# Registries ------------------------------------------------------------------------------------
@login_required
def practice_list(request):
    practices = selectors.practices_visible(request.user)
    return render(
        request,
        "mentorship/practice_list.html",
        {
            "page": _page(request, practices),
            "can_add": scoping.editable_organizations(request.user).exists(),
        },
    )


@login_required
def practice_create(request):
    _require_any_edit(request.user)
    form = forms.PracticeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        practice = services.practice_save(user=request.user, form=form, file=form.cleaned_data.get("file"))
        messages.success(request, "Практика внесена в реестр.")
        return redirect("mentorship:practice_detail", pk=practice.pk)
    return _form_page(request, form, "Новая практика (кейс)", reverse("mentorship:practice_list"), multipart=True)


@login_required
def practice_detail(request, pk: int):
    practice = scoping.get_scoped_or_404(selectors.practices_visible(request.user), pk=pk)
    can_edit = scoping.can_edit_organization(request.user, practice.organization)
    file_form = forms.PracticeFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Только просмотр.")
        if file_form.is_valid():
            services.practice_file_add(user=request.user, practice=practice, form=file_form)
            messages.success(request, "Файл прикреплён.")
            return redirect("mentorship:practice_detail", pk=practice.pk)
    return render(
        request,
        "mentorship/practice_detail.html",
        {
            "practice": practice,
            "can_edit": can_edit,
            "file_form": file_form,
            "history": selectors.history_rows(practice),
        },
    )


@login_required
def practice_edit(request, pk: int):
    practice = scoping.get_scoped_or_404(selectors.practices_visible(request.user), pk=pk)
    _require_edit(request.user, practice.organization)
    form = forms.PracticeForm(request.POST or None, instance=practice, user=request.user)
    form.fields.pop("file")
    if request.method == "POST" and form.is_valid():
        practice = services.practice_save(user=request.user, form=form)
        messages.success(request, "Практика сохранена.")
        return redirect("mentorship:practice_detail", pk=practice.pk)
    return _form_page(request, form, f"Изменить: {practice.title}", reverse("mentorship:practice_detail", args=[pk]))


@login_required
def practice_file(request, pk: int):
    qs = PracticeFile.objects.filter(practice__in=selectors.practices_visible(request.user))
    attached = scoping.get_scoped_or_404(qs, pk=pk)
    return serve_file(attached.file)


@login_required
def event_list(request):
    events = selectors.events_visible(request.user)
    can_add = scoping.scope_for(request.user).edits_anything
    return render(request, "mentorship/event_list.html", {"page": _page(request, events), "can_add": can_add})


@login_required
def event_create(request):
    if not scoping.scope_for(request.user).edits_anything:
        raise PermissionDenied("Только просмотр.")
    form = forms.EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        event = services.registry_entry_save(user=request.user, form=form)
        messages.success(request, "Мероприятие добавлено.")
        return redirect("mentorship:event_detail", pk=event.pk)
    return _form_page(request, form, "Новое мероприятие", reverse("mentorship:event_list"))


@login_required
def event_detail(request, pk: int):
    event = scoping.get_scoped_or_404(selectors.events_visible(request.user), pk=pk)
    can_edit = selectors.can_edit_municipal_or_school(request.user, event)
    form = forms.EventParticipantForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Только просмотр.")
        if form.is_valid():
            services.event_participant_set(
                user=request.user, event=event, person=form.cleaned_data["person"], result=form.cleaned_data["result"]
            )
            messages.success(request, "Участник записан.")
            return redirect("mentorship:event_detail", pk=event.pk)
    # participants of other organizations are listed by name only, and only those the user may see
    participants = EventParticipant.objects.filter(
        event=event, person__in=selectors.people_visible(request.user)
    ).select_related("person__organization")
    return render(
        request,
        "mentorship/event_detail.html",
        {
            "event": event,
            "participants": participants,
            "can_edit": can_edit,
            "form": form,
        },
    )


@login_required
def community_list(request):
    communities = selectors.communities_visible(request.user)
    can_add = scoping.scope_for(request.user).edits_anything
    return render(request, "mentorship/community_list.html", {"page": _page(request, communities), "can_add": can_add})


@login_required
def community_create(request):
    if not scoping.scope_for(request.user).edits_anything:
        raise PermissionDenied("Только просмотр.")
    form = forms.CommunityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        community = services.registry_entry_save(user=request.user, form=form)
        messages.success(request, "Сообщество создано.")
        return redirect("mentorship:community_detail", pk=community.pk)
    return _form_page(request, form, "Новое сообщество наставников", reverse("mentorship:community_list"))


@login_required
def community_detail(request, pk: int):
    community = scoping.get_scoped_or_404(selectors.communities_visible(request.user), pk=pk)
    can_edit = selectors.can_edit_municipal_or_school(request.user, community)
    member_form = forms.CommunityMemberForm(request.POST if "add_member" in request.POST else None, user=request.user)
    meeting_form = forms.CommunityMeetingForm(request.POST if "add_meeting" in request.POST else None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Только просмотр.")
        if "add_member" in request.POST and member_form.is_valid():
            services.community_member_add(
                user=request.user, community=community, person=member_form.cleaned_data["person"]
            )
            messages.success(request, "Участник добавлен.")
            return redirect("mentorship:community_detail", pk=pk)
        if "add_meeting" in request.POST and meeting_form.is_valid():
            services.community_meeting_add(user=request.user, community=community, form=meeting_form)
            messages.success(request, "Заседание записано.")
            return redirect("mentorship:community_detail", pk=pk)
    members, hidden_members = selectors.community_members(request.user, community)
    return render(
        request,
        "mentorship/community_detail.html",
        {
            "community": community,
            "members": members,
            "hidden_members": hidden_members,
            "meetings": community.meetings.all(),
            "can_edit": can_edit,
            "member_form": member_form,
            "meeting_form": meeting_form,
        },
    )


# Excel exchange --------------------------------------------------------------------------------
@login_required
def import_list(request):
    _require_any_edit(request.user)
    form = forms.ImportJobForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        try:
            preview = services.import_preview(
                user=request.user,
                kind=form.cleaned_data["kind"],
                content=upload.read(),
                filename=upload.name,
                sheet=form.cleaned_data.get("sheet") or None,
            )
        except imports.ImportRejected as exc:
            form.add_error("file", " ".join(str(p) for p in exc.problems))
    jobs = ImportJob.objects.filter(user=request.user)[:20]
    return render(request, "mentorship/import_list.html", {"form": form, "jobs": jobs, "preview": preview})


@login_required
@require_POST
def import_confirm(request):
    _require_any_edit(request.user)
    job = services.import_confirm(user=request.user, key=request.POST.get("key", ""))
    if job is None:
        messages.error(
            request, "Проверка файла не найдена или устарела (файлы хранятся сутки): загрузите файл ещё раз."
        )
        return redirect("mentorship:import_list")
    messages.info(request, "Файл принят: загрузка идёт в фоне, прогресс — на этой странице.")
    return redirect("mentorship:import_detail", pk=job.pk)


def _own_job(request, pk: int) -> ImportJob:
    # a job (and its error list) belongs to whoever uploaded the file
    return scoping.get_scoped_or_404(ImportJob.objects.filter(user=request.user), pk=pk)


@login_required
def import_detail(request, pk: int):
    job = _own_job(request, pk)
    template = (
        "mentorship/_import_progress.html" if request.headers.get("HX-Request") else "mentorship/import_detail.html"
    )
    from jobs.selectors import job_for_key, job_status

    running = job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
    status = job_status(job_for_key(services.import_job_key(job.pk))) if running else None
    return render(request, template, {"job": job, "running": running, "job_status": status})


@login_required
def xlsx_template(request, kind: str):
    _require_any_edit(request.user)
    builder = TEMPLATE_BUILDERS.get(kind)
    if builder is None:
        raise PermissionDenied("Нет такого шаблона.")
    content = builder(request.user)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{template_filename(kind)}"'
    return response


@login_required
def mentor_bank_export(request):
    from mentorship.exchange import export_mentor_bank

    content = export_mentor_bank(request.user, request=request)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="bank-nastavnikov.xlsx"'
    return response
