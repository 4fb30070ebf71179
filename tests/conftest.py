"""Shared fixtures: two municipalities with schools and one user per role on each side.

Every scope test has data on both sides of the boundary: `world.home` is the user's side,
`world.foreign` the other municipality.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from accounts.models import Role
from tests.clock import MID_YEAR
from tests.factories import PASSWORD, MunicipalityFactory, OrganizationFactory, user_with_role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API with live_server

# Property tests are repeatable (the same examples on every run, so CI never fails by chance) and have
# no per-example deadline (a loaded machine is not a slow parser). HYPOTHESIS_PROFILE=explore searches
# with fresh random examples when you work on a parser.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("repeatable", derandomize=True, deadline=None)
_hypothesis_settings.register_profile("explore", deadline=None, max_examples=500)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def _per_worker_redis(url: str | None, worker: str) -> str | None:
    """redis://host:port/N -> the same server, database N + 1 + worker number (gw0 -> N+1 ...)."""
    import re

    if not url or not worker.startswith("gw"):
        return url
    match = re.fullmatch(r"(rediss?://[^/]+)/?(\d*)", url)
    if not match:
        return url
    base = int(match.group(2) or 0)
    return f"{match.group(1)}/{(base + 1 + int(worker[2:])) % 16}"


def pytest_configure(config):
    from django.conf import settings

    _conversion_cache_start(config)

    # PBKDF2 at production strength costs ~0.3 s a user; tests create dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    # PostgreSQL waits for the disk at every commit (~6 ms here; 0.2 ms without): the migrations
    # that build each worker's test database and every transactional test commit thousands of
    # times. A test database need not survive a crash, so its sessions do not wait
    # (synchronous_commit is a per-session setting; the server's fsync stays as it is).
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
        _flush_by_delete()

    # Under pytest-xdist every worker has its own test database (pytest-django adds _gwN), so it
    # needs its own broker database too: a Celery worker started by one must never take the
    # tasks of another (it would read the other's database).
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker and settings.CELERY_BROKER_URL:
        from config.celery import app

        broker = _per_worker_redis(settings.CELERY_BROKER_URL, worker)
        backend = _per_worker_redis(settings.CELERY_RESULT_BACKEND, worker)
        settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND = broker, backend
        os.environ["CELERY_BROKER_URL"], os.environ["CELERY_RESULT_BACKEND"] = broker, backend or broker
        app.conf.broker_url, app.conf.result_backend = broker, backend


@dataclass
class Side:
    municipality: object
    school: object
    other_school: object
    coordinator: object
    methodologist: object
    curator: object
    head: object


@dataclass
class World:
    home: Side
    foreign: Side
    admin: object
    password: str = PASSWORD


def _side(prefix: str, tz: str) -> Side:
    municipality = MunicipalityFactory(name=f"город {prefix}", timezone=tz)
    school = OrganizationFactory(municipality=municipality, short_name=f"{prefix} СШ № 1")
    other_school = OrganizationFactory(municipality=municipality, short_name=f"{prefix} СШ № 2")
    return Side(
        municipality=municipality,
        school=school,
        other_school=other_school,
        coordinator=user_with_role(Role.COORDINATOR, municipality=municipality, username=f"{prefix}_coord"),
        methodologist=user_with_role(Role.METHODOLOGIST, municipality=municipality, username=f"{prefix}_metod"),
        curator=user_with_role(Role.CURATOR, organization=school, username=f"{prefix}_curator"),
        head=user_with_role(Role.HEAD, organization=school, username=f"{prefix}_head"),
    )


def _world() -> World:
    return World(
        home=_side("Норильск", "Asia/Krasnoyarsk"),
        foreign=_side("Нижневартовск", "Asia/Yekaterinburg"),
        admin=user_with_role(Role.ADMIN, username="root_admin", is_superuser=True),
    )


@pytest.fixture
def world(db) -> World:
    return _world()


