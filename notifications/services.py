"""Writes: the reminder sweep (collect → claim keys → deliver), marking read, preferences, schedules.

Exactly once comes from the database: every (object, kind, local date, recipient) key is inserted
into ReminderLog with ON CONFLICT DO NOTHING before anything is sent, and a row is delivered only
by the sweep whose conditional update moves it from `pending` to `sending`. A retried, duplicated
or concurrent sweep therefore finds nothing left to send.

The in-app notification exists exactly once: it is inserted with ON CONFLICT DO NOTHING on its
one-to-one link to the row (on PostgreSQL for all the rows a sweep delivers in one statement, with
the rows that need no letter; elsewhere in the claim's transaction). E-mail leaves the database:
a recipient gets one letter with the day's reminders, each letter's rows are claimed together on
their own, and a worker killed between `sending` and `sent` leaves that one letter's rows marked
«отправка не подтверждена»; they are not sent again (at most once, never twice).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Municipality
from accounts.models import local_today as accounts_local_today
from notifications import channels
from notifications.kinds import Kind
from notifications.models import (
    Notification,
    NotificationPreference,
    ReminderLog,
    ReminderSettings,
    ReminderStatus,
    SweepDay,
)
from notifications.providers import DAILY_KINDS, Planned, SweepContext, get_provider

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5
# Pending rows older than this are not worth sending any more ("через 7 дней" a week late).
PENDING_GRACE_DAYS = 2


class TransientDeliveryError(Exception):
    """Some letters hit a transient SMTP error; their rows are pending again for the retry."""


@dataclass
class SweepResult:
    municipality_id: int
    date: dt.date
    claimed: int = 0
    sent: Counter = field(default_factory=Counter)
    skipped: int = 0
    failed: int = 0
    transient: int = 0
    caught_up: list[dt.date] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "by_kind": dict(sorted(self.sent.items())),
            "claimed": self.claimed,
            "skipped": self.skipped,
            "failed": self.failed,
            "transient": self.transient,
            "caught_up_days": [d.isoformat() for d in self.caught_up],
        }


# Today where the municipality is: one definition, in accounts.models (re-exported here).
local_today = accounts_local_today


def reminder_settings_for(municipality: Municipality) -> ReminderSettings:
    settings_row, _ = ReminderSettings.objects.get_or_create(municipality=municipality)
    return settings_row


def kinds_for_date(municipality: Municipality, today: dt.date, *, rules: ReminderSettings | None = None) -> list[str]:
    """The kinds a full day's run covers: the daily ones, plus the digest on its weekday."""
    kinds = list(DAILY_KINDS)
    if today.isoweekday() == (rules or reminder_settings_for(municipality)).digest_isoweekday:
        kinds.append(Kind.WEEKLY_DIGEST)
    return kinds


# Collect ----------------------------------------------------------------------------------------
def reminders_collect(
    *,
    municipality: Municipality,
    today: dt.date,
    kinds: Sequence[str] | None = None,
    rules: ReminderSettings | None = None,
) -> list[Planned]:
    """What the providers say is due on `today` (local date); reads only."""
    ctx = SweepContext(municipality=municipality, today=today, rules=rules or reminder_settings_for(municipality))
    planned: list[Planned] = []
    for kind in kinds or DAILY_KINDS:
        func = get_provider(kind)
        if func is None:
            continue
        planned.extend(func(ctx))
    return group_by_organization(planned, names=ctx.organization_names())


# Less noise: the curators' reminders about many objects of one school come as one notice a day
# (the roadmap kinds group themselves in roadmaps/reminders.py, with their own wording). The key is
# the school's, so a day's notice is claimed once however many objects it lists.
GROUPED_KINDS: dict[str, tuple[str, str]] = {
    # kind → (title with {where} and {count}, the noun counted)
    Kind.PAIR_INACTIVE: ("{where} давно нет встреч: {count}", "пара"),
    Kind.MENTEE_WAITING: ("{where} ждут наставника: {count}", "наставляемый"),
    Kind.MEETING_FEEDBACK_MISSING: ("{where} нет обратной связи: {count}", "встреча"),
    Kind.CAMPAIGN_REPORT_OVERDUE: ("{where} не сдано в срок: {count}", "отчёт"),
}
MAX_GROUP_LINES = 25


