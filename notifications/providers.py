"""What is due to be reminded on a given local date: one provider per kind, in a registry.

A provider is `provider(ctx) -> Iterable[Planned]`: the object, its recipients and the context of
the reminder. Providers only read. Kinds backed by another app (mentorship, monitoring) check that
the app's models and tables exist and are skipped otherwise, so a half-built app never stops the
roadmap reminders from going out.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Count, Max, Q
from django.urls import NoReverseMatch, reverse

from accounts import scoping
from accounts.models import Municipality, Role, RoleAssignment
from notifications.kinds import (
    EVENT_KINDS,
    MEETING_FEEDBACK_AFTER_DAYS,
    MEETING_FEEDBACK_GIVE_UP_DAYS,
    MENTEE_WAITING_DAYS,
    PAIR_SILENCE_DAYS,
    REPEAT_EVERY_DAYS,
    Kind,
    daily_then_weekly,
    daily_then_weekly_dates,
    first_then_weekly,
    first_then_weekly_dates,
)
from notifications.models import ReminderSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Planned:
    """One reminder about one object, before it is split into one key per recipient."""

    object_type: str
    object_id: int
    kind: str
    recipients: tuple  # users
    title: str
    message: str
    path: str = ""
    organization_id: int | None = None
    due_date: dt.date | None = None


@dataclass
class SweepContext:
    municipality: Municipality
    today: dt.date
    rules: ReminderSettings
    _curators: dict[int, list] | None = field(default=None, repr=False)
    _coordinators: list | None = field(default=None, repr=False)
    _records: list | None = field(default=None, repr=False)

    def curators(self, organization_id: int | None) -> tuple:
        """Curators of an organization who may edit it (checked through accounts.scoping)."""
        if organization_id is None:
            return self.coordinators()
        if self._curators is None:
            self._load_staff()
        return tuple(self._curators.get(organization_id, ()))

    def coordinators(self) -> tuple:
        if self._coordinators is None:
            self._load_staff()
        return tuple(self._coordinators)

    def _load_staff(self) -> None:
        """Curators and coordinators of the municipality in one query, their scopes in one more
        (one query a curator made the preview and the sweep grow with the number of schools)."""
        rows = list(
            RoleAssignment.objects.filter(
                Q(role=Role.CURATOR, organization__municipality=self.municipality, organization__is_active=True)
                | Q(role=Role.COORDINATOR, municipality=self.municipality),
                user__is_active=True,
            )
            .select_related("user", "organization")
            .order_by("pk")
        )
        users: dict[int, object] = {}
        for row in rows:
            users.setdefault(row.user_id, row.user)  # one user object per id: its scope is cached on it
        scoping.scopes_for(users.values())
        by_org: dict[int, list] = defaultdict(list)
        coordinators = []
        for row in rows:
            user = users[row.user_id]
            if row.role == Role.CURATOR and scoping.can_edit_organization(user, row.organization):
                by_org[row.organization_id].append(user)
            elif row.role == Role.COORDINATOR and scoping.can_edit_municipality(user, self.municipality.pk):
                coordinators.append(user)
        self._curators, self._coordinators = dict(by_org), coordinators

    def open_records_on(self, dates) -> list:
        """Open execution records due on `dates`, earliest first. The four roadmap reminders share
        one query for all the dates any of them fires on today."""
        if self._records is None:
            wanted = {
                self.today,
                *(self.today + dt.timedelta(days=d) for d in self.rules.days_before_list),
                *daily_then_weekly_dates(self.today),
                *first_then_weekly_dates(self.today, first=self.rules.escalation_days + 1),
            }
            self._records = list(_open_records(self).filter(due__date__in=sorted(wanted)))
        dates = set(dates)
        return [r for r in self._records if r.due.date in dates]


Provider = Callable[[SweepContext], Iterable[Planned]]
_registry: dict[str, Provider] = {}


def provider(kind: str) -> Callable[[Provider], Provider]:
    def register(func: Provider) -> Provider:
        _registry[kind] = func
        return func

    return register


def registered_kinds() -> list[str]:
    return list(_registry)


def get_provider(kind: str) -> Provider | None:
    return _registry.get(kind)


DAILY_KINDS = [k for k in Kind.values if k != Kind.WEEKLY_DIGEST and k not in EVENT_KINDS]


# Helpers ----------------------------------------------------------------------------------------
def _path(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _days(n: int) -> str:
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        word = "день"
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = "дня"
    else:
        word = "дней"
    return f"{n} {word}"


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def model_ready(app_label: str, model_name: str, *fields: str):
    """The model if its app is installed, the model and the fields exist and its table is migrated."""
    if not apps.is_installed(app_label):
        return None
    try:
        model = apps.get_model(app_label, model_name)
        for name in fields:
            model._meta.get_field(name.split("__")[0])
    except (LookupError, FieldDoesNotExist):
        return None
    if model._meta.db_table not in _table_names():
        return None
    return model


_tables: tuple[float, frozenset[str]] = (0.0, frozenset())
TABLES_TTL_SECONDS = 60


def _table_names() -> frozenset[str]:
    """The database's tables, read at most once a minute: a sweep of 60 municipalities asked 240 times."""
    global _tables
    now = time.monotonic()
    if now - _tables[0] > TABLES_TTL_SECONDS or not _tables[1]:
        _tables = (now, frozenset(connection.introspection.table_names()))
    return _tables[1]


