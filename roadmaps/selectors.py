"""Reads, always through accounts.scoping: roadmaps, records, the matrix, tasks, timeline, indicators."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet

from accounts import scoping
from accounts.models import Municipality, Organization
from roadmaps.models import (
    Activity,
    DueDate,
    ExecutionRecord,
    ExecutionState,
    ExecutionStatus,
    Indicator,
    Roadmap,
    RoadmapLevel,
    RoadmapStatus,
    execution_state,
    local_today,
)


# Roadmaps -----------------------------------------------------------------------------------------------
def _roadmap_q(user, *, edit: bool = False) -> Q:
    scope = scoping.scope_for(user)
    # a school's roadmap keeps its organization's municipality (Roadmap.clean, services): whole-
    # municipality grants filter on that indexed column instead of joining every organization of the
    # region (the join hashed all roadmaps and organizations of the region on each roadmap page)
    return (Q(level=RoadmapLevel.MUNICIPAL) & scope.municipality_q("municipality", edit=edit)) | (
        Q(level=RoadmapLevel.SCHOOL) & scope.organization_q("organization", edit=edit, municipality_path="municipality")
    )


def roadmaps_visible(user) -> QuerySet[Roadmap]:
    return Roadmap.objects.filter(_roadmap_q(user))


def roadmaps_editable(user) -> QuerySet[Roadmap]:
    return Roadmap.objects.filter(_roadmap_q(user, edit=True))


def can_edit_roadmap(user, roadmap: Roadmap) -> bool:
    if roadmap.level == RoadmapLevel.MUNICIPAL:
        return scoping.can_edit_municipality(user, roadmap.municipality_id)
    return roadmap.organization_id is not None and scoping.can_edit_organization(user, roadmap.organization_id)


def can_approve_roadmap(user, roadmap: Roadmap) -> bool:
    """Who may change a roadmap's status: its editors, and the head of a school for its own."""
    return can_edit_roadmap(user, roadmap) or bool(
        roadmap.organization_id and scoping.can_approve_organization(user, roadmap.organization_id)
    )


def _same_title(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.replace("ё", "е").lower().replace("–", "-").replace("—", "-").split())

    return norm(a) == norm(b)


def matching_roadmaps(
    user,
    *,
    municipality: Municipality,
    organization: Organization | None,
    title: str,
    order_number: str,
    order_date: dt.date | None,
    period_start: dt.date | None,
    period_end: dt.date | None,
) -> list[Roadmap]:
    """Roadmaps of the same owner that a new upload would duplicate: approved by the same order, or
    with the same title and period. Only those the user may change (a new version replaces one)."""
    owner = Q(organization=organization) if organization else Q(organization__isnull=True)
    candidates = (
        roadmaps_editable(user)
        .filter(owner, municipality=municipality)
        .exclude(status=RoadmapStatus.ARCHIVED)
        .filter(newer_versions__isnull=True)
    )
    same_order = Q(pk__in=[])
    if order_number and order_date:
        same_order = Q(order_number__iexact=order_number.strip(), order_date=order_date)
    same_period = Q(pk__in=[])
    if period_start and period_end:
        same_period = Q(period_start=period_start, period_end=period_end)
    out = []
    for roadmap in candidates.filter(same_order | same_period).order_by("-created_at")[:20]:
        by_order = bool(order_number and order_date) and (
            roadmap.order_number.strip().lower() == order_number.strip().lower() and roadmap.order_date == order_date
        )
        by_title = (roadmap.period_start, roadmap.period_end) == (period_start, period_end) and _same_title(
            roadmap.title, title
        )
        if by_order or by_title:
            reason = "тот же приказ" if by_order else "то же название и период"
            roadmap.match_reason = reason  # type: ignore[attr-defined]
            out.append(roadmap)
    return out


def roadmap_list(user) -> QuerySet[Roadmap]:
    return roadmaps_visible(user).select_related("municipality", "organization", "parent")


def roadmap_detail(user, pk: int) -> Roadmap:
    return scoping.get_scoped_or_404(roadmap_list(user), pk=pk)


def roadmap_activities(roadmap: Roadmap, user=None) -> list[Activity]:
    """Activities in order; with `user`, each carries `executions`: (record, state) it may see."""
    prefetch: list = ["due_dates", "indicators", "responsible_organizations"]
    if user is not None:
        prefetch.append(
            Prefetch(
                "records",
                queryset=records_visible(user).select_related("due").order_by("due_on"),
                to_attr="visible_records",
            )
        )
    activities = list(roadmap.activities.select_related("section").prefetch_related(*prefetch).order_by("order"))
    if user is not None:
        today = local_today(roadmap.municipality)
        for activity in activities:
            # prefetched above (to_attr): attributes Django adds at run time
            activity.executions = [(r, r.state(today)) for r in activity.visible_records]  # type: ignore[attr-defined]
    return activities