def group_by_organization(planned: list[Planned], *, names: dict[int, str] | None = None) -> list[Planned]:
    """One Planned per (kind, school, recipients) for GROUPED_KINDS, listing the objects. `names`:
    the schools' short names already read (the sweep reads them with the curators); only a school
    missing from it costs a query."""
    from accounts.models import Organization
    from accounts.plurals import count_noun

    groups: dict[tuple, list[Planned]] = {}
    out: list[Planned] = []
    for item in planned:
        if item.kind not in GROUPED_KINDS or item.organization_id is None:
            out.append(item)
            continue
        key = (item.kind, item.organization_id, tuple(sorted(u.pk for u in item.recipients)))
        groups.setdefault(key, []).append(item)
    names = dict(names or {})
    missing = {k[1] for k, items in groups.items() if len(items) > 1} - set(names)
    if missing:
        names.update(Organization.objects.filter(pk__in=missing).values_list("pk", "short_name"))
    for (kind, organization_id, _), items in groups.items():
        first = items[0]
        if len(items) == 1:
            title, message, path = first.title, first.message, first.path
        else:
            template, noun = GROUPED_KINDS[kind]
            title = template.format(where=f"В {names.get(organization_id, '')}", count=count_noun(len(items), noun))
            lines = [f"— {item.title}" for item in items[:MAX_GROUP_LINES]]
            if len(items) > MAX_GROUP_LINES:
                lines.append(f"…и ещё {len(items) - MAX_GROUP_LINES}")
            message, path = f"{title}.\n" + "\n".join(lines), ""
        dues = [i.due_date for i in items if i.due_date]
        out.append(
            Planned(
                object_type="accounts.organization",
                object_id=organization_id,
                kind=kind,
                recipients=first.recipients,
                title=title,
                message=message,
                path=path,
                organization_id=organization_id,
                due_date=min(dues) if dues else None,
            )
        )
    return out


def _preferences(user_ids: set[int]) -> dict[tuple[int, str], NotificationPreference]:
    rows = NotificationPreference.objects.filter(user_id__in=user_ids)
    return {(p.user_id, p.kind): p for p in rows}


def recipients_of(planned: list[Planned]) -> Iterator[tuple[Planned, Any, bool, bool]]:
    """Each (planned reminder, recipient) once, with whether the recipient wants it in the system
    and by e-mail (their opt-outs): what the sweep writes and what tomorrow's preview shows."""
    user_ids = {u.pk for p in planned for u in p.recipients}
    prefs = _preferences(user_ids)
    seen: set[tuple] = set()
    for item in planned:
        for user in item.recipients:
            key = (item.object_type, item.object_id, item.kind, user.pk)
            if key in seen:  # a user who is curator and coordinator at once gets it once
                continue
            seen.add(key)
            pref = prefs.get((user.pk, item.kind))
            wants_app = pref is None or pref.in_app
            wants_email = wants_app and (pref is None or pref.email) and bool(user.email)
            yield item, user, wants_app, wants_email


def reminder_rows(*, municipality: Municipality, today: dt.date, planned: list[Planned]) -> list[ReminderLog]:
    """One unsaved log row per (planned reminder, recipient), with the recipient's opt-outs applied."""
    return [
        ReminderLog(
            object_type=item.object_type,
            object_id=item.object_id,
            kind=item.kind,
            date=today,
            recipient=user,
            municipality=municipality,
            organization_id=item.organization_id,
            title=item.title[:300],
            message=item.message,
            path=item.path[:500],
            due_date=item.due_date,
            send_email=wants_email,
            status=ReminderStatus.PENDING if wants_app else ReminderStatus.SKIPPED,
        )
        for item, user, wants_app, wants_email in recipients_of(planned)
    ]


# Claim ------------------------------------------------------------------------------------------
CLAIM_BATCH_SIZE = 500  # keys inserted per statement