@pytest.fixture(scope="module")
def module_world(module_db) -> World:
    """The same world, built once for a module of many short cases (the hostile and bad-file
    corpora): a module that overrides `world` with it runs each case in a transaction of its own
    over it (`module_db`), so what one case writes the next never sees."""
    with module_db.unblock():
        return _world()


def _flush_by_delete() -> None:
    """After every transactional test Django empties all tables with one `TRUNCATE` of the ~100
    tables; on PostgreSQL that makes new files for each table and index and costs seconds (5 s
    here, against 0.1-0.3 s for a DELETE of each table: test tables hold a few rows). The same
    rows go: every table listed is emptied in one transaction, its foreign keys checked at commit
    (Django creates them deferrable). Sequence resets and cascades keep Django's TRUNCATE.

    First every table is locked as TRUNCATE locks it (ACCESS EXCLUSIVE, in the same order): a Celery
    worker process still finishing a task of the test (the real-worker tests) is waited for and
    cannot insert a row between the DELETEs, which would deadlock or break a foreign key at commit."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        names = [style.SQL_FIELD(self.quote_name(t)) for t in tables]
        delete = f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')}"
        return [
            f"{style.SQL_KEYWORD('LOCK TABLE')} {', '.join(names)} {style.SQL_KEYWORD('IN ACCESS EXCLUSIVE MODE')};",
            "SET CONSTRAINTS ALL DEFERRED;",
            *(f"{delete} {name};" for name in names),
        ]

    DatabaseOperations.sql_flush = sql_flush

    # The LOCK can still meet a worker's transaction that already holds one of the tables and then
    # asks for one the flush holds: PostgreSQL breaks the deadlock by failing one side. When that is
    # the flush (it runs in its own transaction, rolled back), it waits a moment and runs again.
    from django.db import OperationalError

    execute = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        for attempt in range(1, 6):
            try:
                return execute(self, sql_list)
            except OperationalError as error:
                if "deadlock detected" not in str(error) or attempt == 5:
                    raise
                time.sleep(0.2 * attempt)

    DatabaseOperations.execute_sql_flush = execute_sql_flush


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases; on PostgreSQL every later session to them (the Celery
    worker processes some tests start) also commits without waiting for the disk."""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor == "postgresql":
                name = connection.ops.quote_name(connection.settings_dict["NAME"])
                with connection.cursor() as cursor:
                    cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
    yield
    # before pytest-django drops the test databases: sessions still open on them (a live server's
    # thread, a process a test started) would make the DROP fail with a warning and leave the
    # database behind; they are over, so they are ended
    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )


@pytest.fixture
def client_for(client):
    """Log a user in on the test client: `client_for(user)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


# LibreOffice conversions of the roadmap reader, once per run --------------------------------------
CONVERSIONS_ENV = "NASTAVNIK_TEST_CONVERSIONS"


def _conversion_cache_start(config) -> None:
    """One folder for the whole run, shared by the xdist workers (they inherit the environment) and
    by the standalone copy's pytest (tests/test_standalone.py); `.ci/run` sets it for both passes."""
    import tempfile

    if os.environ.get(CONVERSIONS_ENV) or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    os.environ[CONVERSIONS_ENV] = tempfile.mkdtemp(prefix="nastavnik-conversions-")
    config._conversion_cache_owned = os.environ[CONVERSIONS_ENV]


