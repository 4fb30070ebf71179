"""Writes for monitoring: keyword-only, typed, `<entity>_<verb>`. Callers check scope first
(views through selectors); services enforce the workflow rules themselves."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts import scoping
from accounts.models import Municipality, Organization, Region
from jobs.services import reason_text
from monitoring import stats
from monitoring.models import (
    AnnualReportBuild,
    Answer,
    Assignment,
    AssignmentStatus,
    Audience,
    BuildStatus,
    Campaign,
    CampaignStatus,
    EffectivenessCriterion,
    Metric,
    Question,
    QuestionKind,
    Questionnaire,
    RegionalCampaign,
    RegionalRequest,
    Response,
    SchoolReport,
    WebsiteCheckRun,
)
from monitoring.selectors import organization_figures
from monitoring.signals import campaign_opened

log = logging.getLogger(__name__)


# Campaigns -------------------------------------------------------------------------------------------
@transaction.atomic
def campaign_create(
    *,
    user,
    municipality: Municipality,
    kind: str,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    deadline: dt.date,
    organizations: Iterable[Organization] | None = None,
    questionnaires: Iterable[Questionnaire] | None = None,
) -> Campaign:
    if not scoping.can_run_monitoring(user, municipality):
        raise PermissionDenied("Нет права проводить мониторинг в этом муниципалитете.")
    campaign = Campaign(
        municipality=municipality,
        kind=kind,
        title=title,
        period_start=period_start,
        period_end=period_end,
        deadline=deadline,
        created_by=user,
    )
    campaign.full_clean()
    campaign.save()
    orgs = list(organizations) if organizations is not None else list(municipality.organizations.filter(is_active=True))
    if any(o.municipality_id != municipality.pk for o in orgs):
        raise ValidationError("Организация из другого муниципалитета.")
    campaign.organizations.set(orgs)
    if questionnaires is not None:
        campaign.questionnaires.set(questionnaires)
    elif campaign.is_questionnaire:
        purpose = Questionnaire.Purpose.QUALITY if kind == "quality" else Questionnaire.Purpose.GROWTH
        campaign.questionnaires.set(Questionnaire.objects.filter(is_standard=True, is_active=True, purpose=purpose))
    return campaign


@transaction.atomic
def campaign_open(*, user, campaign: Campaign) -> int:
    """Create one assignment per covered organization (and one response per participant for
    questionnaires). Idempotent: opening twice creates nothing new. Returns assignments created."""
    if not scoping.can_run_monitoring(user, campaign.municipality_id):
        raise PermissionDenied("Нет права проводить мониторинг в этом муниципалитете.")
    given = campaign
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    orgs = list(campaign.organizations.all())
    existing = set(campaign.assignments.values_list("organization_id", flat=True))
    new = [Assignment(campaign=campaign, organization=o) for o in orgs if o.pk not in existing]
    # bulk writes skip signals: create the audit rows with them
    bulk_create_with_history(new, Assignment, default_user=user)
    stats.stats_changed(organization_ids=[a.organization_id for a in new])
    assignments = list(campaign.assignments.all())
    if campaign.is_report:
        have = set(SchoolReport.objects.filter(assignment__campaign=campaign).values_list("assignment_id", flat=True))
        bulk_create_with_history(
            [SchoolReport(assignment=a) for a in assignments if a.pk not in have], SchoolReport, default_user=user
        )
        for a in assignments:
            report_refresh(report=SchoolReport.objects.get(assignment=a))
    else:
        _create_responses(campaign, assignments)
    if campaign.status == CampaignStatus.DRAFT:
        campaign.status = CampaignStatus.OPEN
        campaign.opened_at = timezone.now()
        campaign.save(update_fields=["status", "opened_at"])
    given.status, given.opened_at = campaign.status, campaign.opened_at  # the caller's copy is current too
    if campaign.is_questionnaire:
        # the participants' app announces the questionnaire (monitoring does not import it)
        campaign_opened.send(sender=Campaign, campaign=campaign)
    return len(new)


def _create_responses(campaign: Campaign, assignments: list[Assignment]) -> None:
    from mentorship.models import Person

    by_org = {a.organization_id: a for a in assignments}
    questionnaires = list(campaign.questionnaires.all())
    people = Person.objects.filter(
        Q(is_mentor=True) | Q(is_mentee=True), organization_id__in=by_org, is_active=True
    ).only("pk", "organization_id", "is_mentor", "is_mentee")
    rows = []
    for person in people:
        for q in questionnaires:
            role = None
            if q.audience in (Audience.MENTOR, Audience.ALL) and person.is_mentor:
                role = "mentor"
            elif q.audience in (Audience.MENTEE, Audience.ALL) and person.is_mentee:
                role = "mentee"
            if role:
                rows.append(
                    Response(assignment=by_org[person.organization_id], questionnaire=q, person=person, role=role)
                )
    Response.objects.bulk_create(rows, ignore_conflicts=True)


def campaign_close(*, user, campaign: Campaign) -> None:
    if not scoping.can_run_monitoring(user, campaign.municipality_id):
        raise PermissionDenied("Нет права проводить мониторинг в этом муниципалитете.")
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    campaign.status = CampaignStatus.CLOSED


# School reports --------------------------------------------------------------------------------------
def report_refresh(*, report: SchoolReport, today: dt.date | None = None) -> SchoolReport:
    """Recompute the automatic indicators; a submitted or accepted report keeps its figures."""
    assignment = report.assignment
    if assignment.is_locked:
        return report
    campaign = assignment.campaign
    f = organization_figures([assignment.organization_id], campaign.period_start, campaign.period_end, today)[
        assignment.organization_id
    ]
    before = {name: getattr(report, name) for name in _REFRESHED}
    report.mentors, report.mentees, report.pairs = f.mentors, f.mentees, f.pairs
    report.pairs_by_form, report.programs = f.pairs_by_form, f.programs
    report.young_total, report.young_covered, report.meetings = f.young_total, f.young_covered, f.meetings
    report.roadmap_due, report.roadmap_on_time = f.roadmap_due, f.roadmap_on_time
    report.computed_at = timezone.now()
    if not report.website_url and assignment.organization.mentoring_page_url:
        report.website_url = assignment.organization.mentoring_page_url
    if report.pk and all(getattr(report, name) == value for name, value in before.items()):
        # the curator's page refreshes on every view: when no figure moved, only the time is
        # written, without a history row per page view (thousands a day under load)
        SchoolReport.objects.filter(pk=report.pk).update(computed_at=report.computed_at)
        return report
    report.save()
    return report


_REFRESHED = (
    "mentors",
    "mentees",
    "pairs",
    "pairs_by_form",
    "programs",
    "young_total",
    "young_covered",
    "meetings",
    "roadmap_due",
    "roadmap_on_time",
    "website_url",
)


def _check_fill(user, assignment: Assignment) -> None:
    if not scoping.can_edit_organization(user, assignment.organization):
        raise PermissionDenied("Сдавать отчёт может куратор организации или муниципальный координатор.")
    if assignment.campaign.status != CampaignStatus.OPEN:
        raise ValidationError("Сбор по этой кампании не идёт.")
    if assignment.is_locked:
        raise ValidationError("Отчёт уже сдан: изменить его можно только после возврата на доработку.")


def report_update(*, user, report: SchoolReport, data: dict) -> SchoolReport:
    _check_fill(user, report.assignment)
    for name in ("local_acts", "local_acts_list", "website_url", "achievements", "problems"):
        if name in data:
            setattr(report, name, data[name])
    report.full_clean()
    report.save()
    return report


def report_problems(report: SchoolReport) -> dict[str, str]:
    """Why a report cannot be submitted, by field: required answers left empty and figures that
    cannot be true together. Empty when it may go."""
    problems: dict[str, str] = {}
    if report.local_acts and not report.local_acts_list.strip():
        problems["local_acts_list"] = "Перечислите принятые локальные акты (номер и дата)."
    if not report.local_acts and report.local_acts_list.strip():
        problems["local_acts"] = "Перечень актов заполнен — отметьте, что локальные акты приняты."
    if report.pairs > report.mentees:
        problems["pairs"] = (
            f"Действующих пар и групп ({report.pairs}) больше, чем наставляемых ({report.mentees}): "
            "в каждой паре есть наставляемый. Проверьте состав пар."
        )
    if report.pairs and not report.mentors:
        problems["mentors"] = "Есть действующие пары, но нет ни одного наставника. Проверьте список наставников."
    if report.young_covered > report.young_total:
        problems["young_covered"] = "Молодых специалистов в парах больше, чем молодых специалистов всего."
    if report.roadmap_on_time > report.roadmap_due:
        problems["roadmap_on_time"] = "Выполненных в срок мероприятий больше, чем мероприятий со сроком в периоде."
    return problems


@transaction.atomic
def assignment_submit(*, user, assignment: Assignment) -> Assignment:
    _check_fill(user, assignment)
    if assignment.campaign.is_report:
        report = report_refresh(report=assignment.report)
        problems = report_problems(report)
        if problems:
            raise ValidationError(problems)
    now = timezone.now()
    # conditional update: a double click cannot submit twice or overwrite a review
    changed = Assignment.objects.filter(
        pk=assignment.pk, status__in=[AssignmentStatus.DRAFT, AssignmentStatus.RETURNED]
    ).update(status=AssignmentStatus.SUBMITTED, submitted_at=now, submitted_by=user)
    if not changed:
        raise ValidationError("Отчёт уже сдан.")
    Assignment.objects.filter(pk=assignment.pk, first_submitted_at__isnull=True).update(first_submitted_at=now)
    stats.stats_changed(organization_ids=[assignment.organization_id])  # the reports submitted (and on time)
    assignment.refresh_from_db()
    _record_history(assignment, user)
    _notify(assignment, "submitted", user)
    return assignment


def _record_history(assignment: Assignment, user) -> None:
    # conditional updates skip model signals: write the audit row ourselves (issue 7)
    Assignment.history.bulk_history_create([assignment], update=True, default_user=user)


def _notify(assignment: Assignment, event: str, user) -> None:
    """Submit tells the municipality's coordinators; return (with its reason) and accept tell the
    school's curator and head. In-app and by e-mail, once per event (keyed by the history row)."""
    from accounts.selectors import municipality_coordinators, organization_people

    campaign, organization = assignment.campaign, assignment.organization
    what = "Справка" if campaign.is_report else "Результаты анкетирования"
    if event == "submitted":
        kind, recipients = "report_submitted", municipality_coordinators(campaign.municipality_id)
        title = f"{organization.short_name}: сдано на проверку — {campaign.title}"
        message = f"{what} «{campaign.title}» от {organization.short_name} ждёт проверки."
    elif event == "returned":
        kind, recipients = "report_returned", organization_people(organization.pk)
        title = f"Возвращено на доработку: {campaign.title}"
        message = f"{what} «{campaign.title}» возвращена на доработку. Что исправить: {assignment.return_comment}"
        if not campaign.is_report:
            message = message.replace("возвращена", "возвращены")
    else:
        kind, recipients = "report_accepted", organization_people(organization.pk)
        title = f"Принято: {campaign.title}"
        message = f"{what} «{campaign.title}» {'принята' if campaign.is_report else 'приняты'}. Спасибо!"
    _send_workflow_event(
        assignment,
        user=user,
        kind=kind,
        object_type="monitoring.assignment.event",
        recipients=recipients,
        municipality=campaign.municipality,
        title=title,
        message=message,
        path=reverse("monitoring:assignment_detail", args=[assignment.pk]),
        organization_id=organization.pk,
    )