def reminders_claim(*, rows: list[ReminderLog]) -> int:
    """Insert the keys; existing keys are left as they are (ON CONFLICT DO NOTHING).

    Returns how many rows were claimed by this call (PostgreSQL: one statement, its row count;
    elsewhere counted, because bulk_create with ignore_conflicts does not say which it inserted).
    """
    if not rows:
        return 0
    if db_connection.vendor == "postgresql":
        return _claim_in_one_statement(rows)
    with transaction.atomic():
        municipality_id = rows[0].municipality_id
        date = rows[0].date
        existing = set(
            ReminderLog.objects.filter(municipality_id=municipality_id, date=date).values_list(
                "object_type", "object_id", "kind", "recipient_id"
            )
        )
        # keys this day's earlier runs claimed are not sent to the database again (a repeated sweep
        # of a regional centre re-inserted a thousand conflicting rows); a concurrent sweep's are
        # still caught by ON CONFLICT
        new = [r for r in rows if (r.object_type, r.object_id, r.kind, r.recipient_id) not in existing]
        if not new:
            return 0
        ReminderLog.objects.bulk_create(new, ignore_conflicts=True, batch_size=CLAIM_BATCH_SIZE)
        return ReminderLog.objects.filter(municipality_id=municipality_id, date=date).count() - len(existing)


# (column, its type) of the keys' rows as the claim writes them; the rest take their defaults below
_CLAIM_COLUMNS = (
    ("object_type", "varchar"),
    ("object_id", "bigint"),
    ("kind", "varchar"),
    ("date", "date"),
    ("recipient_id", "bigint"),
    ("municipality_id", "bigint"),
    ("organization_id", "bigint"),
    ("title", "varchar"),
    ("message", "text"),
    ("path", "varchar"),
    ("due_date", "date"),
    ("status", "varchar"),
    ("send_email", "boolean"),
)


def _claim_in_one_statement(rows: list[ReminderLog]) -> int:
    """PostgreSQL: every key in one INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO NOTHING (no
    read of the day's keys first, no model instances compiled into a statement per 500 rows): the
    rows a concurrent or an earlier sweep of the day claimed are skipped by the unique key, and the
    statement's row count is exactly how many this call claimed."""
    names = [name for name, _ in _CLAIM_COLUMNS]
    arrays = [list(column) for column in zip(*([getattr(r, name) for name in names] for r in rows), strict=True)]
    table = ReminderLog._meta.db_table
    sql = f"""
        INSERT INTO {table} ({", ".join(names)}, email_sent, attempts, error, created_at)
        SELECT *, FALSE, 0, '', %s
        FROM unnest({", ".join(f"%s::{type_}[]" for _, type_ in _CLAIM_COLUMNS)})
        ON CONFLICT DO NOTHING
    """
    with db_connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), *arrays])
        return cursor.rowcount


# Deliver ----------------------------------------------------------------------------------------
class _HasRecipient(Protocol):
    @property
    def recipient_id(self) -> int: ...


_Row = TypeVar("_Row", bound=_HasRecipient)

# One letter a day per person: the day's reminders of one recipient go out together (at most this
# many to a letter; more go in a second one). The rows stay one per reminder: each is claimed,
# noted in the bell and marked sent on its own key, only the letter is shared.
MAX_LETTER_ITEMS = 25


@dataclass
class _SentMark:
    """The rows of a letter that went out, marked «sent» by the next letter's claim (PostgreSQL)."""

    ids: list[int] = field(default_factory=list)

    def take(self) -> list[int]:
        taken, self.ids = self.ids, []
        return taken


@dataclass
class LetterResult:
    sent: Counter = field(default_factory=Counter)
    failed: int = 0