# Execution records ------------------------------------------------------------------------------------
def _record_q(user, *, edit: bool = False) -> Q:
    scope = scoping.scope_for(user)
    # a record's own municipality always equals its organization's (records are created from the
    # roadmap, see services.roadmap_sync_records): filtering on it spares a join per record
    return (Q(organization__isnull=True) & scope.municipality_q("municipality", edit=edit)) | (
        Q(organization__isnull=False)
        & scope.organization_q("organization", edit=edit, municipality_path="municipality")
    )


def records_visible(user) -> QuerySet[ExecutionRecord]:
    return ExecutionRecord.objects.filter(_record_q(user))


def records_editable(user) -> QuerySet[ExecutionRecord]:
    return ExecutionRecord.objects.filter(_record_q(user, edit=True))


def record_detail(user, pk: int) -> ExecutionRecord:
    qs = records_visible(user).select_related(
        "activity__roadmap", "activity__section", "due", "organization", "municipality", "marked_by"
    )
    return scoping.get_scoped_or_404(qs, pk=pk)


def can_edit_record(user, record: ExecutionRecord) -> bool:
    if record.organization_id is None:
        return scoping.can_edit_municipality(user, record.municipality_id)
    return scoping.can_edit_organization(user, record.organization_id)


def state_q(state: str, municipalities: list[Municipality]) -> Q:
    """Records in a derived state; "overdue" depends on each municipality's own today."""
    past = Q(pk__in=[])
    for municipality in municipalities:
        past |= Q(municipality_id=municipality.pk, due_on__lt=local_today(municipality))
    not_done = ~Q(status=ExecutionStatus.DONE)
    if state == ExecutionState.DONE:
        return Q(status=ExecutionStatus.DONE)
    if state == ExecutionState.OVERDUE:
        return not_done & past
    if state == ExecutionState.IN_PROGRESS:
        return Q(status=ExecutionStatus.IN_PROGRESS) & ~past
    if state == ExecutionState.NOT_DUE:
        return Q(status=ExecutionStatus.NOT_STARTED) & ~past
    return Q()


def my_tasks(user) -> QuerySet[ExecutionRecord]:
    """What the user has to mark, earliest due date first."""
    return (
        records_editable(user)
        .select_related("activity__roadmap", "activity__section", "due", "organization", "municipality")
        .order_by("due_on", "activity__roadmap_id", "activity__order", "organization__short_name")
    )


def needs_attention(user) -> QuerySet[Activity]:
    """Activities whose deadline prose gave no dates (or waits for an event) and no dates were set."""
    roadmaps = roadmaps_visible(user)
    return (
        Activity.objects.filter(roadmap__in=roadmaps)
        .filter(Q(deadline_parsed=False) | Q(recurrence="relative"))
        .filter(due_dates__isnull=True)
        .exclude(roadmap__status=RoadmapStatus.ARCHIVED)
        .select_related("roadmap__municipality", "roadmap__organization", "section")
        .order_by("roadmap__title", "roadmap_id", "order")
        .distinct()
    )


# Matrix ------------------------------------------------------------------------------------------------
@dataclass
class Rate:
    expected: int = 0
    done: int = 0
    on_time: int = 0
    total: int = 0

    def add(self, status: str, due: dt.date, completed: dt.date | None, today: dt.date) -> None:
        self.total += 1
        if due <= today:
            self.expected += 1
            if status == ExecutionStatus.DONE:
                self.done += 1
                if completed and completed <= due:
                    self.on_time += 1

    @property
    def reporting(self) -> int | None:
        return round(100 * self.done / self.expected) if self.expected else None

    @property
    def timely(self) -> int | None:
        return round(100 * self.on_time / self.expected) if self.expected else None