def _send_workflow_event(instance, *, user, recipients, title: str, **fields) -> None:
    """A step of a report workflow (school report or regional request), keyed by the history row it
    wrote, so each step notifies once; the person who took the step is not told about it."""
    from accounts.events import workflow_event

    event_id = instance.history.order_by("-history_id").values_list("history_id", flat=True).first()
    workflow_event.send(
        sender=type(instance),
        object_id=event_id or instance.pk,
        recipients=[r for r in recipients if r.pk != getattr(user, "pk", None)],
        title=title[:300],
        **fields,
    )


def _check_review(user, assignment: Assignment) -> None:
    if not scoping.can_accept_reports(user, assignment.campaign.municipality_id):
        raise PermissionDenied("Принимать отчёты может методист или муниципальный координатор.")
    if assignment.status != AssignmentStatus.SUBMITTED:
        raise ValidationError("Принять или вернуть можно только сданный отчёт.")


@transaction.atomic
def assignment_accept(*, user, assignment: Assignment) -> Assignment:
    _check_review(user, assignment)
    changed = Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.SUBMITTED).update(
        status=AssignmentStatus.ACCEPTED, reviewed_at=timezone.now(), reviewed_by=user, return_comment=""
    )
    if not changed:  # another reviewer was faster: nothing to record or tell
        raise ValidationError("Отчёт уже проверен.")
    assignment.refresh_from_db()
    _record_history(assignment, user)
    _notify(assignment, "accepted", user)
    return assignment