def reminder_deliver(*, log_id: int, connection=None, log: ReminderLog | None = None) -> str:
    """Deliver one claimed row on its own (an event, a questionnaire reminder, a row without a
    letter); returns the row's new status, or "" if another sweep has it. `log` is the row as read
    before the claim: what a reminder says and to whom never changes after it is claimed."""
    now = timezone.now()
    if log is not None and db_connection.vendor == "postgresql":
        if not _claim_with_notification(log_id=log_id, now=now):
            return ""
        if not log.send_email:
            ReminderLog.objects.filter(pk=log_id).update(status=ReminderStatus.SENT, sent_at=now)
            return ReminderStatus.SENT
    else:
        with transaction.atomic():
            taken = ReminderLog.objects.filter(pk=log_id, status=ReminderStatus.PENDING).update(
                status=ReminderStatus.SENDING, sending_at=now, attempts=F("attempts") + 1
            )
            if not taken:
                return ""
            if log is None:
                log = ReminderLog.objects.select_related("recipient").get(pk=log_id)
            channels.in_app_create(log)
            if not log.send_email:
                ReminderLog.objects.filter(pk=log_id).update(status=ReminderStatus.SENT, sent_at=now)
                return ReminderStatus.SENT
    outcome = _send_letter([log], connection or get_connection())
    return ReminderStatus.SENT if outcome.sent else ReminderStatus.FAILED


def letter_deliver(
    *, logs: Sequence[ReminderLog], connection, sent_mark: _SentMark | None = None, noted: bool = False
) -> LetterResult:
    """One letter with the rows of one recipient that this call claims (rows another sweep has
    taken are left out; none left, no letter). `noted` (PostgreSQL only): their in-app
    notifications are written already (`_deliver_in_bulk`). With `sent_mark` the «sent» mark of the letter waits for the next
    letter's claim and goes to the database in the same statement: a killed worker still leaves
    the rows of at most one letter unconfirmed, never sent twice."""
    now = timezone.now()
    if noted:  # PostgreSQL: one prepared statement for the letter's rows
        previous = sent_mark.take() if sent_mark is not None else []
        taken_ids = _claim_letter(ids=[log.pk for log in logs], now=now, sent_ids=previous)
    else:  # portable: each row's conditional claim and its notification, in one transaction
        taken_ids = set()
        with transaction.atomic():
            for log in logs:
                if ReminderLog.objects.filter(pk=log.pk, status=ReminderStatus.PENDING).update(
                    status=ReminderStatus.SENDING, sending_at=now, attempts=F("attempts") + 1
                ):
                    taken_ids.add(log.pk)
                    channels.in_app_create(log)
    taken = [log for log in logs if log.pk in taken_ids]
    if not taken:
        return LetterResult()
    return _send_letter(taken, connection, sent_mark=sent_mark)


def _send_letter(logs: list[ReminderLog], connection, *, sent_mark: _SentMark | None = None) -> LetterResult:
    """Send the letter of claimed (`sending`) rows and mark them; on an error put them back to
    `pending` (transient, attempts left: TransientDeliveryError) or `failed`."""
    ids = [log.pk for log in logs]
    try:
        channels.email_send(logs, connection)
    except Exception as exc:
        transient = channels.is_transient(exc)
        attempts = max(ReminderLog.objects.filter(pk__in=ids).values_list("attempts", flat=True), default=0)
        retry = transient and attempts < MAX_EMAIL_ATTEMPTS
        status = ReminderStatus.PENDING if retry else ReminderStatus.FAILED
        ReminderLog.objects.filter(pk__in=ids, status=ReminderStatus.SENDING).update(
            status=status, error=repr(exc)[:2000]
        )
        keys = ", ".join(log.key for log in logs)
        logger.warning("reminders %s: e-mail failed (%s): %r", keys, "will retry" if retry else "gave up", exc)
        if retry:
            raise TransientDeliveryError(keys) from exc
        return LetterResult(failed=len(logs))
    if sent_mark is not None and db_connection.vendor == "postgresql":
        sent_mark.ids = ids
    else:
        _mark_sent(ids)
    return LetterResult(sent=Counter(log.kind for log in logs))


def _mark_sent(ids: list[int]) -> None:
    ReminderLog.objects.filter(pk__in=ids, status=ReminderStatus.SENDING).update(
        status=ReminderStatus.SENT, email_sent=True, sent_at=timezone.now(), error=""
    )