@dataclass
class Cell:
    state: str = ""
    done: int = 0
    total: int = 0
    states: list[str] = field(default_factory=list)
    # the record a click opens (with its evidence): the earliest overdue one, else the earliest
    record_id: int | None = None
    _first: tuple | None = None

    def note(self, record_id: int, state: str, due: dt.date) -> None:
        key = (state != ExecutionState.OVERDUE, due, record_id)
        if self._first is None or key < self._first:
            self._first, self.record_id = key, record_id

    def finish(self) -> None:
        if not self.states:
            self.state = ""
        elif ExecutionState.OVERDUE in self.states:
            self.state = ExecutionState.OVERDUE
        elif ExecutionState.IN_PROGRESS in self.states:
            self.state = ExecutionState.IN_PROGRESS
        elif ExecutionState.DONE in self.states:
            self.state = ExecutionState.DONE
        else:
            self.state = ExecutionState.NOT_DUE

    @property
    def label(self) -> str:
        return ExecutionState(self.state).label if self.state else "Нет в дорожной карте ОО"


@dataclass
class MatrixRow:
    organization: Organization
    copy_status: str | None
    cells: list[Cell]
    rate: Rate


@dataclass
class Matrix:
    activities: list[Activity]
    rows: list[MatrixRow]
    activity_rates: list[Rate]
    total: Rate
    today: dt.date


def matrix_organizations(user, roadmap: Roadmap) -> QuerySet[Organization]:
    return scoping.visible_organizations(user).filter(municipality_id=roadmap.municipality_id).order_by("short_name")


@dataclass
class OrgStats:
    """One organization's line of a municipal roadmap: its rates and how many records are in each state."""

    rate: Rate = field(default_factory=Rate)
    has_copy: bool = False
    overdue: int = 0
    in_progress: int = 0
    not_due: int = 0

    @property
    def behind(self) -> bool:
        return self.overdue > 0


MATRIX_STATES = {
    "overdue": "Есть просроченные",
    "in_progress": "Есть выполняемые",
    "done": "Всё наступившее выполнено",
    "no_copy": "Нет дорожной карты ОО",
}
MATRIX_SORTS = {
    "name": "По названию (А–Я)",
    "-name": "По названию (Я–А)",
    "reporting": "Отчётность: сначала низкая",
    "-reporting": "Отчётность: сначала высокая",
    "timely": "Вовремя: сначала низкая",
    "-timely": "Вовремя: сначала высокая",
    "-overdue": "Больше всего просрочек",
}


def matrix_stats(user, roadmap: Roadmap, org_ids: Iterable[int] | None = None) -> dict[int, OrgStats]:
    """Per organization of the municipal roadmap: rates and state counts, in two queries whatever
    the number of organizations (the grouping is done by the database)."""
    today = local_today(roadmap.municipality)
    records = records_visible(user).filter(activity__source_activity__roadmap=roadmap, organization__isnull=False)
    copies = roadmaps_visible(user).filter(parent=roadmap, organization__isnull=False)
    if org_ids is not None:
        org_ids = list(org_ids)
        records = records.filter(organization_id__in=org_ids)
        copies = copies.filter(organization_id__in=org_ids)
    done = Q(status=ExecutionStatus.DONE)
    due = Q(due_on__lte=today)
    rows = (
        records.order_by()
        .values("organization_id")
        .annotate(
            total=Count("pk"),
            expected=Count("pk", filter=due),
            done=Count("pk", filter=due & done),
            done_in_time=Count("pk", filter=due & done & Q(completed_on__lte=F("due_on"))),
            overdue=Count("pk", filter=~done & Q(due_on__lt=today)),
            in_progress=Count("pk", filter=Q(status=ExecutionStatus.IN_PROGRESS) & Q(due_on__gte=today)),
            not_due=Count("pk", filter=~done & ~Q(status=ExecutionStatus.IN_PROGRESS) & Q(due_on__gte=today)),
        )
    )
    stats: dict[int, OrgStats] = defaultdict(OrgStats)
    for row in rows:
        item = stats[row["organization_id"]]
        item.rate = Rate(expected=row["expected"], done=row["done"], on_time=row["done_in_time"], total=row["total"])
        item.overdue, item.in_progress, item.not_due = row["overdue"], row["in_progress"], row["not_due"]
    for org_id in copies.values_list("organization_id", flat=True):
        stats[org_id].has_copy = True
    return dict(stats)


def _rate_key(value: int | None, descending: bool) -> tuple:
    # organizations with nothing due yet go last either way
    if value is None:
        return (1, 0)
    return (0, -value if descending else value)


