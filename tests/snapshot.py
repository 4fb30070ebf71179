"""Whole-database snapshots for transactional tests that start from the same costly data.

The URL walk, the visible-text walk and the backup tests each begin with the demo (`seed_demo`, a
few seconds of CPU: it also builds annual reports) and must commit like production does, so they
cannot share one transaction. Instead the first such test of a worker seeds and takes a snapshot,
and the next ones restore it: the database byte for byte (SQLite: the backup API; PostgreSQL: every
table copied out and back with COPY, and the sequences) and the files written meanwhile. The
rows, their ids and the files are exactly what seeding gave; what the test then changes is flushed
after it, as for any transactional test.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction


@dataclass
class Snapshot:
    vendor: str
    sqlite: sqlite3.Connection | None = None
    tables: dict[str, bytes] = field(default_factory=dict)
    sequences: list[tuple[str, int | None]] = field(default_factory=list)
    media: Path | None = None


def take(connection, media_root: Path, store: Path) -> Snapshot:
    """The database behind `connection` and the files under `media_root` (copied to `store`)."""
    connection.ensure_connection()
    snapshot = Snapshot(vendor=connection.vendor)
    if connection.vendor == "sqlite":
        snapshot.sqlite = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(snapshot.sqlite)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor, include_views=False):
                out = io.BytesIO()
                cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} TO STDOUT (FORMAT binary)", out)
                snapshot.tables[table] = out.getvalue()
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = current_schema()")
            snapshot.sequences = list(cursor.fetchall())
    else:  # pragma: no cover - the project runs on these two
        raise NotImplementedError(connection.vendor)
    if media_root.is_dir():
        snapshot.media = store / "media"
        shutil.copytree(media_root, snapshot.media)
    return snapshot


def restore(connection, snapshot: Snapshot, media_root: Path) -> None:
    """Put the database and the files back as they were when `snapshot` was taken."""
    connection.ensure_connection()
    if snapshot.vendor == "sqlite":
        assert snapshot.sqlite is not None
        snapshot.sqlite.backup(connection.connection)
    else:
        quote = connection.ops.quote_name
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # every table emptied (DELETE: TRUNCATE of ~100 tables costs seconds on PostgreSQL, see
            # tests/conftest.py); foreign keys are checked at commit (Django makes them deferrable)
            cursor.execute(f"LOCK TABLE {', '.join(quote(t) for t in snapshot.tables)} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in snapshot.tables:
                cursor.execute(f"DELETE FROM {quote(table)}")
            for table, data in snapshot.tables.items():
                cursor.copy_expert(f"COPY {quote(table)} FROM STDIN (FORMAT binary)", io.BytesIO(data))
            for name, last_value in snapshot.sequences:
                if last_value is None:
                    cursor.execute("SELECT setval(%s, 1, false)", [quote(name)])
                else:
                    cursor.execute("SELECT setval(%s, %s, true)", [quote(name), last_value])
    if media_root.exists():
        shutil.rmtree(media_root)
    if snapshot.media is not None:
        shutil.copytree(snapshot.media, media_root)


def seed_demo() -> None:
    """`seed_demo`, quietly: the build of the "demo" snapshot that the demo-based tests share (the
    URL walk builds its own on top of it, the backup and print tests use it as it is)."""
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