def _claim_with_notification(*, log_id: int, now: dt.datetime) -> bool:
    """PostgreSQL: the conditional claim of one row and its in-app notification in one statement.

    The same two writes as the portable path (UPDATE … WHERE status = 'pending', then INSERT …
    ON CONFLICT DO NOTHING), made atomic by being one statement instead of a transaction of
    four round trips. True if this call claimed it.
    """
    log_table, note_table = ReminderLog._meta.db_table, Notification._meta.db_table
    sql = f"""
        WITH claimed AS (
            UPDATE {log_table} SET status = %s, sending_at = %s, attempts = attempts + 1
            WHERE id = %s AND status = %s
            RETURNING id, recipient_id, kind, title, message, path
        ), noted AS (
            INSERT INTO {note_table} (recipient_id, reminder_id, kind, title, message, path, created_at)
            SELECT recipient_id, id, kind, title, message, path, %s FROM claimed
            ON CONFLICT DO NOTHING
        )
        SELECT count(*) FROM claimed
    """
    with db_connection.cursor() as cursor:
        cursor.execute(sql, [ReminderStatus.SENDING, now, log_id, ReminderStatus.PENDING, now])
        return cursor.fetchone()[0] == 1


# The claim of a letter runs once per letter, a thousand times a day: prepared once per database
# session (PostgreSQL keeps it for the session, a rolled-back transaction included), it is not
# parsed and planned again for each.
_CLAIM_LETTER = "nastavnik_claim_letter"


def _prepare_claim_letter() -> None:
    """PREPARE the claim of `_claim_letter` in this session unless it is there already."""
    table = ReminderLog._meta.db_table
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [_CLAIM_LETTER])
        if cursor.fetchone() is not None:
            return
        # $1 the rows to claim, $2 now, $3 the rows of the previous letter, which went out
        cursor.execute(
            f"""
            PREPARE {_CLAIM_LETTER}(bigint[], timestamptz, bigint[]) AS
            WITH done AS (
                UPDATE {table} SET status = %s, email_sent = TRUE, sent_at = $2, error = ''
                WHERE id = ANY($3) AND status = %s
            )
            UPDATE {table} SET status = %s, sending_at = $2, attempts = attempts + 1
            WHERE id = ANY($1) AND status = %s
            RETURNING id
            """,
            [ReminderStatus.SENT, ReminderStatus.SENDING, ReminderStatus.SENDING, ReminderStatus.PENDING],
        )


def _claim_letter(*, ids: list[int], now: dt.datetime, sent_ids: list[int]) -> set[int]:
    """PostgreSQL: the conditional claim of a letter's rows (their notifications are written
    already), with the «sent» mark of the previous letter's rows (`sent_ids`) in the same
    statement (prepared by `_prepare_claim_letter`). Returns the ids this call claimed."""
    with db_connection.cursor() as cursor:
        cursor.execute(f"EXECUTE {_CLAIM_LETTER}(%s::bigint[], %s, %s::bigint[])", [ids, now, sent_ids])
        return {row[0] for row in cursor.fetchall()}


def _deliver_in_bulk(*, ids: list[int], now: dt.datetime) -> Counter:
    """PostgreSQL, one statement for the pending rows a sweep has read: the in-app notification of
    every one of them (ON CONFLICT DO NOTHING on its one-to-one link: once, whoever claims the row),
    and the rows without a letter delivered at once — claimed and marked sent by an update that
    takes only rows still pending, so a concurrent sweep's are left to it. The letters are still
    claimed one letter at a time (`letter_deliver`): a killed worker leaves at most the rows of the
    one it was sending unconfirmed. Returns the rows delivered here, by kind."""
    log_table, note_table = ReminderLog._meta.db_table, Notification._meta.db_table
    sql = f"""
        WITH app_only AS (
            UPDATE {log_table} SET status = %(sent)s, sending_at = %(now)s, sent_at = %(now)s,
                attempts = attempts + 1
            WHERE id = ANY(%(ids)s) AND status = %(pending)s AND NOT send_email
            RETURNING kind
        ), noted AS (
            INSERT INTO {note_table} (recipient_id, reminder_id, kind, title, message, path, created_at)
            SELECT recipient_id, id, kind, title, message, path, %(now)s FROM {log_table}
            WHERE id = ANY(%(ids)s) AND status = %(pending)s
            ON CONFLICT DO NOTHING
        )
        SELECT kind, count(*) FROM app_only GROUP BY kind
    """
    params: dict[str, Any] = {"sent": ReminderStatus.SENT, "pending": ReminderStatus.PENDING, "now": now, "ids": ids}
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return Counter(dict(cursor.fetchall()))