@transaction.atomic
def assignment_return(*, user, assignment: Assignment, comment: str) -> Assignment:
    _check_review(user, assignment)
    if not comment.strip():
        raise ValidationError("Напишите, что исправить: без замечаний отчёт не возвращают.")
    changed = Assignment.objects.filter(pk=assignment.pk, status=AssignmentStatus.SUBMITTED).update(
        status=AssignmentStatus.RETURNED, reviewed_at=timezone.now(), reviewed_by=user, return_comment=comment.strip()
    )
    if not changed:
        raise ValidationError("Отчёт уже проверен.")
    assignment.refresh_from_db()
    _record_history(assignment, user)
    _notify(assignment, "returned", user)
    return assignment


# Questionnaires --------------------------------------------------------------------------------------
def _as_int(value: object) -> int:
    """A scale answer as posted (a string or a number); ValueError for anything else."""
    if isinstance(value, (int, float, str)):
        return int(value)
    raise ValueError(value)


def validate_answers(questions: list[Question], data: dict[int, object]) -> dict[int, str]:
    """Errors by question id (Russian); `data` maps question id to int, list[str] or str."""
    errors: dict[int, str] = {}
    for q in questions:
        value = data.get(q.pk)
        empty = value in (None, "", [])
        if empty:
            if q.required:
                errors[q.pk] = "Ответьте на этот вопрос."
            continue
        if q.kind == QuestionKind.SCALE:
            try:
                number = _as_int(value)
            except (TypeError, ValueError):
                errors[q.pk] = "Выберите балл от 1 до 10."
                continue
            if not 1 <= number <= 10:
                errors[q.pk] = "Выберите балл от 1 до 10."
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            chosen = value if isinstance(value, list) else [value]
            if q.kind == QuestionKind.SINGLE and len(chosen) != 1:
                errors[q.pk] = "Выберите один вариант."
            elif any(c not in q.option_list for c in chosen):
                errors[q.pk] = "Такого варианта нет."
    return errors


