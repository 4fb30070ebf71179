"""Writes of the mentorship app: keyword-only, typed, named <entity>_<verb>.

Business rules live here, not in views or forms: the pair status machine, the consent rule for
activation and the capacity rule for mentors (checked under a row lock so that two curators
assigning the same mentor at once cannot exceed it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.forms import ModelForm
from django.utils import timezone

from accounts import scoping
from accounts.models import Municipality, Organization, local_today
from mentorship.models import (
    OPEN_PAIR_STATUSES,
    Community,
    CommunityMeeting,
    Consent,
    Event,
    EventKind,
    EventParticipant,
    EventResult,
    ImportJob,
    ImportStatus,
    Meeting,
    MentoringForm,
    Pair,
    PairParticipant,
    PairStatus,
    ParticipantRole,
    Person,
    PlanItem,
    Practice,
    PracticeFile,
    Program,
    ProgramSource,
    ProgramStatus,
    ProgramTemplate,
)


def _today(organization_id: int | None) -> dt.date:
    """Today in the municipality of the organization (accounts.models.local_today)."""
    if organization_id is None:
        return local_today()
    return local_today(Municipality.objects.only("timezone").get(organizations=organization_id))


# People and consents ---------------------------------------------------------------------------
def consent_add(
    *, user, person: Person, given_on: dt.date, purpose: str = "", representative_name: str = "", scan=None
) -> Consent:
    _require_edit(user, person.organization_id)
    consent = Consent(person=person, given_on=given_on, representative_name=representative_name.strip())
    if purpose:
        consent.purpose = purpose
    if scan:
        consent.scan = scan
    consent.full_clean()
    consent.save()
    return consent


def consent_correct(*, user, consent: Consent, given_on: dt.date, representative_name: str) -> Consent:
    """Correct a consent's date or representative (a typo, a missing parent's name); the consent's
    history keeps what was there before."""
    _require_edit(user, consent.person.organization_id)
    if consent.withdrawn_on:
        raise ValidationError("Согласие отозвано: его уже не исправляют, внесите новое.")
    consent.given_on = given_on
    consent.representative_name = representative_name.strip()
    consent.full_clean()
    consent.save(update_fields=["given_on", "representative_name"])
    return consent


def consent_withdraw(*, user, consent: Consent, on: dt.date | None = None) -> Consent:
    """Withdraw a consent; without another valid consent the person is anonymized at once and a
    destruction act is written (152-ФЗ)."""
    from mentorship.privacy import anonymize_on_withdrawal

    _require_edit(user, consent.person.organization_id)
    if consent.withdrawn_on:
        raise ValidationError("Согласие уже отозвано.")
    with transaction.atomic():
        consent.withdrawn_on = on or _today(consent.person.organization_id)
        consent.full_clean()
        consent.save(update_fields=["withdrawn_on"])
        anonymize_on_withdrawal(person=consent.person, user=user)
    return consent


def people_without_consent(*, people: Iterable[Person]) -> list[Person]:
    ids = [p.pk for p in people]
    with_consent = set(
        Consent.objects.filter(person_id__in=ids, withdrawn_on__isnull=True).values_list("person_id", flat=True)
    )
    return [p for p in people if p.pk not in with_consent]


# Capacity --------------------------------------------------------------------------------------
def mentor_load(*, mentor: Person, exclude_pair: Pair | None = None) -> int:
    """Mentees the mentor leads now: every mentee of every forming or active pair the mentor is in."""
    mentor_pairs = PairParticipant.objects.filter(pair=OuterRef("pair"), person=mentor, role=ParticipantRole.MENTOR)
    qs = PairParticipant.objects.filter(role=ParticipantRole.MENTEE, pair__status__in=OPEN_PAIR_STATUSES).filter(
        Exists(mentor_pairs)
    )
    if exclude_pair is not None:
        qs = qs.exclude(pair=exclude_pair)
    return qs.values("person").distinct().count()


def _check_capacity(*, mentors: Sequence[Person], new_mentees: int, pair: Pair | None = None) -> None:
    """Must run inside a transaction: the mentor rows are locked until it commits."""
    if not mentors or new_mentees <= 0:
        return
    locked = Person.objects.select_for_update().filter(pk__in=[m.pk for m in mentors]).order_by("pk")
    for mentor in locked:
        load = mentor_load(mentor=mentor, exclude_pair=pair)
        if load + new_mentees > mentor.capacity:
            raise ValidationError(
                f"У наставника {mentor.full_name} уже {load} наставляемых при допустимых {mentor.capacity}: "
                f"добавить ещё {new_mentees} нельзя."
            )


# Pairs -----------------------------------------------------------------------------------------
def _validate_mentor(*, organization: Organization, mentor: Person) -> None:
    if not mentor.is_mentor:
        raise ValidationError(f"{mentor.full_name} не состоит в банке наставников.")
    # a mentor of another school comes only from the municipal bank of the same municipality
    if mentor.organization_id != organization.pk and not (
        mentor.in_municipal_bank and mentor.organization.municipality_id == organization.municipality_id
    ):
        raise ValidationError(f"{mentor.full_name} — наставник другой организации и не в муниципальном банке.")


def _validate_mentee(*, organization: Organization, mentee: Person) -> None:
    if not mentee.is_mentee:
        raise ValidationError(f"{mentee.full_name} не состоит в банке наставляемых.")
    if mentee.organization_id != organization.pk:
        raise ValidationError(f"{mentee.full_name} — наставляемый другой организации.")


def _validate_participants(*, organization: Organization, mentors: Sequence[Person], mentees: Sequence[Person]) -> None:
    if not mentors:
        raise ValidationError("Выберите хотя бы одного наставника.")
    if not mentees:
        raise ValidationError("Выберите хотя бы одного наставляемого.")
    if {p.pk for p in mentors} & {p.pk for p in mentees}:
        raise ValidationError("Один и тот же человек не может быть в паре одновременно наставником и наставляемым.")
    for mentor in mentors:
        _validate_mentor(organization=organization, mentor=mentor)
    for mentee in mentees:
        _validate_mentee(organization=organization, mentee=mentee)


@transaction.atomic
def pair_create(
    *,
    user,
    organization: Organization,
    form: MentoringForm,
    mentors: Sequence[Person],
    mentees: Sequence[Person],
    formats: Iterable[MentoringForm] = (),
    title: str = "",
    started_on: dt.date | None = None,
    planned_end_on: dt.date | None = None,
    order_number: str = "",
    order_date: dt.date | None = None,
) -> Pair:
    _require_edit(user, organization)
    _validate_participants(organization=organization, mentors=mentors, mentees=mentees)
    _check_capacity(mentors=mentors, new_mentees=len(mentees))
    busy = PairParticipant.objects.filter(
        person__in=mentees, role=ParticipantRole.MENTEE, pair__status__in=OPEN_PAIR_STATUSES
    ).select_related("person")
    # a mentee in two open pairs at once is almost always a data-entry slip
    for participation in busy:
        raise ValidationError(f"{participation.person.full_name} уже состоит в действующей или формируемой паре.")
    pair = Pair(
        organization=organization,
        form=form,
        title=title.strip(),
        started_on=started_on,
        planned_end_on=planned_end_on,
        order_number=order_number.strip(),
        order_date=order_date,
    )
    pair.full_clean()
    pair.save()
    pair.formats.set(list(formats))
    PairParticipant.objects.bulk_create(
        [PairParticipant(pair=pair, person=m, role=ParticipantRole.MENTOR) for m in mentors]
        + [PairParticipant(pair=pair, person=m, role=ParticipantRole.MENTEE) for m in mentees]
    )
    return pair


@transaction.atomic
def pair_add_participant(*, user, pair: Pair, person: Person, role: str) -> PairParticipant:
    _require_edit(user, pair.organization_id)
    if not pair.is_open:
        raise ValidationError("В завершённую или прекращённую пару участников не добавляют.")
    if pair.participants.filter(person=person).exists():
        raise ValidationError(f"{person.full_name} уже в этой паре (группе).")
    current = list(pair.participants.select_related("person__organization"))
    mentors = [p.person for p in current if p.role == ParticipantRole.MENTOR]
    mentees = [p.person for p in current if p.role == ParticipantRole.MENTEE]
    if role == ParticipantRole.MENTOR:
        _validate_mentor(organization=pair.organization, mentor=person)
        _check_capacity(mentors=[person], new_mentees=len(mentees))
    else:
        _validate_mentee(organization=pair.organization, mentee=person)
        if PairParticipant.objects.filter(
            person=person, role=ParticipantRole.MENTEE, pair__status__in=OPEN_PAIR_STATUSES
        ).exists():
            raise ValidationError(f"{person.full_name} уже состоит в действующей или формируемой паре.")
        _check_capacity(mentors=mentors, new_mentees=1)
    participant = PairParticipant(pair=pair, person=person, role=role)
    participant.save()
    return participant


@transaction.atomic
def pair_remove_participant(*, user, participant: PairParticipant) -> None:
    pair = participant.pair
    _require_edit(user, pair.organization_id)
    if pair.status != PairStatus.FORMING:
        raise ValidationError("Состав меняют, пока пара формируется; действующую пару можно прекратить.")
    participant.delete()


def _lock(pair: Pair) -> Pair:
    return Pair.objects.select_for_update().select_related("organization").get(pk=pair.pk)


@transaction.atomic
def pair_activate(*, user, pair: Pair, on: dt.date | None = None) -> Pair:
    pair = _lock(pair)
    _require_edit(user, pair.organization)
    if pair.status != PairStatus.FORMING:
        raise ValidationError(f"Запустить можно только формируемую пару (сейчас: {pair.get_status_display().lower()}).")
    participants = list(pair.participants.select_related("person"))
    roles = {p.role for p in participants}
    if roles != {ParticipantRole.MENTOR, ParticipantRole.MENTEE}:
        raise ValidationError("В паре должны быть наставник и наставляемый.")
    missing = people_without_consent(people=[p.person for p in participants])
    if missing:
        names = ", ".join(p.full_name for p in missing)
        raise ValidationError(f"Нет согласия на обработку персональных данных: {names}. Внесите согласия и повторите.")
    if not (pair.order_number and pair.order_date):
        raise ValidationError("Укажите номер и дату приказа о закреплении пары (группы).")
    mentors = [p.person for p in participants if p.role == ParticipantRole.MENTOR]
    mentee_count = sum(1 for p in participants if p.role == ParticipantRole.MENTEE)
    _check_capacity(mentors=mentors, new_mentees=mentee_count, pair=pair)
    pair.status = PairStatus.ACTIVE
    pair.started_on = pair.started_on or on or _today(pair.organization_id)
    pair.save(update_fields=["status", "started_on", "updated_at"])
    Program.objects.filter(pair=pair, status=ProgramStatus.DRAFT).update(status=ProgramStatus.IN_PROGRESS)
    return pair


@transaction.atomic
def pair_complete(*, user, pair: Pair, on: dt.date | None = None, results: str = "", reflection: str = "") -> Pair:
    """Completion is the planned outcome: the program records its results and reflection."""
    pair = _lock(pair)
    _require_edit(user, pair.organization)
    if pair.status != PairStatus.ACTIVE:
        raise ValidationError("Завершить можно только действующую пару.")
    program = Program.objects.filter(pair=pair).first()
    if program is not None and program.status != ProgramStatus.COMPLETED:
        program_complete(user=user, program=program, results=results, reflection=reflection, on=on)
    pair.status = PairStatus.COMPLETED
    pair.ended_on = on or _today(pair.organization_id)
    pair.save(update_fields=["status", "ended_on", "updated_at"])
    return pair


@transaction.atomic
def pair_stop(*, user, pair: Pair, reason: str, on: dt.date | None = None) -> Pair:
    """Stopping early is a different outcome from completion, and keeps its reason."""
    pair = _lock(pair)
    _require_edit(user, pair.organization)
    if not pair.is_open:
        raise ValidationError("Пара уже завершена или прекращена.")
    if not reason.strip():
        raise ValidationError("Укажите причину досрочного прекращения.")
    pair.status = PairStatus.STOPPED
    pair.stop_reason = reason.strip()
    pair.ended_on = on or _today(pair.organization_id)
    pair.save(update_fields=["status", "stop_reason", "ended_on", "updated_at"])
    # the mentees go back to the waiting list from today
    Person.objects.filter(participations__pair=pair, participations__role=ParticipantRole.MENTEE).update(
        mentee_since=pair.ended_on
    )
    return pair


# Programs --------------------------------------------------------------------------------------
@transaction.atomic
def program_create(
    *,
    user,
    pair: Pair,
    source: str = ProgramSource.BLANK,
    title: str = "",
    template: ProgramTemplate | None = None,
    based_on: Program | None = None,
) -> Program:
    _require_edit(user, pair.organization_id)
    if Program.objects.filter(pair=pair).exists():
        raise ValidationError("У этой пары уже есть программа.")
    if not pair.is_open:
        raise ValidationError("Программу составляют для формируемой или действующей пары.")
    start = pair.started_on or _today(pair.organization_id)
    program = Program(pair=pair, source=source, title=title.strip())
    items: list[PlanItem] = []
    deficits = []
    if source == ProgramSource.TEMPLATE:
        if template is None:
            raise ValidationError("Выберите типовую программу.")
        program.template = template
        program.title = program.title or template.title.replace("Типовая программа", "Программа")
        program.goals, program.expected_results = template.goals, template.expected_results
        items = [
            PlanItem(title=i.title, stage=i.stage, order=i.order, due_on=start + dt.timedelta(days=i.offset_days))
            for i in template.items.all()
        ]
    elif source == ProgramSource.BANK:
        if based_on is None:
            raise ValidationError("Выберите программу из базы.")
        program.based_on = based_on
        program.title = program.title or based_on.title
        program.goals, program.expected_results = based_on.goals, based_on.expected_results
        # keep the rhythm of the original plan, moved to this pair's start
        origin = based_on.pair.started_on or based_on.created_at.date()
        items = [
            PlanItem(
                title=i.title, stage=i.stage, order=i.order, due_on=start + (i.due_on - origin) if i.due_on else None
            )
            for i in based_on.items.all()
        ]
        deficits = list(based_on.deficits.all())
    else:
        program.source = ProgramSource.BLANK
    if not program.title:
        program.title = f"Персонализированная программа наставничества: {pair}"
    if pair.status == PairStatus.ACTIVE:
        program.status = ProgramStatus.IN_PROGRESS
    program.full_clean()
    program.save()
    for item in items:
        item.program = program
    PlanItem.objects.bulk_create(items)
    mentee_deficits = {
        d.pk for m in pair.participants.filter(role=ParticipantRole.MENTEE) for d in m.person.deficits.all()
    }
    program.deficits.set([d.pk for d in deficits] + list(mentee_deficits))
    return program


def program_complete(*, user, program: Program, results: str, reflection: str, on: dt.date | None = None) -> Program:
    _require_edit(user, program.pair.organization_id)
    if not results.strip():
        raise ValidationError("Опишите достигнутые результаты программы.")
    if not reflection.strip():
        raise ValidationError("Опишите итоги рефлексии.")
    program.results, program.reflection = results.strip(), reflection.strip()
    program.status = ProgramStatus.COMPLETED
    program.completed_on = on or _today(program.pair.organization_id)
    program.save(update_fields=["results", "reflection", "status", "completed_on", "updated_at"])
    return program


def program_publish(*, user, program: Program, publish: bool = True) -> Program:
    _require_edit(user, program.pair.organization_id)
    program.is_published = publish
    program.published_on = _today(program.pair.organization_id) if publish else None
    program.save(update_fields=["is_published", "published_on", "updated_at"])
    return program


def plan_item_toggle(*, user, item: PlanItem) -> PlanItem:
    _require_edit(user, item.program.pair.organization_id)
    item.done = not item.done
    item.done_on = _today(item.program.pair.organization_id) if item.done else None
    item.save(update_fields=["done", "done_on"])
    return item


# Registries ------------------------------------------------------------------------------------
@transaction.atomic
def event_participant_set(*, user, event: Event, person: Person, result: str) -> EventParticipant:
    """Winners and prize-winners of a contest join the municipal mentor bank."""
    _require_edit_municipal_or_school(user, event)
    if user is not None and not scoping.can_view_organization(user, person.organization_id):
        raise PermissionDenied("Этот человек вам не виден.")
    participant, _ = EventParticipant.objects.update_or_create(event=event, person=person, defaults={"result": result})
    if event.kind == EventKind.CONTEST and result in (EventResult.WINNER, EventResult.PRIZE) and person.is_mentor:
        award = f"{participant.get_result_display()} конкурса «{event.title}» ({event.starts_on:%Y})"
        if award not in person.awards:
            person.awards = f"{person.awards}\n{award}".strip()
        person.in_municipal_bank = True
        person.save()
    return participant


# Matching confirmation ------------------------------------------------------------------------
@dataclass(frozen=True)
class PairDraft:
    mentee: Person
    mentor: Person
    form: MentoringForm


@transaction.atomic
def pairs_create_from_drafts(
    *, user, organization_of: dict[int, Organization], drafts: Sequence[PairDraft]
) -> list[Pair]:
    """All the reviewed suggestions become forming pairs together, or none do."""
    pairs = []
    for draft in drafts:
        pairs.append(
            pair_create(
                user=user,
                organization=organization_of[draft.mentee.organization_id],
                form=draft.form,
                mentors=[draft.mentor],
                mentees=[draft.mentee],
            )
        )
    return pairs


# Writes of the screens' forms --------------------------------------------------------------------
# The views validate a form and hand it here: the service checks that the user may change the
# organization (or municipality) the row belongs to, then writes, so no view writes a model.
# `user=None` is the operator's command line or the demo seeder: no scope to check (as in
# roadmaps.services.roadmap_import). Every other caller passes the signed-in user.
def _require_edit(user, organization: Organization | int) -> None:
    if user is None:
        return
    if not scoping.can_edit_organization(user, organization):
        raise PermissionDenied("Нет права изменять данные этой организации.")


def _require_edit_municipal_or_school(user, obj) -> None:
    if user is None:
        return
    if obj.organization_id:
        _require_edit(user, obj.organization_id)
    elif not scoping.can_edit_municipality(user, obj.municipality_id):
        raise PermissionDenied("Муниципальные записи ведёт координатор.")


@transaction.atomic
def person_save(*, user, form: ModelForm) -> Person:
    """Create or change a person from a validated form (the organization must be the user's), with
    the form's consent section (PersonForm.consent_changes): a consent typed for a person who has
    no valid one is added; the current one is corrected in place (its history keeps the old
    values) or withdrawn (consent_withdraw: without another valid consent the data are anonymized
    and the participant's account closed)."""
    person = form.save(commit=False)
    _require_edit(user, person.organization_id)
    if form.instance.pk is not None:
        previous = Person.objects.filter(pk=person.pk).values_list("organization_id", flat=True).first()
        if previous is not None:
            _require_edit(user, previous)
    person.save()
    form.save_m2m()
    changes = getattr(form, "consent_changes", {})
    current, given_on = changes.get("current"), changes.get("given_on")
    representative = changes.get("representative_name", "")
    if current is None:
        if given_on:
            consent_add(user=user, person=person, given_on=given_on, representative_name=representative)
        return person
    if given_on and (given_on, representative) != (current.given_on, current.representative_name):
        consent_correct(user=user, consent=current, given_on=given_on, representative_name=representative)
    if changes.get("withdrawn_on"):
        consent_withdraw(user=user, consent=current, on=changes["withdrawn_on"])
    return person


@transaction.atomic
def pair_save(*, user, form: ModelForm) -> Pair:
    pair = form.save(commit=False)
    _require_edit(user, pair.organization_id)
    pair.save()
    form.save_m2m()
    return pair


@transaction.atomic
def program_save(*, user, form: ModelForm) -> Program:
    program = form.save(commit=False)
    _require_edit(user, program.pair.organization_id)
    program.save()
    form.save_m2m()
    return program


@transaction.atomic
def plan_item_add(*, user, program: Program, form: ModelForm) -> PlanItem:
    """Append a plan item; numbering is race-free: the program row is locked while the next
    number is taken, so two simultaneous additions never get the same number."""
    _require_edit(user, program.pair.organization_id)
    Program.objects.select_for_update().filter(pk=program.pk).first()
    item = form.save(commit=False)
    item.program = program
    item.order = (PlanItem.objects.filter(program=program).aggregate(m=Max("order"))["m"] or 0) + 1
    item.save()
    return item


@transaction.atomic
def meeting_save(*, user, form: ModelForm, pair: Pair | None = None) -> Meeting:
    """Record a meeting of an active pair (`pair` for a new one) or change a recorded one."""
    meeting = form.save(commit=False)
    if pair is not None:
        if pair.status != PairStatus.ACTIVE:
            raise ValidationError("Встречи записывают для действующей пары.")
        meeting.pair = pair
    _require_edit(user, meeting.pair.organization_id)
    meeting.save()
    form.save_m2m()
    return meeting


@transaction.atomic
def practice_save(*, user, form: ModelForm, file=None) -> Practice:
    """Create or change a practice; a first publication dates it; `file` is attached."""
    practice = form.save(commit=False)
    _require_edit(user, practice.organization_id)
    if practice.is_published and not practice.published_on:
        practice.published_on = _today(practice.organization_id)
    practice.save()
    form.save_m2m()
    if file:
        PracticeFile.objects.create(practice=practice, file=file)
    return practice


@transaction.atomic
def practice_file_add(*, user, practice: Practice, form: ModelForm) -> PracticeFile:
    _require_edit(user, practice.organization_id)
    attached = form.save(commit=False)
    attached.practice = practice
    attached.save()
    return attached


@transaction.atomic
def registry_entry_save(*, user, form: ModelForm) -> Event | Community:
    """An event or a community: municipal rows need the municipality's edit right, school rows
    the organization's."""
    entry = form.save(commit=False)
    _require_edit_municipal_or_school(user, entry)
    entry.save()
    form.save_m2m()
    return entry


def community_member_add(*, user, community: Community, person: Person) -> None:
    _require_edit_municipal_or_school(user, community)
    community.members.add(person)


@transaction.atomic
def community_meeting_add(*, user, community: Community, form: ModelForm) -> CommunityMeeting:
    _require_edit_municipal_or_school(user, community)
    meeting = form.save(commit=False)
    meeting.community = community
    meeting.save()
    return meeting


def import_job_create(*, user, form: ModelForm) -> ImportJob:
    """Record an uploaded file and its background job (sent after commit, or by the dispatcher)."""
    if not scoping.scope_for(user).edits_anything:
        raise PermissionDenied("Загружать данные может куратор или координатор.")
    return import_job_start(user=user, job=form.save(commit=False))


# Background Excel imports ------------------------------------------------------------------------
IMPORT_JOB = "mentorship.import"


def import_job_key(import_job_id: int) -> str:
    return f"{IMPORT_JOB}:{import_job_id}"


def import_job_start(*, user, job: ImportJob) -> ImportJob:
    """Save the uploaded file's job and record its background run in one transaction; returns at
    once whatever the broker's state (jobs.services sends it after commit or later)."""
    from jobs.services import job_enqueue

    with transaction.atomic():
        job.user = user
        job.save()
        job_enqueue(kind=IMPORT_JOB, key=import_job_key(job.pk), params={"job_id": job.pk}, user=user)
    return job


def import_job_retry(*, job_id: int) -> None:
    """Before a retry: the import is one transaction, so a dead worker wrote nothing; start over."""
    ImportJob.objects.filter(pk=job_id, status__in=(ImportStatus.RUNNING, ImportStatus.FAILED)).update(
        status=ImportStatus.QUEUED, processed_rows=0, message="", errors=[], finished_at=None
    )


def import_job_failed(*, job_id: int, reason: str) -> None:
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportStatus.DONE).update(
        status=ImportStatus.FAILED,
        message=f"Загрузка прервана: {reason}. Ничего не записано: загрузите файл снова.",
        finished_at=timezone.now(),
    )


# Excel import in the main interface: preview (a dry run, nothing written) → confirm → background job
IMPORT_STAGED_KIND = "mentorship.import"
PREVIEW_ROWS = 20


@dataclass
class ImportPreview:
    kind: str
    sheet: str
    headers: list
    rows: list  # (Excel row number, values) of the first PREVIEW_ROWS rows
    total_rows: int
    problems: list  # accounts.imports.Problem, by row
    counts: dict
    key: str = ""  # the staged upload to confirm (only when there are no problems)


def _cell_text(value) -> str:
    """A cell as the preview shows it: dates as дд.мм.гггг, whole numbers without «.0», empty as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y}" if not (value.hour or value.minute) else f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def import_preview(*, user, kind: str, content: bytes, filename: str, sheet: str | None = None) -> ImportPreview:
    """The admin's preview for the main interface: read the file and run the import as a dry run
    (accounts.imports, the same checks and Russian row errors); without problems the file is staged
    for the confirm. Nothing of the data is written."""
    from accounts import imports
    from mentorship.exchange import RESOURCES

    if not scoping.scope_for(user).edits_anything:
        raise PermissionDenied("Загружать данные может куратор или координатор.")
    resource = RESOURCES[kind](user=user)  # type: ignore[index]  # a validated ImportKind value
    read = imports.read_workbook(content, filename, expected=resource.import_template().headers, sheet=sheet)
    result, problems = imports.import_sheet(resource, read, dry_run=True, file_name=filename, user=user)
    preview = ImportPreview(
        kind=kind,
        sheet=read.name,
        headers=list(read.headers),
        rows=[
            (read.first_data_row + i, [_cell_text(v) for v in row]) for i, row in enumerate(read.rows[:PREVIEW_ROWS])
        ],
        total_rows=len(read.rows),
        problems=problems,
        counts=imports.result_counts(result),
    )
    if not problems:
        staged = imports.stage_upload(
            user=user,
            kind=IMPORT_STAGED_KIND,
            content=content,
            filename=filename,
            params={"kind": kind, "sheet": read.name},
        )
        preview.key = str(staged.key)
    return preview


def import_confirm(*, user, key: str) -> ImportJob | None:
    """Write a previewed file: its background job is created once (a second or concurrent confirm
    of the same preview returns the same job). None: the preview is unknown, foreign or expired."""
    from django.core.files.base import ContentFile

    from accounts import imports

    if not scoping.scope_for(user).edits_anything:
        raise PermissionDenied("Загружать данные может куратор или координатор.")
    staged = imports.staged_for(user, key, IMPORT_STAGED_KIND)
    if staged is None:
        return None

    def apply(staged, content: bytes) -> dict:
        job = ImportJob(kind=staged.params.get("kind"), sheet=staged.params.get("sheet") or "")
        job.file.save(staged.original_name or "import.xlsx", ContentFile(content), save=False)
        job = import_job_start(user=user, job=job)
        return {"ok": True, "job_id": job.pk}

    outcome = imports.confirm_staged(staged, apply)
    job_id = outcome.get("job_id")
    return ImportJob.objects.filter(pk=job_id, user=user).first() if job_id else None