def letters_of(logs: Sequence[_Row]) -> list[list[_Row]]:
    """The rows of each recipient together, in the order of their first row, at most
    MAX_LETTER_ITEMS to a letter (the sweep's letters; tomorrow's preview counts them)."""
    by_recipient: dict[int, list[_Row]] = {}
    for log in logs:
        by_recipient.setdefault(log.recipient_id, []).append(log)
    return [
        rows[start : start + MAX_LETTER_ITEMS]
        for rows in by_recipient.values()
        for start in range(0, len(rows), MAX_LETTER_ITEMS)
    ]


def reminders_deliver(
    *, municipality: Municipality, today: dt.date, result: SweepResult, catch_up_from: dt.date | None = None
) -> SweepResult:
    # every pending row with its recipient in one query; the notifications and the rows without a
    # letter in one statement (PostgreSQL); then one letter per recipient, each claimed on its own,
    # so a killed worker leaves the rows of at most the one letter it was sending unconfirmed
    window = Q(date__range=(today - dt.timedelta(days=PENDING_GRACE_DAYS), today))
    if catch_up_from is not None:  # the caught-up days' overdue reminders, however old
        window |= Q(date__range=(catch_up_from, today), kind__in=CATCHUP_KINDS)
    pending = list(
        ReminderLog.objects.filter(window, municipality=municipality, status=ReminderStatus.PENDING)
        .select_related("recipient")
        .order_by("pk")
    )
    noted = bool(pending) and db_connection.vendor == "postgresql"
    if noted:
        result.sent.update(_deliver_in_bulk(ids=[log.pk for log in pending], now=timezone.now()))
        if any(log.send_email for log in pending):
            _prepare_claim_letter()
    else:
        for log in pending:
            if not log.send_email and reminder_deliver(log_id=log.pk, log=log) == ReminderStatus.SENT:
                result.sent[log.kind] += 1
    connection = get_connection()
    sent_mark = _SentMark()
    try:
        for logs in letters_of([log for log in pending if log.send_email]):
            try:
                outcome = letter_deliver(logs=logs, connection=connection, sent_mark=sent_mark, noted=noted)
            except TransientDeliveryError:
                result.transient += 1
                connection = get_connection()  # the old one may be half-closed
                continue
            result.sent.update(outcome.sent)
            result.failed += outcome.failed
    finally:
        last = sent_mark.take()
        if last:
            _mark_sent(last)
    return result


# Catch-up ---------------------------------------------------------------------------------------
# Reminders that stay true on a later day and are worth sending late: what was overdue then is
# overdue still. «Через 7 дней» or «сегодня срок» for a date already past is not sent.
CATCHUP_KINDS = (Kind.ROADMAP_OVERDUE, Kind.ROADMAP_ESCALATION, Kind.CAMPAIGN_REPORT_OVERDUE)


def _catchup_limit() -> int:
    from django.conf import settings

    return max(0, int(getattr(settings, "NOTIFICATIONS_CATCHUP_DAYS", 14)))


def last_swept_day(*, municipality: Municipality, before: dt.date) -> dt.date | None:
    """The last local date a full sweep of the municipality completed before `before`. Before the
    first recorded sweep (an installation that predates the record) the last day reminders were
    written stands in for it; with neither there is nothing to catch up."""
    from django.db.models import Max

    last = SweepDay.objects.filter(municipality=municipality, date__lt=before).aggregate(m=Max("date"))["m"]
    if last is None:
        last = ReminderLog.objects.filter(municipality=municipality, date__lt=before).aggregate(m=Max("date"))["m"]
    return last


def missed_days(*, municipality: Municipality, today: dt.date) -> list[dt.date]:
    """The days since the last completed sweep on which none completed (at most the limit)."""
    last = last_swept_day(municipality=municipality, before=today)
    limit = _catchup_limit()
    if last is None or not limit:
        return []
    start = max(last + dt.timedelta(days=1), today - dt.timedelta(days=limit))
    return [start + dt.timedelta(days=n) for n in range((today - start).days)]


