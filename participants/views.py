"""The participant's own pages (namespace «participant», phone-first). Views read through
selectors (everything starts from the user's own person records) and write through services;
accounts.middleware keeps a participant inside this namespace."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import scoping
from monitoring import selectors as monitoring_selectors
from monitoring import services as monitoring_services
from monitoring.forms import ResponseForm
from participants import selectors, services
from participants.forms import FeedbackForm, ProposeForm


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _participant(request) -> None:
    if not scoping.is_participant(request.user):
        raise PermissionDenied("Страница участника: войдите под учётной записью наставника или наставляемого.")


# The participant's pages -------------------------------------------------------------------------
@login_required
def home(request):
    _participant(request)
    today = scoping.user_today(request.user)
    pairs = list(selectors.my_pairs(request.user))
    meetings = list(selectors.my_meetings(request.user)[:30])
    curators = selectors.school_curators(pairs)
    for pair in pairs:
        pair.my_roles = selectors.my_roles_in(request.user, pair)
        pair.partners = [p for p in pair.participants.all() if p.person.user_id != request.user.pk]
        pair.curators = curators.get(pair.organization_id, [])
    return render(
        request,
        "participants/home.html",
        {
            "pairs": pairs,
            "waiting": selectors.waiting_for(request.user, today=today),
            "upcoming": [m for m in meetings if m.held_on > today][::-1],
            "past": selectors.with_feedback_state(
                request.user, [m for m in meetings if m.held_on <= today][:10], pairs=pairs
            ),
            "responses": selectors.my_responses(request.user).filter(submitted_at__isnull=False)[:10],
            "people": selectors.my_people(request.user),
        },
    )


@login_required
def pair_detail(request, pk: int):
    _participant(request)
    pair = selectors.my_pair(request.user, pk)
    roles = selectors.my_roles_in(request.user, pair)
    program = getattr(pair, "program", None)
    return render(
        request,
        "participants/pair.html",
        {
            "pair": pair,
            "my_roles": roles,
            "partners": [p for p in pair.participants.all() if p.person.user_id != request.user.pk],
            "program": program,
            "meetings": selectors.with_feedback_state(
                request.user, list(selectors.my_meetings(request.user).filter(pair=pair))
            ),
            "today": scoping.user_today(request.user),
        },
    )


@login_required
def feedback(request, pk: int):
    _participant(request)
    meeting = selectors.my_meeting(request.user, pk)
    sides = selectors.feedback_sides(request.user, meeting)
    side = request.POST.get("side") or request.GET.get("side") or (sides[0] if sides else "")
    if side not in sides:
        raise PermissionDenied("Отзыв за другую сторону встречи оставить нельзя.")
    done = selectors.side_done(request.user, meeting, side)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.meeting_feedback_give(
                user=request.user,
                meeting=meeting,
                side=side,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, "Спасибо! Отзыв о встрече сохранён.")
            return redirect("participant:home")
    return render(
        request,
        "participants/feedback.html",
        {
            "meeting": meeting,
            "form": form,
            "side": side,
            "done": done,
            "mine": selectors.my_feedback(request.user, meeting, side) if done else (None, ""),
            "today": scoping.user_today(request.user),
        },
    )


@login_required
def propose(request, pk: int):
    _participant(request)
    pair = selectors.my_pair(request.user, pk)
    if "mentor" not in selectors.my_roles_in(request.user, pair):
        raise PermissionDenied("Встречу предлагает наставник пары.")
    form = ProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_propose(user=request.user, pair=pair, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, "Встреча внесена: куратор увидит её в карточке пары.")
            return redirect("participant:pair", pair.pk)
    return render(request, "participants/propose.html", {"pair": pair, "form": form})


@login_required
def questionnaire(request, pk: int):
    _participant(request)
    response = selectors.my_response(request.user, pk)
    campaign = response.assignment.campaign
    questions = list(response.questionnaire.questions.all())
    editable = response.submitted_at is None and campaign.status == "open"
    initial = {int(k): v for k, v in (response.draft or {}).items()}
    form = ResponseForm(request.POST or None, questions=questions, initial_answers=initial)
    if request.method == "POST" and editable:
        action = request.POST.get("action", "submit")
        if action == "draft":
            form.is_valid()  # a draft keeps what parses, however incomplete
            data = {q.pk: form.cleaned_data.get(f"q{q.pk}") for q in questions if f"q{q.pk}" in form.cleaned_data}
            try:
                monitoring_services.response_draft_save(user=request.user, response=response, data=data)
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, "Черновик сохранён: вернитесь к анкете, когда будет удобно.")
                return redirect("participant:questionnaire", response.pk)
        elif form.is_valid():
            try:
                monitoring_services.response_submit(user=request.user, response=response, data=form.answers())
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, "Анкета отправлена. Спасибо!")
                return redirect("participant:home")
    return render(
        request,
        "participants/questionnaire.html",
        {"response": response, "campaign": campaign, "form": form, "editable": editable},
    )


@login_required
def my_data(request):
    """What is stored about me and my consents (the right of access, 152-ФЗ ст. 14)."""
    _participant(request)
    people = list(selectors.my_people(request.user).prefetch_related("subjects", "competencies", "deficits"))
    return render(
        request,
        "participants/my_data.html",
        {
            "account": request.user,
            "people": people,
            "consents": selectors.my_consents(request.user),
            "invitations": selectors.my_invitations(request.user),
            "pairs": selectors.my_pairs(request.user),
            "responses": selectors.my_responses(request.user),
            "meetings_count": selectors.my_meetings(request.user).count(),
        },
    )


# The curator's side ------------------------------------------------------------------------------
@login_required
@require_POST
def campaign_remind(request, pk: int):
    """«Напомнить не ответившим»: participants with an account, at most once a day each."""
    campaign = monitoring_selectors.campaign_detail(request.user, pk)
    org = request.POST.get("organization", "")
    try:
        result = services.questionnaire_remind(
            user=request.user, campaign=campaign, organization_id=int(org) if org.isdigit() else None
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        text = f"Напоминания отправлены: {result.sent}."
        if result.already:
            text += f" Уже получили напоминание сегодня: {result.already} (не чаще раза в день)."
        if result.without_account:
            text += f" Без учётной записи (анкета на бумаге): {result.without_account}."
        messages.success(request, text)
    assignment = request.POST.get("assignment", "")
    if assignment.isdigit():
        return redirect("monitoring:assignment_detail", int(assignment))
    return redirect("monitoring:campaign_detail", pk)