def _answer_rows(response: Response, questions: list[Question], data: dict[int, object]) -> list[Answer]:
    answers = []
    for q in questions:
        value = data.get(q.pk)
        if value in (None, "", []):
            continue
        if q.kind == QuestionKind.SCALE:
            answers.append(Answer(response=response, question=q, scale=_as_int(value)))
        elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            answers.append(Answer(response=response, question=q, choices=value if isinstance(value, list) else [value]))
        else:
            answers.append(Answer(response=response, question=q, text=str(value).strip()))
    return answers


def _write_answers(response: Response, questions: list[Question], data: dict[int, object]) -> None:
    """Answers of a named questionnaire go on the person's row; those of an anonymous one on a new
    answer sheet with no person, no author and only the day, so that nothing leads back."""
    if response.questionnaire.is_anonymous:
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        sheet = Response.objects.create(
            assignment_id=response.assignment_id,
            questionnaire_id=response.questionnaire_id,
            person=None,
            role=response.role,
            submitted_at=today,
        )
        Answer.objects.bulk_create(_answer_rows(sheet, questions, data))
        return
    response.answers.all().delete()
    Answer.objects.bulk_create(_answer_rows(response, questions, data))


def _is_participants_own(response: Response) -> bool:
    person = response.person
    return person is not None and response.filled_by_id is not None and response.filled_by_id == person.user_id


@transaction.atomic
def response_fill(*, user, response: Response, data: dict[int, object]) -> Response:
    """Save a participant's answers (entered by the participant's curator or coordinator from paper).
    A questionnaire the participant submitted themselves is theirs: nobody retypes it."""
    assignment = response.assignment
    _check_fill(user, assignment)
    response = (
        Response.objects.select_for_update(of=("self",)).select_related("person", "questionnaire").get(pk=response.pk)
    )
    if response.person_id is None:
        raise PermissionDenied("Лист ответов анонимной анкеты не редактируется.")
    if _is_participants_own(response):
        raise ValidationError("Участник заполнил анкету сам: его ответы не изменяются.")
    if response.questionnaire.is_anonymous and response.submitted_at:
        raise ValidationError("Анонимная анкета уже заполнена: ответы не изменяются.")
    questions = list(response.questionnaire.questions.all())
    errors = validate_answers(questions, data)
    if errors:
        raise ValidationError({str(k): v for k, v in errors.items()})
    _write_answers(response, questions, data)
    response.submitted_at = timezone.now()
    response.filled_by = user
    response.draft = {}
    response.save(update_fields=["submitted_at", "filled_by", "draft"])
    return response