# Roadmap execution ------------------------------------------------------------------------------
def _open_records(ctx: SweepContext):
    from roadmaps.models import ExecutionRecord, ExecutionStatus, RoadmapStatus

    return (
        ExecutionRecord.objects.filter(
            municipality=ctx.municipality,
            activity__roadmap__status=RoadmapStatus.APPROVED,
            activity__roadmap__is_template=False,
        )
        .exclude(status=ExecutionStatus.DONE)
        .filter(Q(organization__isnull=True) | Q(organization__is_active=True))
        .select_related("activity__roadmap", "due", "organization")
        # only what the reminder's text and key use: activities and roadmaps carry long texts
        .only(
            "id",
            "status",
            "municipality_id",
            "organization_id",
            "activity_id",
            "due_id",
            "activity__number",
            "activity__title",
            "activity__roadmap_id",
            "activity__roadmap__title",
            "due__date",
            "organization__short_name",
            "organization__is_active",
        )
        .order_by("due__date", "pk")
    )


def _record_text(record) -> tuple[str, str]:
    activity = record.activity
    where = record.organization.short_name if record.organization_id else "муниципальный уровень"
    name = _short(f"{activity.number} {activity.title}".strip())
    body = (
        f"Мероприятие «{name}» дорожной карты «{record.activity.roadmap.short_title}» ({where}), "
        f"срок — {record.due.date:%d.%m.%Y}."
    )
    return name, body


def _record_planned(record, kind: str, recipients: tuple, title: str, message: str) -> Planned:
    return Planned(
        object_type="roadmaps.executionrecord",
        object_id=record.pk,
        kind=kind,
        recipients=recipients,
        title=title,
        message=message,
        path=_path("roadmaps:record", record.pk),
        organization_id=record.organization_id,
        due_date=record.due.date,
    )


@provider(Kind.ROADMAP_DUE_SOON)
def roadmap_due_soon(ctx: SweepContext) -> Iterable[Planned]:
    targets = {ctx.today + dt.timedelta(days=d): d for d in ctx.rules.days_before_list}
    for record in ctx.open_records_on(targets):
        days = targets[record.due.date]
        name, body = _record_text(record)
        yield _record_planned(
            record,
            Kind.ROADMAP_DUE_SOON,
            ctx.curators(record.organization_id),
            f"Через {_days(days)} срок: {name}",
            f"{body} Отметьте выполнение и приложите подтверждение до срока.",
        )


@provider(Kind.ROADMAP_DUE_TODAY)
def roadmap_due_today(ctx: SweepContext) -> Iterable[Planned]:
    for record in ctx.open_records_on([ctx.today]):
        name, body = _record_text(record)
        yield _record_planned(
            record,
            Kind.ROADMAP_DUE_TODAY,
            ctx.curators(record.organization_id),
            f"Сегодня срок: {name}",
            f"{body} Сегодня последний день.",
        )


@provider(Kind.ROADMAP_OVERDUE)
def roadmap_overdue(ctx: SweepContext) -> Iterable[Planned]:
    for record in ctx.open_records_on(daily_then_weekly_dates(ctx.today)):
        late = (ctx.today - record.due.date).days
        if not daily_then_weekly(late):
            continue
        name, body = _record_text(record)
        yield _record_planned(
            record,
            Kind.ROADMAP_OVERDUE,
            ctx.curators(record.organization_id),
            f"Просрочено на {_days(late)}: {name}",
            f"{body} Срок прошёл {_days(late)} назад: отметьте выполнение или напишите комментарий.",
        )