def reminders_catch_up(
    *, municipality: Municipality, today: dt.date, kinds: list[str] | None, rules: ReminderSettings, result: SweepResult
) -> list[dt.date]:
    """Claim, for each missed day, the overdue and escalation reminders that were due that day
    (keyed by that day, so each is claimed once however often this runs). Returns the days."""
    wanted = [k for k in CATCHUP_KINDS if kinds is None or k in kinds]
    days = missed_days(municipality=municipality, today=today) if wanted else []
    for day in days:
        planned = reminders_collect(municipality=municipality, today=day, kinds=wanted, rules=rules)
        rows = reminder_rows(municipality=municipality, today=day, planned=planned)
        note = f"Напоминание за {day:%d.%m.%Y}: в тот день рассылка не проводилась. "
        for row in rows:
            row.message = note + row.message
        result.claimed += reminders_claim(rows=rows)
        result.skipped += sum(1 for r in rows if r.status == ReminderStatus.SKIPPED)
    return days


def sweep_day_complete(*, municipality: Municipality, day: dt.date, caught_up: int = 0) -> None:
    SweepDay.objects.update_or_create(
        municipality=municipality, date=day, defaults={"completed_at": timezone.now(), "caught_up": caught_up}
    )


def _is_full_day(kinds: list[str] | None) -> bool:
    """A daily run (not the weekly digest alone): only these count as «the day was swept»."""
    return kinds is None or set(DAILY_KINDS) <= set(kinds)


def sweep_run(
    *, municipality: Municipality, today: dt.date | None = None, kinds: list[str] | None = None
) -> SweepResult:
    """Collect what is due on the municipality's `today` and on the days no sweep ran since the
    last one (overdue and escalation only), claim the keys, then send."""
    today = today or local_today(municipality)
    result = SweepResult(municipality_id=municipality.pk, date=today)
    rules = reminder_settings_for(municipality)
    full_day = _is_full_day(kinds)
    if not rules.enabled:
        if full_day:  # nothing was due by the rules: switching them back on does not flood old reminders
            sweep_day_complete(municipality=municipality, day=today)
        return result
    if full_day:
        result.caught_up = reminders_catch_up(
            municipality=municipality, today=today, kinds=kinds, rules=rules, result=result
        )
    planned = reminders_collect(municipality=municipality, today=today, kinds=kinds, rules=rules)
    rows = reminder_rows(municipality=municipality, today=today, planned=planned)
    result.claimed += reminders_claim(rows=rows)
    result.skipped += sum(1 for r in rows if r.status == ReminderStatus.SKIPPED)
    reminders_deliver(
        municipality=municipality,
        today=today,
        result=result,
        catch_up_from=result.caught_up[0] if result.caught_up else None,
    )
    if full_day and not result.transient:
        sweep_day_complete(municipality=municipality, day=today, caught_up=len(result.caught_up))
    logger.info("reminder sweep %s %s: %s", municipality, today, json.dumps(result.as_dict(), ensure_ascii=False))
    return result


# Notification center ----------------------------------------------------------------------------
def notification_mark_read(*, user, notification_id: int) -> Notification:
    """Mark the user's own notification read (a foreign id raises DoesNotExist → 404 in the view)."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preferences_save(*, user, choices: dict[str, str]) -> None:
    """`choices`: kind → "all" | "app" | "none". "all" removes the row (the default)."""
    for kind, choice in choices.items():
        if kind not in Kind.values:
            continue
        if choice == "all":
            NotificationPreference.objects.filter(user=user, kind=kind).delete()
        else:
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"in_app": choice == "app", "email": False}
            )


# Schedules --------------------------------------------------------------------------------------
SWEEP_TASK = "notifications.tasks.sweep_municipality"
TASK_NAME_PREFIX = "Напоминания"


def schedule_sync(*, municipality: Municipality) -> list:
    """Create or update this municipality's beat schedules (daily sweep, weekly digest)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    rules = reminder_settings_for(municipality)
    hour = str(rules.send_hour)
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=municipality.timezone
    )
    weekly, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour=hour,
        day_of_week=str(rules.digest_weekday),
        day_of_month="*",
        month_of_year="*",
        timezone=municipality.timezone,
    )
    tasks = []
    for suffix, crontab, kwargs in (
        ("ежедневная рассылка", daily, {"municipality_id": municipality.pk}),
        ("еженедельная сводка", weekly, {"municipality_id": municipality.pk, "kinds": [Kind.WEEKLY_DIGEST.value]}),
    ):
        task, _ = PeriodicTask.objects.update_or_create(
            name=f"{TASK_NAME_PREFIX}: {suffix} — {municipality.name} (№ {municipality.pk})",
            defaults={
                "task": SWEEP_TASK,
                "crontab": crontab,
                "interval": None,
                "kwargs": json.dumps(kwargs),
                "enabled": rules.enabled,
                "description": "Создано командой setup_periodic_tasks.",
            },
        )
        tasks.append(task)
    return tasks