# The participant's own questionnaire -------------------------------------------------------------------
def _own_open_response(user, response: Response) -> Response:
    locked = (
        Response.objects.select_for_update(of=("self",))
        .select_related("person", "questionnaire", "assignment__campaign")
        .get(pk=response.pk)
    )
    if locked.person is None or locked.person.user_id != user.pk or not scoping.is_participant(user):
        raise PermissionDenied("Это анкета другого участника.")
    if locked.submitted_at is not None:
        raise ValidationError("Анкета уже отправлена: повторно её заполнить нельзя.")
    if locked.assignment.campaign.status != CampaignStatus.OPEN:
        raise ValidationError("Сбор анкет завершён.")
    return locked


def _jsonable(data: dict[int, object]) -> dict[str, object]:
    return {str(k): v for k, v in data.items() if v not in (None, "", [])}


@transaction.atomic
def response_draft_save(*, user, response: Response, data: dict[int, object]) -> Response:
    """Keep the participant's unsent answers (no validation: a draft may be half-filled)."""
    response = _own_open_response(user, response)
    response.draft = _jsonable(data)
    response.save(update_fields=["draft"])
    return response


@transaction.atomic
def response_submit(*, user, response: Response, data: dict[int, object]) -> Response:
    """The participant sends their questionnaire: once (the row is locked and checked)."""
    response = _own_open_response(user, response)
    questions = list(response.questionnaire.questions.all())
    errors = validate_answers(questions, data)
    if errors:
        raise ValidationError({str(k): v for k, v in errors.items()})
    _write_answers(response, questions, data)
    response.submitted_at = timezone.now()
    response.filled_by = user
    response.draft = {}
    response.save(update_fields=["submitted_at", "filled_by", "draft"])
    return response


# Effectiveness ---------------------------------------------------------------------------------------
DEFAULT_CRITERIA = [
    (Metric.YOUNG_COVERAGE, 25),
    (Metric.PROGRAMS, 20),
    (Metric.ROADMAP_ON_TIME, 20),
    (Metric.REPORTS_ON_TIME, 15),
    (Metric.SATISFACTION, 15),
    (Metric.WEBSITE, 5),
]


def criteria_ensure_defaults(*, municipality: Municipality, user=None) -> list[EffectivenessCriterion]:
    """Default criteria of the municipality; `user` (None only for seeding) must run its monitoring."""
    if user is not None and not scoping.can_run_monitoring(user, municipality):
        raise PermissionDenied("Нет права задавать критерии этого муниципалитета.")
    for order, (metric, weight) in enumerate(DEFAULT_CRITERIA):
        EffectivenessCriterion.objects.get_or_create(
            municipality=municipality, metric=metric, defaults={"weight": weight, "order": order}
        )
    return list(EffectivenessCriterion.objects.filter(municipality=municipality))


# Annual report builds --------------------------------------------------------------------------------
BUILD_JOB = "monitoring.annual_report"
WEBSITE_JOB = "monitoring.website_check"


def build_job_key(build_id: int) -> str:
    return f"{BUILD_JOB}:{build_id}"


def _check_build_right(user, *, municipality_id: int | None, region_id: int | None) -> None:
    if user is None:
        return  # the management command
    if region_id is not None:
        if not scoping.can_view_region(user, region_id):
            raise PermissionDenied("Нет права формировать отчёт по этому региону.")
    elif municipality_id is None or not scoping.can_run_monitoring(user, municipality_id):
        raise PermissionDenied("Нет права формировать отчёт по этому муниципалитету.")