def pytest_unconfigure(config):
    import shutil

    owned = getattr(config, "_conversion_cache_owned", None)
    if owned:
        shutil.rmtree(owned, ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def _conversions_once_per_run():
    """The roadmap reader (roadmaps.importers.formats) turns a .doc/.rtf/.odt/.xls/.ods into
    .docx/.xlsx with LibreOffice, seconds a file; the same sample files are read by several tests,
    by both workers, by the standalone copy and by the PostgreSQL pass. Each distinct file (by
    content) is converted by the real LibreOffice the first time in the run and the result kept by
    its hash. Only the reader's path is cached: tests of the converter itself (run_soffice, convert,
    two at once, a hanging or failing or missing LibreOffice via SOFFICE_BINARY) run it for real."""

    from django.conf import settings

    from roadmaps.importers import convert as converter
    from roadmaps.importers import formats
    from tests.soffice import read_ahead_fixtures, reader_key

    folder = os.environ.get(CONVERSIONS_ENV)
    original = formats.convert
    binary = converter.soffice_path()

    def cached(data: bytes, kind: str, *, timeout: float | None = None) -> bytes:
        if not folder or getattr(settings, "SOFFICE_BINARY", "") or converter.soffice_path() != binary:
            return original(data, kind, timeout=timeout)
        path = reader_key(Path(folder), data, kind)
        if not path.exists():
            # the first conversion of the run converts every fixture document in a few LibreOffice
            # runs (tests/soffice.py): the same files are read by many tests
            read_ahead_fixtures(Path(folder))
        if path.exists():
            return path.read_bytes()
        result = original(data, kind, timeout=timeout)
        staging = path.with_suffix(f".{os.getpid()}.part")
        staging.write_bytes(result)
        os.replace(staging, path)  # atomic: a parallel reader sees the whole file or none
        return result

    formats.convert = cached
    yield
    formats.convert = original


@pytest.fixture(autouse=True)
def _eager_celery(settings, request):
    """Tasks run in-process unless the test explicitly needs the real worker."""
    from config.celery import app

    if request.node.get_closest_marker("real_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="module")
def mid_year_clock():
    """The module runs on 15 June of this year, the clock ticking on (tests/clock.py says why)."""
    import time_machine

    with time_machine.travel(MID_YEAR, tick=True):
        yield MID_YEAR.date()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """Rows a module builds once for all its tests (the demo, a report), as Django's
    TestCase.setUpTestData does: a transaction opened before the module's first test and rolled
    back after its last. Each test still asks for `db` and runs in a savepoint of its own inside
    it, so what one test changes the next never sees. Files written meanwhile go to a folder of
    the module's own. Only for tests without `transaction=True` (those commit and flush)."""
    from django.db import connections, transaction
    from django.test.utils import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("module-media"))
    media.enable()
    blocks = []
    with django_db_blocker.unblock():
        for alias in connections:
            block = transaction.atomic(using=alias)
            block._from_testcase = True  # a durable block inside a test stays allowed, as in TestCase
            block.__enter__()
            blocks.append((alias, block))
    try:
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            for alias, block in reversed(blocks):
                transaction.set_rollback(True, using=alias)
                block.__exit__(None, None, None)
        media.disable()


_SNAPSHOTS: dict = {}


def _snapshot_loader(media_root: Path, tmp_path_factory):
    from django.db import connection
    from django.utils import timezone

    from tests import snapshot

    def load(key: str, build) -> None:
        # the demo is seeded relative to today in each municipality: a snapshot serves only the hour
        # it was taken in (every Russian time zone is a whole number of hours off UTC, so no local
        # date changes within a UTC hour), not a run that crossed midnight in Norilsk or a module
        # that runs on a pinned clock (tests/clock.py)
        key = f"{key}@{timezone.now():%Y-%m-%dT%H}"
        media = Path(media_root)
        if key in _SNAPSHOTS:
            snapshot.restore(connection, _SNAPSHOTS[key], media)
            return
        build()
        _SNAPSHOTS[key] = snapshot.take(connection, media, tmp_path_factory.mktemp(f"snapshot-{key}"))

    return load


@pytest.fixture
def from_snapshot(transactional_db, settings, tmp_path_factory):
    """`from_snapshot(key, build)` in a transactional test: the first test of this worker that asks
    for `key` runs `build()` (seeding the demo, say) and snapshots the database and the media files;
    later ones get that state restored instead of building it again (tests/snapshot.py). A build
    may start from another snapshot: `build` calls `from_snapshot("demo", seed_demo)` first."""
    return _snapshot_loader(Path(settings.MEDIA_ROOT), tmp_path_factory)


def _flush_committed() -> None:
    """Empty every table, as a transactional test's teardown does; the reference lists come back
    before the next test that needs them (pytest_runtest_setup below, or serialized rollback)."""
    from django.core.management import call_command
    from django.db import connections

    for alias in connections:
        # sequences kept, as TransactionTestCase keeps them: the reference rows come back with their
        # own ids, and a reset sequence would hand those ids out again
        call_command(
            "flush", verbosity=0, interactive=False, database=alias, reset_sequences=False, inhibit_post_migrate=True
        )
    _FLUSHED["since_restore"] = True


@pytest.fixture(scope="module")
def module_demo_db(django_db_setup, django_db_blocker, _serialized_contents, tmp_path_factory):
    """The demo for a whole module, committed: restored from the worker's "demo" snapshot (or
    seeded and snapshotted by the first module or transactional test that asks). What the module's
    fixtures build on it (a report) is committed too; each test still runs in its own transaction
    (`db`) and rolls back. After the module's last test every table is flushed, as after a
    transactional test, so no later test sees the demo. Yields the blocker, as `module_db` does."""
    from django.conf import settings as django_settings
    from django.test.utils import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("module-demo-media"))
    media.enable()
    try:
        with django_db_blocker.unblock():
            if _FLUSHED["since_restore"]:  # a flush emptied the reference lists the seed builds on
                _restore_reference_lists(_serialized_contents)
            from tests.snapshot import seed_demo

            _snapshot_loader(Path(django_settings.MEDIA_ROOT), tmp_path_factory)("demo", seed_demo)
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            _flush_committed()
        media.disable()