def matrix_order(
    organizations: Iterable[Organization],
    stats: dict[int, OrgStats],
    *,
    state: str = "",
    sort: str = "name",
) -> list[Organization]:
    """Filter the organizations by their state and sort them by name or by a rate (in Python: the
    rates are computed for all of them by `matrix_stats`)."""
    empty = OrgStats()
    chosen = []
    for org in organizations:
        item = stats.get(org.pk, empty)
        if state == "overdue" and not item.overdue:
            continue
        if state == "in_progress" and not item.in_progress:
            continue
        if state == "done" and (item.overdue or not item.rate.expected):
            continue
        if state == "no_copy" and item.has_copy:
            continue
        chosen.append(org)
    name_key = {org.pk: (org.short_name.lower(), org.pk) for org in chosen}
    if sort in ("name", "-name", ""):
        return sorted(chosen, key=lambda o: name_key[o.pk], reverse=sort == "-name")
    descending = sort.startswith("-")
    field_name = sort.lstrip("-")
    if field_name == "overdue":
        return sorted(chosen, key=lambda o: (-stats.get(o.pk, empty).overdue, name_key[o.pk]))
    if field_name not in ("reporting", "timely"):
        return sorted(chosen, key=lambda o: name_key[o.pk])
    return sorted(
        chosen,
        key=lambda o: (_rate_key(getattr(stats.get(o.pk, empty).rate, field_name), descending), name_key[o.pk]),
    )


def roadmap_matrix(user, roadmap: Roadmap, organizations: list[Organization]) -> Matrix:
    """Organizations × school activities of a municipal roadmap, with DHIS2-style rates.

    Reporting rate = records done / records due so far; on-time rate = done by the due date /
    records due so far. A fixed number of queries whatever the number of organizations.
    """
    today = local_today(roadmap.municipality)
    activities = list(roadmap.activities.filter(for_schools=True).select_related("section").order_by("order"))
    org_ids = [o.pk for o in organizations]
    copies = dict(
        roadmaps_visible(user)
        .filter(parent=roadmap, organization_id__in=org_ids)
        .values_list("organization_id", "status")
    )
    records = (
        records_visible(user)
        .filter(activity__source_activity__roadmap=roadmap, organization_id__in=org_ids)
        .values_list("activity__source_activity_id", "organization_id", "status", "due__date", "completed_on", "pk")
    )
    cells: dict[tuple[int, int], Cell] = defaultdict(Cell)
    activity_rates: dict[int, Rate] = defaultdict(Rate)
    org_rates: dict[int, Rate] = defaultdict(Rate)
    total = Rate()
    for activity_id, org_id, status, due, completed, record_id in records:
        if org_id is None or activity_id is None:
            continue  # filtered on organization_id__in above: school records only
        cell = cells[(org_id, activity_id)]
        cell.total += 1
        cell.done += status == ExecutionStatus.DONE
        state = execution_state(status, due, today)
        cell.states.append(state)
        cell.note(record_id, state, due)
        for rate in (activity_rates[activity_id], org_rates[org_id], total):
            rate.add(status, due, completed, today)
    rows = []
    for org in organizations:
        row_cells = []
        for activity in activities:
            cell = cells.get((org.pk, activity.pk), Cell())
            cell.finish()
            row_cells.append(cell)
        rows.append(MatrixRow(org, copies.get(org.pk), row_cells, org_rates.get(org.pk, Rate())))
    return Matrix(activities, rows, [activity_rates.get(a.pk, Rate()) for a in activities], total, today)


# Timeline ---------------------------------------------------------------------------------------------
MONTH_NAMES = [
    "",
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
]


def roadmap_timeline(user, roadmap: Roadmap) -> list[dict]:
    """Due dates month by month, each with the states of its visible records."""
    today = local_today(roadmap.municipality)
    dues = (
        DueDate.objects.filter(activity__roadmap=roadmap)
        .select_related("activity__section")
        .prefetch_related(Prefetch("records", queryset=records_visible(user).select_related("organization")))
        .order_by("date", "activity__order")
    )
    months: dict[tuple[int, int], list] = {}
    for due in dues:
        states = [execution_state(r.status, due.date, today) for r in due.records.all()]
        months.setdefault((due.date.year, due.date.month), []).append(
            {
                "due": due,
                "activity": due.activity,
                "records": list(due.records.all()),
                "done": states.count(ExecutionState.DONE),
                "overdue": states.count(ExecutionState.OVERDUE),
                "total": len(states),
            }
        )
    return [
        {
            "label": f"{MONTH_NAMES[m]} {y}",
            "items": items,
            "is_current": (y, m) == (today.year, today.month),
            "is_past": (y, m) < (today.year, today.month),
        }
        for (y, m), items in months.items()
    ]