def build_request(
    *,
    user,
    municipality: Municipality | None = None,
    region: Region | None = None,
    year: int,
    academic: bool = False,
    parameters: dict | None = None,
) -> AnnualReportBuild:
    """Record the build and its background job in one transaction; returns at once whatever the
    broker's state (the job is sent after commit, or later by the dispatcher).

    The report of a municipality (its monitoring runners), or of a region (`region`: the regional
    user; the municipalities of the region are its rows). `academic`: the academic year
    1 September (year − 1) – 31 August (year) instead of the calendar year."""
    if (municipality is None) == (region is None):
        raise ValueError("municipality or region")
    _check_build_right(
        user, municipality_id=municipality.pk if municipality else None, region_id=region.pk if region else None
    )
    from jobs.services import job_enqueue

    owner: dict = {"municipality": municipality} if municipality is not None else {"region": region}
    with transaction.atomic():
        # a double click or a second tab: concurrent requests queue on the municipality's (region's)
        # row, and a build of the same report still waiting or running is the answer, never a second one
        if municipality is not None:
            Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        else:
            Region.objects.select_for_update().filter(pk=region.pk).first()  # type: ignore[union-attr]
        pending = (
            AnnualReportBuild.objects.filter(
                **owner,
                year=year,
                status__in=[BuildStatus.QUEUED, BuildStatus.RUNNING],
                parameters__academic=academic,
            )
            .order_by("-pk")
            .first()
        )
        if pending is not None and not parameters:
            return pending
        name_key = "municipality" if municipality is not None else "region"
        build = AnnualReportBuild.objects.create(
            **owner,
            year=year,
            author=user,
            parameters={"year": year, "academic": academic, name_key: owner[name_key].name, **(parameters or {})},
        )
        job = job_enqueue(kind=BUILD_JOB, key=build_job_key(build.pk), params={"build_id": build.pk}, user=user)
        AnnualReportBuild.objects.filter(pk=build.pk).update(task_id=f"job:{job.pk}")
        build.task_id = f"job:{job.pk}"
    return build


def build_job_run(*, build_id: int) -> None:
    """Run by the job (jobs.services.job_run holds the lock): resumes a build a dead worker left running."""
    build_run(build_id=build_id, resume=True)


def build_job_retry(*, build_id: int) -> None:
    AnnualReportBuild.objects.filter(pk=build_id).exclude(status=BuildStatus.DONE).update(
        status=BuildStatus.QUEUED, progress=0, stage="", error="", started_at=None, finished_at=None
    )


def build_job_failed(*, build_id: int, reason: str) -> None:
    AnnualReportBuild.objects.filter(pk=build_id).exclude(status=BuildStatus.DONE).update(
        status=BuildStatus.FAILED, error=reason[:2000], finished_at=timezone.now(), stage="Ошибка"
    )


def build_retry(*, user, build: AnnualReportBuild) -> AnnualReportBuild:
    """The retry button of a failed build (the view found the build through the user's scope)."""
    _check_build_right(user, municipality_id=build.municipality_id, region_id=build.region_id)
    from jobs.selectors import job_for_key
    from jobs.services import job_enqueue, job_retry

    job = job_for_key(build_job_key(build.pk))
    if job is None:  # a build recorded before jobs existed
        with transaction.atomic():
            build_job_retry(build_id=build.pk)
            job_enqueue(kind=BUILD_JOB, key=build_job_key(build.pk), params={"build_id": build.pk}, user=user)
    else:
        job_retry(job=job, user=user)
    build.refresh_from_db()
    return build


def build_progress(*, build_id: int, percent: int, stage: str) -> None:
    AnnualReportBuild.objects.filter(pk=build_id).update(progress=min(100, max(0, percent)), stage=stage)
    delay = getattr(settings, "MONITORING_TEST_STAGE_DELAY", 0)
    if delay:  # only the worker-kill test slows a build down, so that the kill lands mid-build
        time.sleep(delay)


