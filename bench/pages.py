"""Server time, CPU time and queries of every main page, as coordinator, curator, methodologist,
the school's head and the regional user.

Requests go through the Django test client in-process (the full middleware stack, sessions in the
database, templates rendered), so the time is the server's, without a network or a web server.
CPU time is what the request really costs, whatever else the machine runs: the Django process's
own CPU (time.process_time) plus the CPU of its PostgreSQL backend process, read from
/proc/<pg_backend_pid()>/schedstat before and after (the database runs on this machine): the
scheduler's on-CPU nanoseconds, not /proc/<pid>/stat's 10 ms clock ticks, one of which more or
less doubled the figure of a 10 ms page.
Before each timed request the garbage collector runs (gc.collect, not disabled): the p95 of 20
samples is otherwise decided by which page happens to meet a collection of everybody's garbage.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
from dataclasses import asdict, dataclass

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Municipality, Role, RoleAssignment, User


@dataclass
class Subjects:
    """Who signs in and which objects the detail pages open: the region's largest municipality."""

    users: dict[str, User]
    municipality: Municipality
    municipal_roadmap: int | None
    school_roadmap: int | None
    campaign: int | None
    assignment: int | None
    pair: int | None
    person: int | None
    region: int | None = None


def pick_subjects() -> Subjects:
    from mentorship.models import Pair, PairStatus, Person
    from monitoring.models import Assignment, Campaign, CampaignKind
    from roadmaps.models import Roadmap, RoadmapLevel

    municipality = Municipality.objects.annotate(n=Count("organizations")).order_by("-n", "pk").first()
    if municipality is None:
        raise SystemExit("В базе нет муниципалитетов: сначала `manage.py seed_scale`.")

    def role_user(role: str, **where) -> User:
        row = (
            RoleAssignment.objects.filter(role=role, user__is_active=True, **where)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if row is None:
            raise SystemExit(f"Нет пользователя с ролью {role} в «{municipality}».")
        return row.user

    # the curator of the school with the most people: the heaviest school pages
    school = (
        Person.objects.filter(organization__municipality=municipality)
        .values("organization_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization_id")
        .first()
    )
    school_id = school["organization_id"] if school else municipality.organizations.order_by("pk").first().pk
    users = {
        "coordinator": role_user(Role.COORDINATOR, municipality=municipality),
        "curator": role_user(Role.CURATOR, organization_id=school_id),
        "methodologist": role_user(Role.METHODOLOGIST, municipality=municipality),
    }
    head = (
        RoleAssignment.objects.filter(role=Role.HEAD, organization_id=school_id, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if head is not None:  # the school's head (руководитель ОО): the school's pages, read and approve
        users["head"] = head.user
    regional = (
        RoleAssignment.objects.filter(role=Role.REGIONAL, region_id=municipality.region_id, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if regional is not None:
        users["regional"] = regional.user
    municipal = (
        Roadmap.objects.filter(municipality=municipality, level=RoadmapLevel.MUNICIPAL)
        .order_by("-period_start", "pk")
        .first()
    )
    school_roadmap = Roadmap.objects.filter(organization_id=school_id).order_by("-period_start", "pk").first()
    campaign = (
        Campaign.objects.filter(municipality=municipality, kind=CampaignKind.ANNUAL)
        .exclude(status="draft")
        .order_by("-deadline", "pk")
        .first()
    )
    assignment = Assignment.objects.filter(campaign=campaign, organization_id=school_id).first() if campaign else None
    pair = (
        Pair.objects.filter(organization_id=school_id, status=PairStatus.ACTIVE)
        .annotate(n=Count("meetings"))
        .order_by("-n", "pk")
        .first()
    )
    person = Person.objects.filter(organization_id=school_id, is_mentor=True).order_by("pk").first()
    return Subjects(
        users,
        municipality,
        getattr(municipal, "pk", None),
        getattr(school_roadmap, "pk", None),
        getattr(campaign, "pk", None),
        getattr(assignment, "pk", None),
        getattr(pair, "pk", None),
        getattr(person, "pk", None),
        municipality.region_id,
    )


ALL = ("coordinator", "curator", "methodologist", "head")
MUNICIPAL = ("coordinator", "methodologist")
# the regional user reads every municipal page too, scoped to the whole region (its home page and
# notifications are the «Регион: …» rows below)
READ = (*ALL, "regional")

# label, url name, which object id the url takes (attribute of Subjects), roles that have the page
PAGES: list[tuple[str, str, str | None, tuple[str, ...]]] = [
    ("Главная", "home", None, ALL),
    ("Организации", "organization_list", None, READ),
    ("Дорожные карты", "roadmaps:list", None, READ),
    ("Дорожная карта муниципалитета", "roadmaps:detail", "municipal_roadmap", READ),
    ("Матрица исполнения", "roadmaps:matrix", "municipal_roadmap", READ),
    ("План-график (по месяцам)", "roadmaps:timeline", "municipal_roadmap", READ),
    ("Дорожная карта ОО", "roadmaps:detail", "school_roadmap", READ),
    ("Мои задачи (исполнение)", "roadmaps:tasks", None, READ),
    ("Сроки требуют внимания", "roadmaps:attention", None, READ),
    # a regional user's summary is the region page («Регион: муниципалитеты»): these redirect it there
    ("Наставничество: сводка", "mentorship:dashboard", None, ALL),
    ("Участники", "mentorship:person_list", None, READ),
    ("Банк наставников", "mentorship:mentor_list", None, READ),
    ("Банк наставляемых", "mentorship:mentee_list", None, READ),
    ("Ожидают пару", "mentorship:waiting_list", None, READ),
    ("Пары и группы", "mentorship:pair_list", None, READ),
    ("Карточка пары", "mentorship:pair_detail", "pair", READ),
    ("Карточка участника", "mentorship:person_detail", "person", READ),
    ("База программ", "mentorship:program_bank", None, READ),
    ("Практики", "mentorship:practice_list", None, READ),
    ("Мероприятия", "mentorship:event_list", None, READ),
    ("Кампании мониторинга", "monitoring:campaign_list", None, READ),
    ("Кампания (ход сбора)", "monitoring:campaign_detail", "campaign", READ),
    ("Справка ОО", "monitoring:assignment_detail", "assignment", ("coordinator", "curator", "head", "regional")),
    ("Мониторинг: дашборд", "monitoring:dashboard", None, ALL),
    ("Эффективность (рейтинг)", "monitoring:ranking", None, MUNICIPAL),
    ("Аналитические отчёты", "monitoring:report_list", None, MUNICIPAL),
    ("Уведомления", "notifications:list", None, ALL),
    ("Журнал напоминаний", "notifications:sent_log", None, ("coordinator",)),
    ("Журнал: кому напомним завтра", "notifications:tomorrow", None, ("coordinator",)),
    ("Регион: муниципалитеты", "monitoring:region_detail", "region", ("regional",)),
    ("Регион: организации муниципалитета", "monitoring:region_municipality", "municipality_id", ("regional",)),
    ("Регион: главная", "home", None, ("regional",)),
    ("Регион: уведомления", "notifications:list", None, ("regional",)),
    ("Регион: запросы годовых отчётов", "monitoring:region_campaigns", "region", ("regional",)),
]


@dataclass
class PageResult:
    page: str
    role: str
    url: str
    status: int
    queries: int
    p50_ms: float
    p95_ms: float
    mean_ms: float
    samples: int
    # CPU per request: Django process + PostgreSQL backend (ms)
    cpu_p50_ms: float = 0.0
    cpu_p95_ms: float = 0.0
    db_cpu_mean_ms: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def page_urls(subjects: Subjects) -> list[tuple[str, str, str]]:
    """(label, role, url) for every page the role has (and a user of it exists) and whose object exists."""
    out = []
    for label, name, attr, roles in PAGES:
        roles = tuple(r for r in roles if r in subjects.users)
        if not roles:
            continue
        args = []
        if attr == "municipality_id":
            args = [subjects.municipality.pk]
        elif attr:
            value = getattr(subjects, attr)
            if value is None:
                continue
            args = [value]
        url = reverse(name, args=args)
        for role in roles:
            out.append((label, role, url))
    return out


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th fastest)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def measure(
    subjects: Subjects,
    *,
    repeat: int = 20,
    warmup: int = 2,
    log=print,
    pages: list[str] | None = None,
    roles: list[str] | None = None,
) -> list[PageResult]:
    """Every page (or those whose label contains one of `pages`, case-insensitive) as every role
    (or only `roles`)."""
    clients = login_clients(subjects)
    results = []
    for label, role, url in page_urls(subjects):
        if pages and not any(p.lower() in label.lower() for p in pages):
            continue
        if roles and role not in roles:
            continue
        results.append(measure_page(clients[role], label, role, url, repeat=repeat, warmup=warmup, log=log))
    return results


def login_clients(subjects: Subjects) -> dict[str, Client]:
    """A signed-in test client per role."""
    clients = {}
    for role, user in subjects.users.items():
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


class PageMeter:
    """One page as one role, measured a few requests at a time: two meters (×1 here, ×2 in
    bench/pages_child.py) take turns request by request, so both sizes share every second of the
    machine's load. Opening it makes `warmup` requests and counts the queries of one more."""

    def __init__(self, client: Client, label: str, role: str, url: str, *, warmup: int = 2) -> None:
        self.client, self.label, self.role, self.url = client, label, role, url
        for _ in range(warmup):
            client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        # read now: the next request's request_started signal clears the connection's query log
        self.queries = len(ctx.captured_queries)
        self.status = response.status_code
        self.backend = backend_pid() if self.status == 200 else None
        pin_with_this_process(self.backend)
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.db_cpu: list[float] = []

    def take(self, n: int = 1) -> None:
        if self.status != 200:
            return
        for _ in range(n):
            # the garbage of earlier requests is collected before each one, so that a pause of
            # Python's cyclic collector lands on the request that caused it, not on a random page
            gc.collect()
            db_before = process_cpu_ns(self.backend)
            cpu_before = time.process_time()
            started = time.perf_counter()
            self.client.get(self.url)
            self.times.append((time.perf_counter() - started) * 1000)
            own = (time.process_time() - cpu_before) * 1000
            db = (process_cpu_ns(self.backend) - db_before) / 1e6
            self.db_cpu.append(db)
            self.cpu.append(own + db)

    def result(self, log=None) -> PageResult:
        times, cpu, db_cpu = self.times, self.cpu, self.db_cpu
        result = PageResult(
            page=self.label,
            role=self.role,
            url=self.url,
            status=self.status,
            queries=self.queries,
            p50_ms=round(percentile(times, 50), 1) if times else 0.0,
            p95_ms=round(percentile(times, 95), 1) if times else 0.0,
            mean_ms=round(statistics.fmean(times), 1) if times else 0.0,
            samples=len(times),
            cpu_p50_ms=round(percentile(cpu, 50), 1) if cpu else 0.0,
            cpu_p95_ms=round(percentile(cpu, 95), 1) if cpu else 0.0,
            db_cpu_mean_ms=round(statistics.fmean(db_cpu), 1) if db_cpu else 0.0,
        )
        if log is not None:
            log(
                f"  {self.label:<32} {self.role:<14} {result.status} p50 {result.p50_ms:7.1f} мс  "
                f"p95 {result.p95_ms:7.1f} мс  ЦП p95 {result.cpu_p95_ms:7.1f} мс "
                f"(из них PostgreSQL {result.db_cpu_mean_ms:5.1f})  запросов к БД {result.queries}"
            )
        return result


def measure_page(
    client: Client, label: str, role: str, url: str, *, repeat: int = 20, warmup: int = 2, log=print
) -> PageResult:
    """One page as one role: `warmup` requests, then `repeat` timed ones."""
    meter = PageMeter(client, label, role, url, warmup=warmup)
    meter.take(repeat)
    return meter.result(log)


def pin_with_this_process(pid: int | None) -> None:
    """Run `pid` (this connection's PostgreSQL backend) on the CPUs this process may use: when the
    bench pins itself and its ×2 child to one CPU (`pin`), their backends follow, so that no side of
    a ratio runs on a core the other side does not."""
    if pid is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(pid, os.sched_getaffinity(0))
        except OSError:
            pass


def pin(cpu: int | None) -> None:
    """Keep this process on one CPU (None: leave it as it is)."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {cpu})
        except OSError:
            pass


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def backend_pid() -> int | None:
    """pid of this connection's PostgreSQL backend when the server runs on this machine (its /proc
    entry exists), else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid if os.path.exists(f"/proc/{pid}/stat") else None


def process_cpu_ns(pid: int | None) -> int:
    """CPU time a process has used so far, in nanoseconds (0 without a readable process).

    A single-threaded process (a PostgreSQL backend, a gunicorn sync worker) is read from
    /proc/<pid>/schedstat, whose first field is the scheduler's exact on-CPU time of the task.
    /proc/<pid>/stat's utime + stime (whole clock ticks, 10 ms here) is the fallback: for a kernel
    without schedstat, and for a multi-threaded process, whose schedstat is its main thread's only.
    The bench's one reader of another process's CPU: pages, sweep, imports and the load test use it.
    """
    if pid is None:
        return 0
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    if int(fields[17]) == 1:  # num_threads
        try:
            with open(f"/proc/{pid}/schedstat") as fh:
                return int(fh.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return (int(fields[11]) + int(fields[12])) * 1_000_000_000 // _CLOCK_TICKS