# Indicators ---------------------------------------------------------------------------------------------
def indicator_rows(roadmap: Roadmap) -> list[dict]:
    """Targets by year against the actual value, computed where the data allows."""
    indicators = list(
        Indicator.objects.filter(activity__roadmap=roadmap)
        .select_related("activity")
        .order_by("activity__order", "year")
    )
    if not indicators:
        return []
    approved_by_year: dict[int, int] = defaultdict(int)
    for start, end in Roadmap.objects.filter(parent=roadmap, status=RoadmapStatus.APPROVED).values_list(
        "period_start", "period_end"
    ):
        for year in range(start.year, end.year + 1):
            approved_by_year[year] += 1
    done_orgs: dict[tuple[int, int], set[int]] = defaultdict(set)
    for source_id, org_id, due in ExecutionRecord.objects.filter(
        activity__source_activity__roadmap=roadmap, status=ExecutionStatus.DONE
    ).values_list("activity__source_activity_id", "organization_id", "due__date"):
        if source_id is not None and org_id is not None:
            done_orgs[(source_id, due.year)].add(org_id)
    rows = []
    for indicator in indicators:
        actual: int | Decimal | None
        if indicator.metric == Indicator.Metric.SCHOOL_ROADMAPS:
            actual = approved_by_year.get(indicator.year, 0)
        elif indicator.metric == Indicator.Metric.DONE_ORGANIZATIONS:
            actual = len(done_orgs.get((indicator.activity_id, indicator.year), ()))
        else:
            actual = indicator.actual_manual
        reached = None if actual is None else actual >= indicator.target
        rows.append({"indicator": indicator, "actual": actual, "reached": reached})
    return rows


def counts_for_cards(user, *, execution: bool = True) -> dict[str, int]:
    """The home page's roadmap figures; `execution=False`: the number of roadmaps only (the roles
    without the overdue and attention cards do not pay for a count over every deadline they read)."""
    counts = {"roadmaps": roadmaps_visible(user).count()}
    if execution:
        municipalities = list(scoping.visible_municipalities(user))
        counts["overdue"] = records_editable(user).filter(state_q(ExecutionState.OVERDUE, municipalities)).count()
        counts["attention"] = needs_attention(user).count()
    return counts


# A school's page ----------------------------------------------------------------------------------------
@dataclass
class OrganizationExecution:
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    upcoming: int = 0
    overdue_records: list[ExecutionRecord] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.overdue + self.upcoming


OVERDUE_LISTED = 50


def organization_execution(user, organization: Organization) -> OrganizationExecution:
    """Roadmap execution of one school: done in time, done late, overdue (listed), not yet due,
    Two queries whatever the number of records."""
    today = local_today(organization.municipality)
    result = OrganizationExecution()
    rows = (
        records_visible(user)
        .filter(organization=organization)
        .values_list("status", "due__date", "completed_on")
        .order_by()
    )
    for status, due, completed in rows:
        state = execution_state(status, due, today)
        if state == ExecutionState.DONE:
            if completed and completed > due:
                result.late += 1
            else:
                result.on_time += 1
        elif state == ExecutionState.OVERDUE:
            result.overdue += 1
        else:
            result.upcoming += 1
    if result.overdue:
        result.overdue_records = list(
            records_visible(user)
            .filter(organization=organization, due_on__lt=today)
            .exclude(status=ExecutionStatus.DONE)
            .select_related("activity__roadmap", "due")
            .order_by("due_on", "activity__order")[:OVERDUE_LISTED]
        )
    return result


def laggard_messages(result) -> list[str]:
    """What «напомнить отстающим» tells the coordinator (a roadmaps.services.LaggardResult)."""
    from accounts.plurals import count_noun

    def names(orgs) -> str:
        shown = ", ".join(o.short_name for o in orgs[:10])
        return shown + (f" и ещё {len(orgs) - 10}" if len(orgs) > 10 else "")

    texts = []
    if result.reminded:
        texts.append(
            f"Напоминание отправлено кураторам: {count_noun(len(result.reminded), 'организация')} "
            f"({names(result.reminded)})."
        )
    if result.already:
        texts.append(
            f"Сегодня уже напоминали, повторно не отправлено: {count_noun(len(result.already), 'организация')} "
            f"({names(result.already)})."
        )
    if result.without_curator:
        texts.append(
            f"Нет куратора, напоминать некому: {count_noun(len(result.without_curator), 'организация')} "
            f"({names(result.without_curator)}). Назначьте куратора на странице школы."
        )
    if not texts:
        texts.append("Отстающих нет: просроченных мероприятий ни у одной организации.")
    return texts