def build_run(*, build_id: int, resume: bool = False) -> AnnualReportBuild | None:
    """Run one build to the end; claimed by a conditional update so a redelivered message
    (acks_late) never builds the same report twice at once. `resume`: the caller holds the job's
    lock, so a build a killed worker left «running» is taken again."""
    from django.core.files.base import ContentFile

    from monitoring.reports import annual

    claimable = (BuildStatus.QUEUED, BuildStatus.RUNNING) if resume else (BuildStatus.QUEUED,)
    claimed = AnnualReportBuild.objects.filter(pk=build_id, status__in=claimable).update(
        status=BuildStatus.RUNNING, started_at=timezone.now(), progress=1, stage="Подготовка"
    )
    if not claimed:
        log.info("annual report build %s is gone or already taken", build_id)
        return AnnualReportBuild.objects.filter(pk=build_id).first()
    build = AnnualReportBuild.objects.select_related("municipality", "region", "author").get(pk=build_id)
    try:
        academic = bool((build.parameters or {}).get("academic"))
        files = annual.build_report(
            municipality=build.municipality,
            region=build.region,
            year=build.year,
            academic=academic,
            progress=lambda stage, percent: build_progress(build_id=build_id, percent=percent, stage=stage),
            author=build.author,
        )
        period = f"{build.year - 1}-{build.year}" if academic else str(build.year)
        stem = f"analiticheskij-otchet{'-regiona' if build.region_id else ''}-{period}-{build.pk}"
        build.xlsx.save(f"{stem}.xlsx", ContentFile(files.xlsx), save=False)
        build.docx.save(f"{stem}.docx", ContentFile(files.docx), save=False)
        build.preview = files.preview
        build.status, build.progress, build.stage = BuildStatus.DONE, 100, "Готово"
        build.finished_at = timezone.now()
        build.save(update_fields=["xlsx", "docx", "preview", "status", "progress", "stage", "finished_at"])
    except (OperationalError, InterfaceError):
        raise  # the database went away: the job runs the build again (bounded attempts)
    except Exception as exc:
        log.exception("annual report build %s failed", build_id)
        AnnualReportBuild.objects.filter(pk=build_id).update(
            status=BuildStatus.FAILED, error=reason_text(exc)[:2000], finished_at=timezone.now(), stage="Ошибка"
        )
        raise
    return build


# Website check ---------------------------------------------------------------------------------------
def website_check_request(*, user, municipality: Municipality) -> WebsiteCheckRun:
    if not scoping.can_run_monitoring(user, municipality):
        raise PermissionDenied("Нет права проверять сайты этого муниципалитета.")

    from jobs.services import job_enqueue

    with transaction.atomic():
        run = WebsiteCheckRun.objects.create(municipality=municipality, started_by=user)
        job_enqueue(kind=WEBSITE_JOB, key=website_job_key(run.pk), params={"run_id": run.pk}, user=user)
    return run


def website_job_key(run_id: int) -> str:
    return f"{WEBSITE_JOB}:{run_id}"


def website_check_job_failed(*, run_id: int, reason: str) -> None:
    WebsiteCheckRun.objects.filter(pk=run_id, finished_at__isnull=True).update(finished_at=timezone.now())


# Regional campaigns: the region asks every municipality for its annual report --------------------------
def _check_region(user, region_id: int) -> None:
    if user is not None and not scoping.can_view_region(user, region_id):
        raise PermissionDenied("Запрашивать и принимать отчёты муниципалитетов может региональный координатор.")


@transaction.atomic
def regional_campaign_create(
    *, user, region: Region, title: str, year: int, deadline: dt.date, academic: bool = False
) -> RegionalCampaign:
    """Create the campaign and open it at once: one request per municipality of the region.
    `user` None only for seeding."""
    _check_region(user, region.pk)
    if not title.strip():
        raise ValidationError({"title": "Укажите название запроса."})
    campaign = RegionalCampaign.objects.create(
        region=region, title=title.strip(), year=year, academic=academic, deadline=deadline, created_by=user
    )
    regional_campaign_open(user=user, campaign=campaign)
    return campaign


@transaction.atomic
def regional_campaign_open(*, user, campaign: RegionalCampaign) -> int:
    """One request per municipality of the region (idempotent: a municipality added later gets its
    own on the next opening). Returns the requests created."""
    _check_region(user, campaign.region_id)
    campaign = RegionalCampaign.objects.select_for_update().get(pk=campaign.pk)
    have = set(campaign.requests.values_list("municipality_id", flat=True))
    new = [
        RegionalRequest(campaign=campaign, municipality=m)
        for m in Municipality.objects.filter(region_id=campaign.region_id).exclude(pk__in=have)
    ]
    bulk_create_with_history(new, RegionalRequest, default_user=user)
    if campaign.status == CampaignStatus.DRAFT:
        RegionalCampaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN, opened_at=timezone.now())
    return len(new)


def regional_campaign_close(*, user, campaign: RegionalCampaign) -> None:
    _check_region(user, campaign.region_id)
    RegionalCampaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    campaign.status = CampaignStatus.CLOSED