@provider(Kind.ROADMAP_ESCALATION)
def roadmap_escalation(ctx: SweepContext) -> Iterable[Planned]:
    first = ctx.rules.escalation_days + 1
    dates = first_then_weekly_dates(ctx.today, first=first)
    for record in (r for r in ctx.open_records_on(dates) if r.organization_id is not None):
        late = (ctx.today - record.due.date).days
        if not first_then_weekly(late, first=first):
            continue
        name, body = _record_text(record)
        yield _record_planned(
            record,
            Kind.ROADMAP_ESCALATION,
            ctx.coordinators(),
            f"{record.organization.short_name}: просрочка {_days(late)}",
            f"{body} Организация не отметила выполнение {_days(late)} после срока.",
        )


# Mentorship -------------------------------------------------------------------------------------
def _feedback_meetings(ctx: SweepContext) -> list[tuple]:
    """Meetings of the municipality still missing feedback on one of today's cadence days, with
    the sides missing and, per side, the participants who have their own account (read once per
    sweep: the participants' and the curators' reminders share it)."""
    cached = getattr(ctx, "_feedback_cache", None)
    if cached is None:
        cached = list(_read_feedback_meetings(ctx))
        ctx._feedback_cache = cached
    return cached


def _read_feedback_meetings(ctx: SweepContext):
    Meeting = model_ready("mentorship", "Meeting", "pair", "held_on", "mentor_feedback", "mentee_feedback")
    if Meeting is None:
        return
    PairParticipant = apps.get_model("mentorship", "PairParticipant")
    has_accounts = model_ready("mentorship", "Person", "user") is not None
    oldest = ctx.today - dt.timedelta(days=MEETING_FEEDBACK_GIVE_UP_DAYS)
    newest = ctx.today - dt.timedelta(days=MEETING_FEEDBACK_AFTER_DAYS)
    meetings = (
        Meeting.objects.filter(
            pair__organization__municipality=ctx.municipality,
            held_on__range=(oldest, newest),
            held_on__in=first_then_weekly_dates(
                ctx.today, first=MEETING_FEEDBACK_AFTER_DAYS, last=MEETING_FEEDBACK_GIVE_UP_DAYS
            ),
        )
        .select_related("pair__organization")
        .order_by("held_on", "pk")
    )
    if has_accounts:
        from django.db.models import Exists, OuterRef

        def with_account(role):
            return Exists(
                PairParticipant.objects.filter(
                    pair_id=OuterRef("pair_id"), role=role, person__user__isnull=False, person__user__is_active=True
                )
            )

        # whether a side has someone with an account, in the same query (the sweep's query budget)
        meetings = meetings.annotate(mentor_account=with_account("mentor"), mentee_account=with_account("mentee"))
    meetings = [m for m in meetings if not m.is_complete]
    users_by_pair: dict[tuple[int, str], list] = defaultdict(list)
    wanted = {m.pair_id for m in meetings if getattr(m, "mentor_account", False) or getattr(m, "mentee_account", False)}
    if wanted:
        for participant in PairParticipant.objects.filter(
            pair_id__in=wanted, person__user__isnull=False, person__user__is_active=True
        ).select_related("person__user"):
            users_by_pair[(participant.pair_id, participant.role)].append(participant.person.user)
    for meeting in meetings:
        if meeting.is_complete:
            continue
        days = (ctx.today - meeting.held_on).days
        if not first_then_weekly(days, first=MEETING_FEEDBACK_AFTER_DAYS):
            continue
        missing = [
            side
            for side, ok in (("mentor", meeting.has_mentor_feedback), ("mentee", meeting.has_mentee_feedback))
            if not ok
        ]
        accounts = {side: users_by_pair.get((meeting.pair_id, side), []) for side in missing}
        yield meeting, days, missing, accounts