# Browser tests ----------------------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (the test command installs it; no browser download)."""
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test`, which installs it with apt-get.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, live_server, request, tmp_path):
    """A fresh browser context on the live server; keeps a screenshot when the test fails."""
    context = chromium.new_context(base_url=live_server.url, locale="ru-RU", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        out = os.path.join(os.environ.get("BROWSER_ARTIFACTS", "var/test-artifacts"), request.node.name + ".png")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        page.screenshot(path=out, full_page=True)
    context.close()


@pytest.fixture
def login_page(browser_page):
    """Sign a user in through the real login form: `login_page(username, password)` returns the page."""

    def login(username: str, password: str = PASSWORD):
        browser_page.goto("/accounts/login/")
        browser_page.fill("input[name=username]", username)
        browser_page.fill("input[name=password]", password)
        with browser_page.expect_navigation():
            browser_page.click("button[type=submit]")
        return browser_page

    return login


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# A real Celery worker ----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the configured broker, using the test database.

    Skipped without CELERY_BROKER_URL (the plain SQLite run); `.ci/run` runs it on Redis and
    PostgreSQL. Tests that use it need `transactional_db` so the worker sees their rows.
    """
    import subprocess
    import sys
    import time

    from django.conf import settings
    from django.db import connection

    if not settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set: the real-worker tests run in .ci/run against Redis")
    if connection.vendor != "postgresql":
        pytest.skip("the real worker shares the test database only on PostgreSQL")
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                "--loglevel=INFO",
                "-Q",
                "celery,reports",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"test-{os.getpid()}@%h",
            ],
            cwd=os.path.dirname(os.path.dirname(__file__)),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("celery worker exited: " + log.read_text()[-2000:])
        replies = app.control.ping(timeout=1.0) or []
        if any(f"test-{os.getpid()}@" in name for reply in replies for name in reply):
            break
    else:
        process.terminate()
        pytest.fail("celery worker did not answer within 60 s: " + log.read_text()[-2000:])
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.hookimpl(trylast=True)  # after -m, -k and --deselect: it sees only the tests that will run
def pytest_collection_modifyitems(config, items):
    """Transactional tests (browser, real worker, seed_demo walks) flush the database afterwards,
    which would also wipe the reference lists that data migrations create. Serialized rollback
    restores them before each such test, so test order never matters."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction")
        uses_fixture = any(name in item.fixturenames for name in ("transactional_db", "live_server"))
        if transactional:
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
        if transactional or uses_fixture:
            if "django_db_serialized_rollback" not in item.fixturenames:
                item.fixturenames.insert(0, "django_db_serialized_rollback")

    # the heaviest tests first (slow(seconds=N)), the rest in file order: under pytest-xdist the
    # workers then finish together instead of one starting a 200-second test when the other is done
    def cost(item) -> int:
        marker = item.get_closest_marker("slow")
        return int(marker.kwargs.get("seconds", 10)) if marker else 0

    items.sort(key=cost, reverse=True)
    from tests.test_standalone import STANDALONE, runs_in_the_copy

    if any(item.nodeid == STANDALONE for item in items):
        # the copy of the repository alone runs the roadmap tests itself (tests/test_standalone.py):
        # the run leaves them to it rather than running them twice
        copied = [item for item in items if runs_in_the_copy(item)]
        if copied:
            config.hook.pytest_deselected(items=copied)
            items[:] = [item for item in items if not runs_in_the_copy(item)]
    if os.environ.get("NASTAVNIK_TESTS_WITH_DB_ONLY") == "1":
        # .ci/run's second pass, on PostgreSQL and Redis: a test that touches no database
        # (the document readers, the deadline parser, settings and architecture checks) would only
        # repeat pass 1 exactly, and so would one marked same_on_every_database (the accessibility
        # walk: axe and the phone's width read markup and CSS, whatever database filled the page;
        # the URL walk and the crawler still render every page on PostgreSQL)
        database = {"db", "transactional_db", "live_server", "django_db_setup"}
        keep = [
            i
            for i in items
            if (i.get_closest_marker("django_db") or database & set(i.fixturenames))
            and not i.get_closest_marker("same_on_every_database")
        ]
        kept = set(keep)
        dropped = [i for i in items if i not in kept]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
            items[:] = keep


@pytest.fixture(scope="session")
def _serialized_contents(django_db_setup, django_db_blocker):
    from django.db import connections

    # taken before the first transactional test runs, so it is the state right after migrations
    with django_db_blocker.unblock():
        _SERIALIZED.update(
            {
                alias: getattr(connections[alias], "_test_serialized_contents", None)
                or connections[alias].creation.serialize_db_to_string()
                for alias in connections
            }
        )
    return _SERIALIZED


#: the state right after migrations (reference lists, content types), per database alias
_SERIALIZED: dict[str, str] = {}
#: a transactional test has run since the reference lists were last put back: its flush emptied them
_FLUSHED = {"since_restore": False}


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker is not None and marker.kwargs.get("transaction")) or any(
        name in item.fixturenames for name in ("transactional_db", "live_server")
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _is_transactional(item):
        _FLUSHED["since_restore"] = True


def _restore_reference_lists(serialized: dict[str, str]) -> None:
    """Put back, committed, the rows right after migrations (reference lists, content types) that a
    flush emptied."""
    from django.db import connections

    for alias, contents in serialized.items():
        if contents:
            connections[alias].creation.deserialize_db_from_string(contents)
    _FLUSHED["since_restore"] = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """Tests run heaviest first (`_cost_order`), not in pytest-django's order (every transactional
    test last), so a test in a transaction may follow a transactional one, whose flush emptied the
    tables: the reference lists and content types the data migrations made are gone. Put them back,
    committed, before the first such test after a flush (transactional tests restore their own)."""
    if _FLUSHED["since_restore"] and _SERIALIZED and not _is_transactional(item):
        if item.get_closest_marker("django_db") is not None or "db" in item.fixturenames:
            from pytest_django.plugin import blocking_manager_key

            with item.config.stash[blocking_manager_key].unblock():
                _restore_reference_lists(_SERIALIZED)
    yield


@pytest.fixture(autouse=True)
def _restore_serialized_contents(request):
    """Playwright's sync API runs on greenlets, and afterwards Django hands the main thread a new
    connection object without the serialized test data; serialized rollback then silently
    restores nothing. Put the data back ourselves when that happened."""
    if "django_db_serialized_rollback" not in request.fixturenames:
        return
    contents = request.getfixturevalue("_serialized_contents")
    request.getfixturevalue("transactional_db")
    from django.db import connections

    for alias, value in contents.items():
        connection = connections[alias]
        if value and not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = value
            connection.creation.deserialize_db_from_string(value)