def schedules_sync_all() -> dict[str, int]:
    from django_celery_beat.models import PeriodicTask

    keep: set[int] = set()
    for municipality in Municipality.objects.order_by("pk"):
        keep.update(t.pk for t in schedule_sync(municipality=municipality))
    removed, _ = (
        PeriodicTask.objects.filter(task=SWEEP_TASK, name__startswith=TASK_NAME_PREFIX).exclude(pk__in=keep).delete()
    )
    return {"tasks": len(keep), "removed": removed}


# Events: something happened (a report submitted, returned, accepted) -----------------------------
def event_notify(
    *,
    kind: str,
    object_type: str,
    object_id: int,
    recipients,
    municipality: Municipality,
    title: str,
    message: str,
    path: str = "",
    organization_id: int | None = None,
) -> list[int]:
    """Tell people at once, through the reminders' own machinery: one key per recipient claimed in
    the caller's transaction (the same opt-outs, in-app and e-mail, exactly once), delivered after
    commit. `object_id` names the event itself (a history row), so a report returned twice in a
    day is told twice. If the delivery task cannot be queued the rows stay pending and the next
    sweep of the municipality sends them. Returns the claimed rows' ids."""
    today = local_today(municipality)
    planned = [
        Planned(
            object_type=object_type,
            object_id=object_id,
            kind=kind,
            recipients=tuple(recipients),
            title=title,
            message=message,
            path=path,
            organization_id=organization_id,
        )
    ]
    rows = reminder_rows(municipality=municipality, today=today, planned=planned)
    if not rows:
        return []
    reminders_claim(rows=rows)
    ids = list(
        ReminderLog.objects.filter(
            object_type=object_type, object_id=object_id, kind=kind, date=today, status=ReminderStatus.PENDING
        ).values_list("pk", flat=True)
    )
    if ids:
        transaction.on_commit(lambda: _enqueue_delivery(ids))
    return ids


def _enqueue_delivery(ids: list[int]) -> None:
    from notifications.tasks import deliver_events

    try:
        # no publish retries: with the broker down a request must not hang for 20 s; the rows
        # stay pending and the municipality's sweep delivers them
        deliver_events.apply_async(args=[ids], retry=False)
    except Exception:
        logger.warning("event notifications %s: not queued, left for the sweep", ids, exc_info=True)


def events_deliver(*, log_ids: list[int]) -> int:
    """Deliver claimed event rows (in-app and e-mail); rows already taken are skipped."""
    delivered = 0
    connection = get_connection()
    for log in ReminderLog.objects.filter(pk__in=log_ids, status=ReminderStatus.PENDING).select_related("recipient"):
        try:
            status = reminder_deliver(log_id=log.pk, connection=connection, log=log)
        except TransientDeliveryError:
            continue
        delivered += status == ReminderStatus.SENT
    return delivered


def on_workflow_event(sender, **event) -> None:
    """Receiver of accounts.events.workflow_event (connected in NotificationsConfig.ready)."""
    event_notify(
        kind=event["kind"],
        object_type=event["object_type"],
        object_id=event["object_id"],
        recipients=event["recipients"],
        municipality=event["municipality"],
        title=event["title"],
        message=event["message"],
        path=event.get("path", ""),
        organization_id=event.get("organization_id"),
    )
