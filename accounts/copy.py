"""Inserting many rows at the speed of the database: PostgreSQL COPY, with bulk_create elsewhere.

`copy_insert(model, objs)` writes unsaved instances in one COPY per table and sets their primary
keys (taken from the table's sequence in one statement beforehand), so that links and history can
point at them. Values are what `bulk_create` would write: `auto_now`/`auto_now_add` dates are set,
plain columns are written as they are, any other field goes through its own `get_db_prep_save`.
Nothing is validated here — callers validate first. `copy_insert_with_history` also writes one
django-simple-history row per instance (the shape `bulk_create_with_history` gives them) and
`copy_links` the rows of a many-to-many table, both without building a model instance per row.
On a database other than PostgreSQL all three fall back to `bulk_create` in batches of 2,000.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

FALLBACK_BATCH = 2000
# columns written as the instance holds them (their get_db_prep_save changes nothing on PostgreSQL)
PLAIN = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "CharField",
    "TextField",
    "EmailField",
    "URLField",
    "SlugField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
    "BooleanField",
    "DateField",
    "DateTimeField",
    "ForeignKey",
    "OneToOneField",
}


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, int | float | decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    adapted = getattr(value, "adapted", None)  # psycopg2's Json wrapper of a JSONField value
    if adapted is not None or isinstance(value, dict | list):
        return _text(json.dumps(adapted if adapted is not None else value, ensure_ascii=False))
    return _text(str(value))


def _connection():
    return connections[DEFAULT_DB_ALIAS]


def _reserve_ids(model, count: int) -> list[int]:
    with _connection().cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """COPY `rows` (tuples in the order of `columns`) into `table` (PostgreSQL only)."""
    conn = _connection()
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        write("\t".join(map(_text, row)))
        write("\n")
    buffer.seek(0)
    quote = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN", buffer)


def _getters(model, now: dt.datetime) -> list[Callable]:
    conn = _connection()
    getters: list[Callable] = []
    for f in model._meta.concrete_fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            getters.append(lambda obj, name=f.attname: getattr(obj, name) or now)
        elif f.get_internal_type() in PLAIN:
            getters.append(attrgetter(f.attname))
        else:
            getters.append(lambda obj, f=f: f.get_db_prep_save(getattr(obj, f.attname), connection=conn))
    return getters


def copy_insert(model, objs: Sequence[models.Model]) -> None:
    """Insert `objs` (unsaved instances of `model`) and set their primary keys."""
    if not objs:
        return
    if _connection().vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=FALLBACK_BATCH)
        return
    pk = model._meta.pk.attname
    if getattr(objs[0], pk) is None:
        for obj, value in zip(objs, _reserve_ids(model, len(objs)), strict=True):
            setattr(obj, pk, value)
    now = timezone.now()
    for f in model._meta.concrete_fields:  # what save() would have set on the instances
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                if getattr(obj, f.attname) is None or f.auto_now:
                    setattr(obj, f.attname, now)
    getters = _getters(model, now)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS
    copy_rows(
        model._meta.db_table,
        [f.column for f in model._meta.concrete_fields],
        ([get(obj) for get in getters] for obj in objs),
    )


def copy_insert_with_history(
    model, objs: Sequence[models.Model], *, user=None, change_reason: str = "", history_type: str = "+"
) -> None:
    """`copy_insert` (for new rows) plus one history row per instance, in one COPY."""
    if not objs:
        return
    if history_type == "+":
        copy_insert(model, objs)
    history = model.history.model
    now = timezone.now()
    if _connection().vendor != "postgresql":
        model.history.bulk_history_create(
            objs,
            batch_size=FALLBACK_BATCH,
            update=history_type == "~",
            default_user=user,
            default_change_reason=change_reason,
            default_date=now,
        )
        return
    tracked = [f.attname for f in history.tracked_fields]
    fixed = {
        "history_date": now,
        "history_change_reason": change_reason,
        "history_type": history_type,
        "history_user_id": getattr(user, "pk", None),
    }
    columns, sources = [], []
    for f in history._meta.concrete_fields:
        if f.attname == history._meta.pk.attname:
            continue
        columns.append(f.column)
        sources.append(f.attname)
    missing = [name for name in sources if name not in fixed and name not in tracked]
    if missing:  # a historical field this function does not know how to fill: let simple-history do it
        model.history.bulk_history_create(
            objs, update=history_type == "~", default_user=user, default_change_reason=change_reason, default_date=now
        )
        return
    ids = _reserve_ids(history, len(objs))
    pk_column = history._meta.pk.column
    copy_rows(
        history._meta.db_table,
        [pk_column, *columns],
        (
            [history_id, *(fixed[name] if name in fixed else getattr(obj, name) for name in sources)]
            for history_id, obj in zip(ids, objs, strict=True)
        ),
    )


def copy_links(through, source: str, target: str, pairs: Sequence[tuple[int, int]]) -> None:
    """Rows of a many-to-many table: (source id, target id) pairs, e.g. ("person_id", "subject_id")."""
    if not pairs:
        return
    if _connection().vendor != "postgresql":
        through.objects.bulk_create([through(**{source: a, target: b}) for a, b in pairs], batch_size=FALLBACK_BATCH)
        return
    columns = [
        through._meta.get_field(source.removesuffix("_id")).column,
        through._meta.get_field(target.removesuffix("_id")).column,
    ]
    copy_rows(through._meta.db_table, columns, pairs)