@provider(Kind.FEEDBACK_TO_GIVE)
def feedback_to_give(ctx: SweepContext) -> Iterable[Planned]:
    """The participant is reminded first (on day MEETING_FEEDBACK_AFTER_DAYS, then weekly)."""
    for meeting, days, _missing, accounts in _feedback_meetings(ctx):
        recipients = tuple(u for users in accounts.values() for u in users)
        if not recipients:
            continue
        yield Planned(
            object_type="mentorship.meeting",
            object_id=meeting.pk,
            kind=Kind.FEEDBACK_TO_GIVE,
            recipients=recipients,
            title=f"Оставьте отзыв о встрече {meeting.held_on:%d.%m.%Y}",
            message=(
                f"Встреча «{_short(meeting.topic, 80)}» от {meeting.held_on:%d.%m.%Y}: вы ещё не оставили "
                f"обратную связь. Прошло {_days(days)}."
            ),
            path=_path("participant:feedback", meeting.pk),
            organization_id=meeting.pair.organization_id,
        )


@provider(Kind.MEETING_FEEDBACK_MISSING)
def meeting_feedback_missing(ctx: SweepContext) -> Iterable[Planned]:
    """The curator: at once for a side nobody of which has an account (pupils), otherwise a week
    after the participants' own reminder."""
    for meeting, days, missing, accounts in _feedback_meetings(ctx):
        participants_first = all(accounts[side] for side in missing)
        if participants_first and days < MEETING_FEEDBACK_AFTER_DAYS + REPEAT_EVERY_DAYS:
            continue
        labels = {"mentor": "наставника", "mentee": "наставляемого"}
        organization = meeting.pair.organization
        yield Planned(
            object_type="mentorship.meeting",
            object_id=meeting.pk,
            kind=Kind.MEETING_FEEDBACK_MISSING,
            recipients=ctx.curators(organization.pk),
            title=f"Нет обратной связи: встреча {meeting.held_on:%d.%m.%Y}",
            message=(
                f"Встреча «{_short(meeting.topic, 80)}» от {meeting.held_on:%d.%m.%Y} ({organization.short_name}): "
                f"нет обратной связи {' и '.join(labels[s] for s in missing)}. Прошло {_days(days)}."
            ),
            path=_path("mentorship:pair_detail", meeting.pair_id),
            organization_id=organization.pk,
        )


@provider(Kind.MENTEE_WAITING)
def mentee_waiting(ctx: SweepContext) -> Iterable[Planned]:
    Person = model_ready("mentorship", "Person", "organization", "is_mentee", "mentee_since", "participations")
    if Person is None:
        return
    from mentorship.models import OPEN_PAIR_STATUSES, ParticipantRole

    since = ctx.today - dt.timedelta(days=MENTEE_WAITING_DAYS + 1)
    people = (
        Person.objects.filter(
            organization__municipality=ctx.municipality,
            organization__is_active=True,
            is_mentee=True,
            is_active=True,
            mentee_since__lte=since,
            mentee_since__in=first_then_weekly_dates(ctx.today, first=MENTEE_WAITING_DAYS + 1),
        )
        .exclude(participations__role=ParticipantRole.MENTEE, participations__pair__status__in=OPEN_PAIR_STATUSES)
        .select_related("organization")
        .order_by("mentee_since", "pk")
    )
    for person in people:
        days = (ctx.today - person.mentee_since).days
        if not first_then_weekly(days, first=MENTEE_WAITING_DAYS + 1):
            continue
        yield Planned(
            object_type="mentorship.person",
            object_id=person.pk,
            kind=Kind.MENTEE_WAITING,
            recipients=ctx.curators(person.organization_id),
            title=f"{person.short_name} ждёт наставника {_days(days)}",
            message=(
                f"Наставляемый {person.full_name} ({person.organization.short_name}) в банке наставляемых "
                f"с {person.mentee_since:%d.%m.%Y} и до сих пор без пары. Подберите наставника."
            ),
            path=_path("mentorship:person_detail", person.pk),
            organization_id=person.organization_id,
        )