def regional_request_submit(*, user, request: RegionalRequest, build: AnnualReportBuild) -> RegionalRequest:
    """The municipality hands in one of its finished annual reports for the campaign's year."""
    if not scoping.can_run_monitoring(user, request.municipality_id):
        raise PermissionDenied("Сдать отчёт региону может методист или муниципальный координатор.")
    campaign = request.campaign
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError("Сбор отчётов по этому запросу не идёт.")
    academic = bool((build.parameters or {}).get("academic"))
    if (
        build.municipality_id != request.municipality_id
        or build.status != BuildStatus.DONE
        or build.year != campaign.year
        or academic != campaign.academic
    ):
        raise ValidationError({"build": "Выберите готовый отчёт своего муниципалитета за запрошенный период."})
    with transaction.atomic():
        now = timezone.now()
        changed = RegionalRequest.objects.filter(
            pk=request.pk, status__in=[AssignmentStatus.DRAFT, AssignmentStatus.RETURNED]
        ).update(status=AssignmentStatus.SUBMITTED, submitted_at=now, submitted_by=user, build=build)
        if not changed:
            raise ValidationError("Отчёт уже сдан.")
        RegionalRequest.objects.filter(pk=request.pk, first_submitted_at__isnull=True).update(first_submitted_at=now)
        request.refresh_from_db()
        _record_request_history(request, user)
        _notify_region(request, "submitted", user)
    return request


def _check_request_review(user, request: RegionalRequest) -> None:
    _check_region(user, request.campaign.region_id)
    if user is None:
        raise PermissionDenied("Проверяет отчёт региональный координатор.")
    if request.status != AssignmentStatus.SUBMITTED:
        raise ValidationError("Принять или вернуть можно только сданный отчёт.")


def regional_request_accept(*, user, request: RegionalRequest) -> RegionalRequest:
    _check_request_review(user, request)
    with transaction.atomic():
        changed = RegionalRequest.objects.filter(pk=request.pk, status=AssignmentStatus.SUBMITTED).update(
            status=AssignmentStatus.ACCEPTED, reviewed_at=timezone.now(), reviewed_by=user, return_comment=""
        )
        if not changed:
            raise ValidationError("Отчёт уже проверен.")
        request.refresh_from_db()
        _record_request_history(request, user)
        _notify_region(request, "accepted", user)
    return request


def regional_request_return(*, user, request: RegionalRequest, comment: str) -> RegionalRequest:
    _check_request_review(user, request)
    if not comment.strip():
        raise ValidationError("Напишите, что исправить: без замечаний отчёт не возвращают.")
    with transaction.atomic():
        changed = RegionalRequest.objects.filter(pk=request.pk, status=AssignmentStatus.SUBMITTED).update(
            status=AssignmentStatus.RETURNED,
            reviewed_at=timezone.now(),
            reviewed_by=user,
            return_comment=comment.strip(),
        )
        if not changed:
            raise ValidationError("Отчёт уже проверен.")
        request.refresh_from_db()
        _record_request_history(request, user)
        _notify_region(request, "returned", user)
    return request


def _record_request_history(request: RegionalRequest, user) -> None:
    RegionalRequest.history.bulk_history_create([request], update=True, default_user=user)


def _notify_region(request: RegionalRequest, event: str, user) -> None:
    """Submit tells the region's users; return (with its reason) and accept tell the municipality's
    monitoring runners. In-app and by e-mail, once per event (keyed by the history row)."""
    from accounts.selectors import municipality_monitors, region_monitors

    campaign, municipality = request.campaign, request.municipality
    if event == "submitted":
        kind, recipients = "report_submitted", region_monitors(campaign.region_id)
        title = f"{municipality.name}: годовой отчёт сдан на проверку — {campaign.title}"
        message = f"Годовой аналитический отчёт {municipality.genitive} по запросу «{campaign.title}» ждёт проверки."
    elif event == "returned":
        kind, recipients = "report_returned", municipality_monitors(municipality.pk)
        title = f"Регион вернул годовой отчёт на доработку: {campaign.title}"
        message = f"Годовой отчёт по запросу «{campaign.title}» возвращён на доработку. Что исправить: {request.return_comment}"
    else:
        kind, recipients = "report_accepted", municipality_monitors(municipality.pk)
        title = f"Регион принял годовой отчёт: {campaign.title}"
        message = f"Годовой отчёт по запросу «{campaign.title}» принят. Спасибо!"
    _send_workflow_event(
        request,
        user=user,
        kind=kind,
        object_type="monitoring.regional_request.event",
        recipients=recipients,
        municipality=municipality,
        title=title,
        message=message,
        path=reverse("monitoring:region_request_detail", args=[request.pk]),
    )
