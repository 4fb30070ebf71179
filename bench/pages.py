"""Server time and queries of every main page, as coordinator, curator and methodologist.

Requests go through the Django test client in-process (the full middleware stack, sessions in the
database, templates rendered), so the time is the server's, without a network or a web server.
Before each timed request the garbage collector runs (gc.collect, not disabled): the p95 of 20
samples is otherwise decided by which page happens to meet a collection of everybody's garbage.
"""

from __future__ import annotations

import gc
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
    )


ALL = ("coordinator", "curator", "methodologist")
MUNICIPAL = ("coordinator", "methodologist")

# label, url name, which object id the url takes (attribute of Subjects), roles that have the page
PAGES: list[tuple[str, str, str | None, tuple[str, ...]]] = [
    ("Главная", "home", None, ALL),
    ("Организации", "organization_list", None, ALL),
    ("Дорожные карты", "roadmaps:list", None, ALL),
    ("Дорожная карта муниципалитета", "roadmaps:detail", "municipal_roadmap", ALL),
    ("Матрица исполнения", "roadmaps:matrix", "municipal_roadmap", ALL),
    ("План-график (по месяцам)", "roadmaps:timeline", "municipal_roadmap", ALL),
    ("Дорожная карта ОО", "roadmaps:detail", "school_roadmap", ALL),
    ("Мои задачи (исполнение)", "roadmaps:tasks", None, ALL),
    ("Сроки требуют внимания", "roadmaps:attention", None, ALL),
    ("Наставничество: сводка", "mentorship:dashboard", None, ALL),
    ("Участники", "mentorship:person_list", None, ALL),
    ("Банк наставников", "mentorship:mentor_list", None, ALL),
    ("Банк наставляемых", "mentorship:mentee_list", None, ALL),
    ("Ожидают пару", "mentorship:waiting_list", None, ALL),
    ("Пары и группы", "mentorship:pair_list", None, ALL),
    ("Карточка пары", "mentorship:pair_detail", "pair", ALL),
    ("Карточка участника", "mentorship:person_detail", "person", ALL),
    ("База программ", "mentorship:program_bank", None, ALL),
    ("Практики", "mentorship:practice_list", None, ALL),
    ("Мероприятия", "mentorship:event_list", None, ALL),
    ("Кампании мониторинга", "monitoring:campaign_list", None, ALL),
    ("Кампания (ход сбора)", "monitoring:campaign_detail", "campaign", ALL),
    ("Справка ОО", "monitoring:assignment_detail", "assignment", ("coordinator", "curator")),
    ("Мониторинг: дашборд", "monitoring:dashboard", None, ALL),
    ("Эффективность (рейтинг)", "monitoring:ranking", None, MUNICIPAL),
    ("Аналитические отчёты", "monitoring:report_list", None, MUNICIPAL),
    ("Уведомления", "notifications:list", None, ALL),
    ("Журнал напоминаний", "notifications:sent_log", None, ("coordinator",)),
    ("Журнал: кому напомним завтра", "notifications:tomorrow", None, ("coordinator",)),
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

    def as_dict(self) -> dict:
        return asdict(self)


def page_urls(subjects: Subjects) -> list[tuple[str, str, str]]:
    """(label, role, url) for every page the role has and whose object exists."""
    out = []
    for label, name, attr, roles in PAGES:
        args = []
        if attr:
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


def measure(subjects: Subjects, *, repeat: int = 20, warmup: int = 2, log=print) -> list[PageResult]:
    clients = {}
    for role, user in subjects.users.items():
        client = Client()
        client.force_login(user)
        clients[role] = client
    results = []
    for label, role, url in page_urls(subjects):
        client = clients[role]
        for _ in range(warmup):
            client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        # read now: the next request's request_started signal clears the connection's query log
        queries = len(ctx.captured_queries)
        status = response.status_code
        times = []
        if status == 200:
            for _ in range(repeat):
                # the garbage of earlier requests is collected before each one, so that a pause of
                # Python's cyclic collector lands on the request that caused it, not on a random page
                gc.collect()
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        result = PageResult(
            page=label,
            role=role,
            url=url,
            status=status,
            queries=queries,
            p50_ms=round(percentile(times, 50), 1) if times else 0.0,
            p95_ms=round(percentile(times, 95), 1) if times else 0.0,
            mean_ms=round(statistics.fmean(times), 1) if times else 0.0,
            samples=len(times),
        )
        log(
            f"  {label:<32} {role:<14} {result.status} p50 {result.p50_ms:7.1f} мс  p95 {result.p95_ms:7.1f} мс  "
            f"запросов к БД {result.queries}"
        )
        results.append(result)
    return results