@provider(Kind.PAIR_INACTIVE)
def pair_inactive(ctx: SweepContext) -> Iterable[Planned]:
    Pair = model_ready("mentorship", "Pair", "organization", "status", "started_on", "meetings")
    if Pair is None:
        return
    from mentorship.models import PairStatus

    silent = first_then_weekly_dates(ctx.today, first=PAIR_SILENCE_DAYS)
    pairs = (
        Pair.objects.filter(organization__municipality=ctx.municipality, status=PairStatus.ACTIVE)
        .annotate(last_meeting=Max("meetings__held_on"))
        .filter(Q(last_meeting__in=silent) | Q(last_meeting__isnull=True, started_on__in=silent))
        .select_related("organization")
        .order_by("pk")
    )
    for pair in pairs:
        since = pair.last_meeting or pair.started_on
        if since is None:
            continue
        days = (ctx.today - since).days
        if not first_then_weekly(days, first=PAIR_SILENCE_DAYS):
            continue
        what = (
            f"последняя встреча {since:%d.%m.%Y}"
            if pair.last_meeting
            else f"встреч не было с начала ({since:%d.%m.%Y})"
        )
        label = pair.title or f"пара № {pair.pk}"
        yield Planned(
            object_type="mentorship.pair",
            object_id=pair.pk,
            kind=Kind.PAIR_INACTIVE,
            recipients=ctx.curators(pair.organization_id),
            title=f"Нет встреч {_days(days)}: {label}",
            message=f"Наставническая пара «{label}» ({pair.organization.short_name}): {what}. Запланируйте встречу.",
            path=_path("mentorship:pair_detail", pair.pk),
            organization_id=pair.organization_id,
        )


# Monitoring -------------------------------------------------------------------------------------
# A campaign's assignment to a school (monitoring.Assignment) is "handed in" once submitted or
# accepted; a draft or a returned one after the campaign's deadline is overdue.
OPEN_ASSIGNMENT_STATUSES = ("draft", "returned")


@provider(Kind.CAMPAIGN_REPORT_OVERDUE)
def campaign_report_overdue(ctx: SweepContext) -> Iterable[Planned]:
    Assignment = model_ready("monitoring", "Assignment", "campaign", "organization", "status")
    if Assignment is None:
        return
    Campaign = Assignment._meta.get_field("campaign").related_model
    try:
        for name in ("deadline", "status", "municipality"):
            Campaign._meta.get_field(name)
    except FieldDoesNotExist:
        return
    assignments = (
        Assignment.objects.filter(
            campaign__municipality=ctx.municipality,
            campaign__deadline__lt=ctx.today,
            status__in=OPEN_ASSIGNMENT_STATUSES,
            organization__is_active=True,
        )
        .exclude(campaign__status="draft")
        .select_related("organization", "campaign")
        .order_by("campaign__deadline", "pk")
    )
    for assignment in assignments:
        campaign = assignment.campaign
        late = (ctx.today - campaign.deadline).days
        if not daily_then_weekly(late):
            continue
        yield Planned(
            object_type="monitoring.assignment",
            object_id=assignment.pk,
            kind=Kind.CAMPAIGN_REPORT_OVERDUE,
            recipients=ctx.curators(assignment.organization_id),
            title=f"Не сдано в срок: {_short(campaign.title, 80)}",
            message=(
                f"Мониторинг «{campaign.title}» ({assignment.organization.short_name}): данные не сданы, "
                f"срок был {campaign.deadline:%d.%m.%Y} ({_days(late)} назад)."
            ),
            path=_path("monitoring:assignment_detail", assignment.pk),
            organization_id=assignment.organization_id,
            due_date=campaign.deadline,
        )


# Weekly digest ----------------------------------------------------------------------------------
@provider(Kind.WEEKLY_DIGEST)
def weekly_digest(ctx: SweepContext) -> Iterable[Planned]:
    """Coordinators: what is overdue, by organization (the sweep asks for it once a week)."""
    overdue = _open_records(ctx).filter(due__date__lt=ctx.today).order_by()
    by_org: dict[str, int] = defaultdict(int)
    for name, count in overdue.values_list("organization__short_name").annotate(n=Count("pk")):
        by_org[name or "Муниципальный уровень"] += count
    total = sum(by_org.values())
    if total:
        lines = [f"— {name}: {count}" for name, count in sorted(by_org.items(), key=lambda p: (-p[1], p[0]))]
        message = f"На {ctx.today:%d.%m.%Y} просрочено мероприятий дорожных карт: {total}.\n" + "\n".join(lines)
    else:
        message = f"На {ctx.today:%d.%m.%Y} просроченных мероприятий дорожных карт нет."
    yield Planned(
        object_type="accounts.municipality",
        object_id=ctx.municipality.pk,
        kind=Kind.WEEKLY_DIGEST,
        recipients=ctx.coordinators(),
        title=f"Сводка за неделю: просрочено {total}",
        message=message,
        path=_path("notifications:sent_log"),
    )
