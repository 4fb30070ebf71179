"""A regional dataset for load tests and the benchmark (`manage.py seed_scale`).

Krasnoyarsk krai is the reference: about 60 municipalities and 2,000 organizations, with the
people, pairs, meetings, roadmaps, execution records and monitoring of a working year. Everything
goes in with `bulk_create` in batches through the real models of every app, so the data obeys the
same constraints as data typed in the UI; nothing global (triggers, constraints, autovacuum) is
switched off.

History (django-simple-history) is written for the models that keep it — people, consents, pairs,
participants, programs, meetings, execution records, assignments, school reports, practices — with
`bulk_create_with_history`, one "created" row each: it roughly doubles those inserts, and the
detail pages then show what a real import would have left. The whole region takes 83 s here.

Dates are relative to the day of the run: the academic year that is under way, with past due
dates mostly done and some overdue, recent meetings without feedback, mentees waiting and
school reports not handed in, so that pages, reports and the reminder sweep meet real work.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import (
    Municipality,
    Organization,
    OrganizationKind,
    Region,
    Role,
    RoleAssignment,
    User,
    local_today,
)

REGION_NAME = "Красноярский край"
SCALE_PASSWORD = "nastavnik-scale-2026"
CHANGE_REASON = "Нагрузочные данные (seed_scale)"
BATCH = 2000


@dataclass
class ScaleConfig:
    """Sizes at `--scale 1.0` are the issue's regional figures; each one may be overridden."""

    municipalities: int = 60
    organizations: int = 2000
    people: int = 40000
    pairs: int = 15000
    meetings: int = 100000
    school_roadmaps: int = 2000
    school_activities: int = 10  # school activities of a municipal roadmap, copied into each school roadmap
    due_dates_per_activity: int = 4  # 2,000 × 10 × 4 = 80,000 execution records of schools
    responses: int = 20000  # questionnaires filled in by participants (answers: 7–9 per response)
    seed: int = 2026
    # the regional centre's share of the organizations
    centre_share: float = 0.12
    # a region grown by --scale > 1 is the --scale 1 region, row for row (the same seed: its
    # largest municipality, the one the benchmark signs in to, is identical, ids included), plus
    # (scale - 1) × its size in more municipalities of the usual size, generated after it; a page of
    # that municipality must then cost the same, and its ratio ×2 ÷ ×1 measures the region's growth only
    extend_by: float = 0.0

    MINIMUMS = {
        "municipalities": 2,
        "organizations": 4,
        "people": 40,
        "pairs": 10,
        "meetings": 20,
        "school_roadmaps": 2,
        "responses": 10,
    }

    @classmethod
    def scaled(cls, scale: float, **overrides) -> ScaleConfig:
        base = cls()
        values = {}
        for f in fields(cls):
            value = getattr(base, f.name)
            if f.name in cls.MINIMUMS:
                value = max(cls.MINIMUMS[f.name], round(value * scale))
            values[f.name] = value
        values.update({k: v for k, v in overrides.items() if v is not None})
        if scale > 1:
            config = cls.scaled(1.0, **overrides)
            config.extend_by = scale - 1
            return config
        config = cls(**values)
        config.organizations = max(config.organizations, 2 * config.municipalities)
        config.school_roadmaps = min(config.school_roadmaps, config.organizations)
        config.pairs = min(config.pairs, config.people // 2)
        return config


def extension_config(config: ScaleConfig) -> ScaleConfig:
    """The municipalities a region grown by --scale > 1 adds: (scale - 1) × its sizes, spread evenly
    (no regional centre among them), from a seed of their own."""
    sizes = {
        name: max(minimum, round(getattr(config, name) * config.extend_by))
        for name, minimum in ScaleConfig.MINIMUMS.items()
    }
    extra = ScaleConfig(
        **sizes,
        school_activities=config.school_activities,
        due_dates_per_activity=config.due_dates_per_activity,
        seed=config.seed + 1,
    )
    extra.centre_share = 1 / extra.municipalities
    extra.organizations = max(extra.organizations, 2 * extra.municipalities)
    extra.school_roadmaps = min(extra.school_roadmaps, extra.organizations)
    extra.pairs = min(extra.pairs, extra.people // 2)
    return extra


@dataclass
class ScaleReport:
    counts: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)
    bench_users: dict[str, str] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(t for _, t in self.timings)


# Names ------------------------------------------------------------------------------------------
MUNICIPALITY_NAMES = [
    "город Красноярск",
    "город Норильск",
    "город Ачинск",
    "город Канск",
    "ЗАТО город Железногорск",
    "ЗАТО город Зеленогорск",
    "город Минусинск",
    "город Лесосибирск",
    "город Назарово",
    "город Шарыпово",
    "город Боготол",
    "город Бородино",
    "город Дивногорск",
    "город Енисейск",
    "город Сосновоборск",
    "ЗАТО посёлок Солнечный",
    "Абанский район",
    "Ачинский район",
    "Балахтинский район",
    "Берёзовский район",
    "Бирилюсский район",
    "Боготольский район",
    "Богучанский район",
    "Большемуртинский район",
    "Большеулуйский район",
    "Дзержинский район",
    "Емельяновский район",
    "Енисейский район",
    "Ермаковский район",
    "Идринский район",
    "Иланский район",
    "Ирбейский район",
    "Казачинский район",
    "Канский район",
    "Каратузский район",
    "Кежемский район",
    "Козульский район",
    "Краснотуранский район",
    "Курагинский район",
    "Манский район",
    "Минусинский район",
    "Мотыгинский район",
    "Назаровский район",
    "Нижнеингашский район",
    "Новосёловский район",
    "Партизанский район",
    "Пировский округ",
    "Рыбинский район",
    "Саянский район",
    "Северо-Енисейский район",
    "Сухобузимский район",
    "Таймырский Долгано-Ненецкий район",
    "Тасеевский район",
    "Туруханский район",
    "Тюхтетский округ",
    "Ужурский район",
    "Уярский район",
    "Шарыповский округ",
    "Шушенский район",
    "Эвенкийский район",
]

SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
]
MALE_NAMES = [
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Максим",
    "Евгений",
    "Иван",
    "Михаил",
    "Артём",
    "Николай",
    "Владимир",
    "Павел",
    "Роман",
    "Денис",
    "Игорь",
    "Олег",
    "Виктор",
    "Юрий",
    "Константин",
    "Антон",
    "Илья",
    "Кирилл",
    "Никита",
    "Егор",
    "Василий",
    "Григорий",
    "Степан",
    "Тимофей",
    "Матвей",
]
FEMALE_NAMES = [
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Анна",
    "Мария",
    "Екатерина",
    "Юлия",
    "Марина",
    "Людмила",
    "Галина",
    "Надежда",
    "Оксана",
    "Анастасия",
    "Дарья",
    "Ксения",
    "Виктория",
    "Валентина",
    "Алина",
    "Полина",
    "Софья",
    "Вера",
    "Любовь",
    "Лариса",
    "Евгения",
    "Кристина",
    "Елизавета",
    "Алёна",
]
PATRONYMIC_ROOTS = [
    "Александров",
    "Сергеев",
    "Дмитриев",
    "Андреев",
    "Алексеев",
    "Викторов",
    "Евгеньев",
    "Иванов",
    "Михайлов",
    "Николаев",
    "Владимиров",
    "Павлов",
    "Романов",
    "Игорев",
    "Олегов",
    "Юрьев",
    "Анатольев",
    "Петров",
    "Борисов",
    "Геннадьев",
    "Валерьев",
    "Константинов",
    "Степанов",
    "Фёдоров",
    "Васильев",
]
PUPIL_GRADES = ["5 А", "6 Б", "7 В", "8 А", "9 Б", "10 А", "11 Б"]
POSITIONS = [
    "Учитель начальных классов",
    "Учитель математики",
    "Учитель русского языка и литературы",
    "Учитель истории",
    "Учитель английского языка",
    "Учитель физики",
    "Учитель химии",
    "Учитель биологии",
    "Учитель информатики",
    "Учитель физической культуры",
    "Воспитатель",
    "Педагог-психолог",
    "Социальный педагог",
    "Педагог дополнительного образования",
    "Преподаватель",
    "Заместитель директора по УВР",
    "Учитель-логопед",
]
MEETING_TOPICS = [
    "Планирование урока по ФГОС",
    "Разбор посещённого урока",
    "Подготовка к родительскому собранию",
    "Работа с трудным классом",
    "Формирующее оценивание",
    "Подготовка к ОГЭ",
    "Проектная деятельность",
    "Оформление рабочей программы",
    "Самоанализ урока",
    "Классное руководство: первые шаги",
    "Цифровые образовательные ресурсы",
    "Подготовка открытого урока",
    "Обсуждение индивидуального плана",
]
ORG_KINDS = [
    (
        OrganizationKind.SCHOOL,
        0.6,
        "МБОУ «СШ № {n}»",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № {n}»",
    ),
    (
        OrganizationKind.KINDERGARTEN,
        0.25,
        "МБДОУ «ДС № {n}»",
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № {n}»",
    ),
    (
        OrganizationKind.ADDITIONAL,
        0.1,
        "МБУ ДО «ЦДТ № {n}»",
        "Муниципальное бюджетное учреждение дополнительного образования «Центр детского творчества № {n}»",
    ),
    (
        OrganizationKind.COLLEGE,
        0.05,
        "КГБПОУ «Колледж № {n}»",
        "Краевое государственное бюджетное профессиональное образовательное учреждение «Колледж № {n}»",
    ),
]

SECTIONS = [
    "Нормативно-правовое обеспечение",
    "Организационное обеспечение",
    "Кадровое обеспечение",
    "Информационное сопровождение",
    "Мониторинг и оценка эффективности",
]
# (title, result, responsible, for_schools)
ACTIVITIES = [
    ("Разработка и утверждение положения о наставничестве в ОО", "Приказ, положение", "Руководители ОО", True),
    (
        "Назначение куратора внедрения целевой модели наставничества",
        "Приказ о назначении куратора",
        "Руководители ОО",
        True,
    ),
    ("Формирование банка наставников и наставляемых", "База наставников и наставляемых", "Кураторы ОО", True),
    ("Закрепление наставнических пар (групп) приказом", "Приказ о закреплении пар", "Руководители ОО", True),
    (
        "Разработка персонализированных программ наставничества",
        "Программы наставничества",
        "Кураторы ОО, наставники",
        True,
    ),
    ("Проведение входного и итогового анкетирования участников", "Результаты анкетирования", "Кураторы ОО", True),
    ("Размещение информации о наставничестве на сайте ОО", "Раздел сайта", "Руководители ОО", True),
    ("Представление информационной справки о реализации ЦМН", "Информационная справка", "Кураторы ОО", True),
    ("Участие в муниципальном конкурсе «Я и мой наставник»", "Заявки участников", "Кураторы ОО", True),
    ("Проведение школьного методического дня по наставничеству", "Программа, протокол", "Руководители ОО", True),
    ("Ежеквартальный персонифицированный учёт участников", "Отчёт по форме", "Кураторы ОО", True),
    ("Обобщение и распространение лучших практик наставничества", "Описание практики", "Кураторы ОО", True),
    ("Утверждение муниципальной дорожной карты", "Приказ управления образования", "Управление образования", False),
    ("Назначение муниципального координатора", "Приказ", "Управление образования", False),
    ("Проведение совещания кураторов ОО", "Протокол совещания", "Муниципальный координатор", False),
    ("Организация курсов повышения квалификации наставников", "Список обученных", "Методический центр", False),
    ("Мониторинг реализации ЦМН в ОО", "Аналитическая справка", "Методический центр", False),
    ("Проведение муниципального конкурса «Я и мой наставник»", "Приказ об итогах", "Управление образования", False),
    ("Формирование муниципального банка наставников", "Банк наставников", "Муниципальный координатор", False),
    ("Подготовка ежегодного аналитического отчёта", "Аналитический отчёт", "Методический центр", False),
    ("Освещение хода реализации ЦМН в СМИ", "Публикации", "Управление образования", False),
    ("Проведение муниципального форума наставников", "Программа форума", "Методический центр", False),
    ("Оценка эффективности реализации программ наставничества", "Рейтинг ОО", "Методический центр", False),
    (
        "Формирование профессиональных сообществ наставников",
        "Положение о сообществе",
        "Муниципальный координатор",
        False,
    ),
]


class _Names:
    """Unique full names within one organization, drawn from common Russian names."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def person(self, taken: set[str]) -> tuple[str, str, str]:
        from mentorship.models import normalize_name

        for _ in range(1000):
            female = self.rng.random() < 0.75  # most teachers are women
            surname = self.rng.choice(SURNAMES)
            root = self.rng.choice(PATRONYMIC_ROOTS)
            if female:
                last, first, middle = surname + "а", self.rng.choice(FEMALE_NAMES), root + "на"
            else:
                last, first, middle = surname, self.rng.choice(MALE_NAMES), root + "ич"
            key = normalize_name(last, first, middle)
            if key not in taken:
                taken.add(key)
                return last, first, middle
        raise RuntimeError("не удалось подобрать уникальное ФИО")


# The generator -----------------------------------------------------------------------------------
class Generator:
    def __init__(
        self,
        config: ScaleConfig,
        *,
        log: Callable[[str], None] | None = None,
        today: dt.date | None = None,
        extend: bool = False,
    ):
        self.c = config
        self.extend = extend  # add municipalities to the region already in the database
        self.rng = random.Random(config.seed)
        self.names = _Names(self.rng)
        self.log = log or (lambda text: None)
        self.today = today or local_today()
        year = self.today.year if self.today.month >= 9 else self.today.year - 1
        self.year_start, self.year_end = dt.date(year, 9, 1), dt.date(year + 1, 8, 31)
        self.report = ScaleReport()

    # helpers
    def _stage(self, name: str, func: Callable[[], dict[str, int]]) -> None:
        started = time.monotonic()
        with transaction.atomic():
            counts = func()
        seconds = time.monotonic() - started
        self.report.timings.append((name, seconds))
        self.report.counts.update(counts)
        self.log(f"{name}: {', '.join(f'{k} {v}' for k, v in counts.items())} — {seconds:.1f} с")

    def _date_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end <= start:
            return start
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    @staticmethod
    def _bulk(model, objs: list, **kwargs) -> list:
        return model.objects.bulk_create(objs, batch_size=BATCH, **kwargs)

    @staticmethod
    def _bulk_history(model, objs: list) -> list:
        return bulk_create_with_history(objs, model, batch_size=BATCH, default_change_reason=CHANGE_REASON)

    def run(self, *, finish: bool = True) -> ScaleReport:
        exists = Region.objects.filter(name=REGION_NAME).exists()
        if exists and not self.extend:
            raise ValueError(f"Регион «{REGION_NAME}» уже есть в базе: seed_scale заполняет пустую базу.")
        from monitoring import stats

        with stats.paused():  # no refresh job per write: the aggregates are built once, at the end
            self._stage("Организации и пользователи", self.organizations_and_users)
            self._stage("Люди и согласия", self.people)
            self._stage("Пары, программы, встречи", self.pairs)
            self._stage("Дорожные карты и исполнение", self.roadmaps)
            self._stage("Мониторинг и анкеты", self.monitoring)
            self._stage("Реестры, напоминания", self.registries)
        if finish:
            self.finish()
        return self.report

    def finish(self) -> None:
        from monitoring import stats

        self._stage("Сводные показатели для страниц региона", lambda: {"OrganizationStats": stats.stats_rebuild()})
        started = time.monotonic()
        if connection.vendor == "postgresql":
            # what autovacuum would do on a live database: planner statistics, and (outside a
            # transaction) the visibility map, without which index-only scans read the heap anyway
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.report.timings.append(("VACUUM ANALYZE", time.monotonic() - started))

    # 1. Region, municipalities, organizations, users ---------------------------------------------
    def organizations_and_users(self) -> dict[str, int]:
        if self.extend:
            region = Region.objects.get(name=REGION_NAME)
            known = Municipality.objects.filter(region=region).count()
            known_orgs = Organization.objects.filter(municipality__region=region).count()
        else:
            region = Region.objects.create(name=REGION_NAME, code="24")
            known = known_orgs = 0
        names = list(MUNICIPALITY_NAMES)
        while len(names) < known + self.c.municipalities:
            names.append(f"Муниципальный округ № {len(names) + 1}")
        names = names[known:]
        municipalities = self._bulk(
            Municipality,
            [
                Municipality(
                    region=region,
                    name=name,
                    short_name=name.replace("город ", "г. ")[:100],
                    timezone="Asia/Krasnoyarsk",
                    authority_name=f"Управление образования: {name}",
                )
                for name in names[: self.c.municipalities]
            ],
        )
        # the regional centre holds about 12 % of the organizations; the rest share the remainder
        centre = self.c.centre_share
        share = [centre] + [(1 - centre) / max(1, len(municipalities) - 1)] * (len(municipalities) - 1)
        counts = [max(2, round(self.c.organizations * s)) for s in share]
        counts[-1] += self.c.organizations - sum(counts)
        if counts[-1] < 2:
            counts[0] += counts[-1] - 2
            counts[-1] = 2
        organizations = []
        for municipality, count in zip(municipalities, counts, strict=True):
            numbers: dict[str, int] = {}
            for _ in range(count):
                kind, _w, short, full = self.rng.choices(ORG_KINDS, weights=[k[1] for k in ORG_KINDS])[0]
                numbers[kind] = numbers.get(kind, 0) + 1
                n = numbers[kind]
                organizations.append(
                    Organization(
                        municipality=municipality,
                        kind=kind,
                        short_name=short.format(n=n),
                        full_name=full.format(n=n),
                        inn=f"24{self.rng.randint(10**7, 10**8 - 1)}",
                        address=f"ул. Ленина, {self.rng.randint(1, 120)}",
                        website=f"https://school{known_orgs + len(organizations) + 1}.example.ru",
                        mentoring_page_url=(
                            f"https://school{known_orgs + len(organizations) + 1}.example.ru/nastavnichestvo"
                        ),
                        head_name=" ".join(self.names.person(set())),
                        email=f"org{known_orgs + len(organizations) + 1}@example.ru",
                    )
                )
        organizations = self._bulk(Organization, organizations)
        self.municipalities, self.organizations = municipalities, organizations
        self.orgs_by_municipality: dict[int, list[Organization]] = {}
        for org in organizations:
            self.orgs_by_municipality.setdefault(org.municipality_id, []).append(org)

        password = make_password(SCALE_PASSWORD)  # hashed once: thousands of hashes would take minutes
        users, roles = [], []

        def user(username: str) -> User:
            last, first, middle = self.names.person(set())
            u = User(
                username=username,
                password=password,
                last_name=last,
                first_name=first,
                middle_name=middle,
                email=f"{username}@example.ru",
                is_staff=True,
            )
            users.append(u)
            return u

        for i, m in enumerate(municipalities, start=known + 1):
            roles.append((user(f"scale-koordinator-{i:03d}"), Role.COORDINATOR, m, None))
            roles.append((user(f"scale-metodist-{i:03d}"), Role.METHODOLOGIST, m, None))
        for i, org in enumerate(organizations, start=known_orgs + 1):
            roles.append((user(f"scale-kurator-{i:04d}"), Role.CURATOR, None, org))
            roles.append((user(f"scale-direktor-{i:04d}"), Role.HEAD, None, org))
        assignments = [RoleAssignment(user=u, role=r, municipality=m, organization=o) for u, r, m, o in roles]
        if self.extend:  # the region's user reads the new municipalities as they come
            regional = User.objects.get(username="scale-region")
            self._bulk(User, users)
        else:
            regional = user("scale-region")  # the regional mentoring centre: reads the whole region
            self._bulk(User, users)
            assignments.append(RoleAssignment(user=regional, role=Role.REGIONAL, region_id=region.pk))
        self._bulk(RoleAssignment, assignments)
        self.curator_by_org = {o.pk: u for u, r, _m, o in roles if r == Role.CURATOR}
        self.coordinator_by_municipality = {m.pk: u for u, r, m, _o in roles if r == Role.COORDINATOR}
        # the benchmark signs in as the largest municipality's staff and its first school's curator
        biggest = municipalities[0]
        first_school = self.orgs_by_municipality[biggest.pk][0]
        self.report.bench_users = {
            "coordinator": "scale-koordinator-001",
            "methodologist": "scale-metodist-001",
            "curator": self.curator_by_org[first_school.pk].username,
            "regional": regional.username,
        }
        return {"municipalities": len(municipalities), "organizations": len(organizations), "users": len(users)}

    # 2. People with consents and reference lists ----------------------------------------------------
    def people(self) -> dict[str, int]:
        from mentorship.models import (
            Competency,
            Consent,
            Deficit,
            MenteeCategory,
            Person,
            PersonKind,
            QualificationCategory,
            Subject,
            normalize_name,
        )

        subjects = list(Subject.objects.values_list("pk", flat=True))
        competencies = list(Competency.objects.values_list("pk", flat=True))
        deficits = list(Deficit.objects.values_list("pk", flat=True))
        per_org = self._spread(self.c.people, len(self.organizations))
        people: list[Person] = []
        for org, count in zip(self.organizations, per_org, strict=True):
            taken: set[str] = set()
            for _ in range(count):
                last, first, middle = self.names.person(taken)
                pupil = org.kind == OrganizationKind.SCHOOL and self.rng.random() < 0.1
                roll = self.rng.random()
                is_mentor, is_mentee = roll < 0.42, roll >= 0.40  # a few are both
                if pupil:
                    is_mentor, is_mentee = roll < 0.3, roll >= 0.3
                category = ""
                if is_mentee:
                    category = (
                        MenteeCategory.PUPIL
                        if pupil
                        else self.rng.choices(
                            [
                                MenteeCategory.YOUNG,
                                MenteeCategory.NEW,
                                MenteeCategory.NEW_ROLE,
                                MenteeCategory.DIFFICULTIES,
                            ],
                            weights=[5, 2, 1, 2],
                        )[0]
                    )
                experience = (
                    None
                    if pupil
                    else (self.rng.randint(0, 3) if category == MenteeCategory.YOUNG else self.rng.randint(4, 35))
                )
                people.append(
                    Person(
                        organization=org,
                        kind=PersonKind.PUPIL if pupil else PersonKind.EDUCATOR,
                        last_name=last,
                        first_name=first,
                        middle_name=middle,
                        name_key=normalize_name(last, first, middle),
                        position="" if pupil else self.rng.choice(POSITIONS),
                        grade=self.rng.choice(PUPIL_GRADES) if pupil else "",
                        experience_years=experience,
                        qualification_category="" if pupil else self.rng.choice(QualificationCategory.values),
                        email=f"p{len(people) + 1}@example.ru",
                        phone=f"+7 913 {self.rng.randint(100, 999)}-{self.rng.randint(10, 99)}-{self.rng.randint(10, 99)}",
                        is_mentor=is_mentor,
                        in_municipal_bank=is_mentor and self.rng.random() < 0.05,
                        capacity=3,
                        is_mentee=is_mentee,
                        mentee_category=category,
                        mentee_since=self._date_between(self.year_start - dt.timedelta(days=365), self.today)
                        if is_mentee
                        else None,
                        training="КПК «Наставничество в образовании», 36 ч" if is_mentor and not pupil else "",
                    )
                )
        people = self._bulk_history(Person, people)
        self.people_list = people
        consents = []
        for person in people:
            if self.rng.random() < 0.92:
                pupil = person.kind == PersonKind.PUPIL
                given = self._date_between(self.year_start - dt.timedelta(days=200), self.today)
                consents.append(
                    Consent(
                        person=person,
                        given_on=given,
                        representative_name=" ".join(self.names.person(set())) if pupil else "",
                        withdrawn_on=self._date_between(given, self.today) if self.rng.random() < 0.02 else None,
                    )
                )
        self._bulk_history(Consent, consents)
        links = {"subjects": [], "competencies": [], "deficits": []}
        for person in people:
            if person.kind != PersonKind.PUPIL:
                for s in self.rng.sample(subjects, k=min(len(subjects), self.rng.randint(1, 2))):
                    links["subjects"].append(Person.subjects.through(person_id=person.pk, subject_id=s))
            if person.is_mentor:
                for c in self.rng.sample(competencies, k=min(len(competencies), self.rng.randint(1, 3))):
                    links["competencies"].append(Person.competencies.through(person_id=person.pk, competency_id=c))
            if person.is_mentee:
                for d in self.rng.sample(deficits, k=min(len(deficits), self.rng.randint(1, 2))):
                    links["deficits"].append(Person.deficits.through(person_id=person.pk, deficit_id=d))
        for name, rows in links.items():
            self._bulk(getattr(Person, name).through, rows)
        return {"people": len(people), "consents": len(consents), "person_links": sum(len(v) for v in links.values())}

    def _spread(self, total: int, buckets: int) -> list[int]:
        """`total` split over `buckets` unevenly (±50 %), every bucket at least 1."""
        weights = [self.rng.uniform(0.5, 1.5) for _ in range(buckets)]
        scale = total / sum(weights)
        counts = [max(1, int(w * scale)) for w in weights]
        diff = total - sum(counts)
        i = 0
        while diff != 0:
            j = i % buckets
            if diff > 0:
                counts[j] += 1
                diff -= 1
            elif counts[j] > 1:
                counts[j] -= 1
                diff += 1
            i += 1
        return counts

    # 3. Pairs, participants, programs, plan items, meetings ----------------------------------------
    def pairs(self) -> dict[str, int]:
        from mentorship.models import (
            Deficit,
            Meeting,
            MeetingFormat,
            MentoringForm,
            Pair,
            PairParticipant,
            PairStatus,
            ParticipantRole,
            PersonKind,
            PlanItem,
            Program,
            ProgramSource,
            ProgramStatus,
            Stage,
        )

        forms = {f.name: f for f in MentoringForm.objects.filter(kind=MentoringForm.Kind.FORM)}
        educator_forms = [f for n, f in forms.items() if "ученик" not in n.lower()] or list(forms.values())
        pupil_forms = [f for n, f in forms.items() if "ученик" in n.lower()] or list(forms.values())
        group_format = MentoringForm.objects.filter(kind=MentoringForm.Kind.FORMAT, name__icontains="Группов").first()
        deficits = list(Deficit.objects.values_list("pk", flat=True))
        by_org: dict[int, tuple[list, list]] = {}
        for p in self.people_list:
            mentors, mentees = by_org.setdefault(p.organization_id, ([], []))
            if p.is_mentor:
                mentors.append(p)
            if p.is_mentee:
                mentees.append(p)
        # pairs per organization in proportion to its mentees, capped by its mentors' capacity; a
        # second round-robin pass tops up where schools still have free mentors and waiting mentees
        orgs = [o for o in self.organizations if by_org.get(o.pk, ([], []))[0] and by_org[o.pk][1]]
        total_w = sum(len(by_org[o.pk][1]) for o in orgs) or 1
        remaining = {}
        for o in orgs:
            mentees = list(by_org[o.pk][1])
            self.rng.shuffle(mentees)
            remaining[o.pk] = mentees
        load: dict[int, int] = {}
        pairs, members = [], []

        def make_pair(org) -> bool:
            mentees = remaining[org.pk]
            free = [m for m in by_org[org.pk][0] if load.get(m.pk, 0) < m.capacity]
            if not free or not mentees:
                return False
            mentor = self.rng.choice(free)
            group = self.rng.random() < 0.08 and len(mentees) >= 3
            size = min(len(mentees), self.rng.randint(2, 3) if group else 1)
            # a person who is both mentor and mentee never mentors themself
            popped = [mentees.pop() for _ in range(size)]
            group_mentees = [m for m in popped if m.pk != mentor.pk]
            mentees[:0] = [m for m in popped if m.pk == mentor.pk]  # back to the queue for another mentor
            if not group_mentees:
                return bool(mentees) and len(free) > 1
            load[mentor.pk] = load.get(mentor.pk, 0) + len(group_mentees)
            status = self.rng.choices(
                [PairStatus.ACTIVE, PairStatus.FORMING, PairStatus.COMPLETED, PairStatus.STOPPED],
                weights=[70, 10, 15, 5],
            )[0]
            started = self._date_between(self.year_start - dt.timedelta(days=240), self.today - dt.timedelta(days=20))
            ended = None
            if status in (PairStatus.COMPLETED, PairStatus.STOPPED):
                ended = self._date_between(started + dt.timedelta(days=30), self.today)
            pupil = group_mentees[0].kind == PersonKind.PUPIL
            pair = Pair(
                organization=org,
                form=self.rng.choice(pupil_forms if pupil else educator_forms),
                title="Школа молодого педагога" if group else "",
                status=status,
                started_on=None if status == PairStatus.FORMING else started,
                planned_end_on=started + dt.timedelta(days=270),
                ended_on=ended,
                order_number="" if status == PairStatus.FORMING else f"{self.rng.randint(1, 400)}-о",
                order_date=None if status == PairStatus.FORMING else started - dt.timedelta(days=3),
                stop_reason="Увольнение наставляемого" if status == PairStatus.STOPPED else "",
            )
            pair._people = [(mentor, ParticipantRole.MENTOR)] + [(m, ParticipantRole.MENTEE) for m in group_mentees]
            pair._group = group
            pairs.append(pair)
            return True

        for org in orgs:
            for _ in range(round(self.c.pairs * len(by_org[org.pk][1]) / total_w)):
                if len(pairs) >= self.c.pairs or not make_pair(org):
                    break
        open_orgs = list(orgs)
        while len(pairs) < self.c.pairs and open_orgs:
            open_orgs = [o for o in open_orgs if len(pairs) < self.c.pairs and make_pair(o)]
        pairs = self._bulk_history(Pair, pairs)
        for pair in pairs:
            for person, role in pair._people:
                members.append(PairParticipant(pair=pair, person=person, role=role))
        self._bulk_history(PairParticipant, members)
        if group_format:
            self._bulk(
                Pair.formats.through,
                [Pair.formats.through(pair_id=p.pk, mentoringform_id=group_format.pk) for p in pairs if p._group],
            )
        program_status = {
            PairStatus.ACTIVE: ProgramStatus.IN_PROGRESS,
            PairStatus.FORMING: ProgramStatus.DRAFT,
            PairStatus.COMPLETED: ProgramStatus.COMPLETED,
            PairStatus.STOPPED: ProgramStatus.IN_PROGRESS,
        }
        programs = []
        # a third of finished programs go to the municipal bank, and every municipality has at least one
        bank_seeded: set[int] = set()
        for pair in pairs:
            published = pair.status == PairStatus.COMPLETED and self.rng.random() < 0.3
            if pair.organization.municipality_id not in bank_seeded:
                published = True
            if published:
                bank_seeded.add(pair.organization.municipality_id)
            programs.append(
                Program(
                    pair=pair,
                    municipality_id=pair.organization.municipality_id,  # bulk_create skips save()
                    title=f"Программа наставничества: {pair.form.name}",
                    source=ProgramSource.BLANK,
                    goals="Адаптация в профессии, освоение методики преподавания предмета.",
                    expected_results="Самостоятельное проведение уроков, рост самооценки.",
                    status=program_status[pair.status],
                    completed_on=pair.ended_on if pair.status == PairStatus.COMPLETED else None,
                    results="Наставляемый проводит уроки самостоятельно."
                    if pair.status == PairStatus.COMPLETED
                    else "",
                    is_published=published,
                    published_on=(pair.ended_on or self.today) if published else None,
                )
            )
        programs = self._bulk_history(Program, programs)
        self._bulk(
            Program.deficits.through,
            [
                Program.deficits.through(program_id=p.pk, deficit_id=d)
                for p in programs
                for d in self.rng.sample(deficits, k=min(len(deficits), 2))
            ],
        )
        items = []
        for program, pair in zip(programs, pairs, strict=True):
            start = pair.started_on or self.today
            for order, (title, stage, days) in enumerate(
                (
                    ("Встреча-знакомство, диагностика затруднений", Stage.ACQUAINTANCE, 7),
                    ("Посещение уроков наставника", Stage.JOINT, 60),
                    ("Итоговая встреча и рефлексия", Stage.FINAL, 250),
                ),
                start=1,
            ):
                due = start + dt.timedelta(days=days)
                done = due < self.today and self.rng.random() < 0.8
                items.append(
                    PlanItem(
                        program=program,
                        title=title,
                        stage=stage,
                        due_on=due,
                        done=done,
                        done_on=due if done else None,
                        order=order,
                    )
                )
        self._bulk(PlanItem, items)
        # meetings of pairs that have started, spread in proportion to how long each has been working
        working = [p for p in pairs if p.started_on]
        spans = [max(1, ((p.ended_on or self.today) - p.started_on).days) for p in working]
        total_span = sum(spans) or 1
        meetings = []
        recent = self.today - dt.timedelta(days=31)
        for pair, span in zip(working, spans, strict=True):
            n = max(1, round(self.c.meetings * span / total_span))
            end = pair.ended_on or self.today
            for _ in range(n):
                held = self._date_between(pair.started_on, end)
                complete = self.rng.random() < (0.6 if held >= recent else 0.9)
                meetings.append(
                    Meeting(
                        pair=pair,
                        held_on=held,
                        format=self.rng.choice(MeetingFormat.values),
                        topic=self.rng.choice(MEETING_TOPICS),
                        duration_minutes=self.rng.choice([30, 45, 60, 90]),
                        stage=Stage.JOINT,
                        mentor_rating=self.rng.randint(6, 10) if complete else None,
                        mentor_feedback="Цели встречи достигнуты." if complete else "",
                        mentee_rating=self.rng.randint(5, 10) if complete else None,
                        mentee_feedback="Было полезно." if complete else "",
                    )
                )
                if len(meetings) >= self.c.meetings:
                    break
            if len(meetings) >= self.c.meetings:
                break
        while working and len(meetings) < self.c.meetings:  # rounding left a few short: top up
            pair = self.rng.choice(working)
            meetings.append(
                Meeting(
                    pair=pair,
                    held_on=self._date_between(pair.started_on, pair.ended_on or self.today),
                    topic=self.rng.choice(MEETING_TOPICS),
                    stage=Stage.JOINT,
                    mentor_rating=8,
                    mentor_feedback="Цели встречи достигнуты.",
                    mentee_rating=8,
                    mentee_feedback="Было полезно.",
                )
            )
        self._bulk_history(Meeting, meetings)
        self.pairs_list = pairs
        return {
            "pairs": len(pairs),
            "participants": len(members),
            "programs": len(programs),
            "plan_items": len(items),
            "meetings": len(meetings),
        }

    # 4. Roadmaps, due dates, execution records --------------------------------------------------------
    def roadmaps(self) -> dict[str, int]:
        from roadmaps.models import (
            Activity,
            DueDate,
            ExecutionRecord,
            ExecutionStatus,
            Indicator,
            Recurrence,
            Roadmap,
            RoadmapLevel,
            RoadmapStatus,
            Section,
        )

        school_defs = [a for a in ACTIVITIES if a[3]][: self.c.school_activities]
        municipal_defs = [a for a in ACTIVITIES if not a[3]]
        start, end = self.year_start, self.year_end
        title = f"Дорожная карта реализации целевой модели наставничества на {start.year}/{end.year} учебный год"
        # due dates of school activities: spread over the academic year, some already past
        span = (end - start).days

        def school_dates(index: int) -> list[dt.date]:
            n = self.c.due_dates_per_activity
            return sorted({start + dt.timedelta(days=min(span, (k * span) // n + 20 + 3 * index)) for k in range(n)})

        municipal = self._bulk(
            Roadmap,
            [
                Roadmap(
                    level=RoadmapLevel.MUNICIPAL,
                    municipality=m,
                    title=title,
                    period_start=start,
                    period_end=end,
                    order_number=f"{100 + i}-од",
                    order_date=start - dt.timedelta(days=10),
                    status=RoadmapStatus.APPROVED,
                )
                for i, m in enumerate(self.municipalities)
            ],
        )
        sections = self._bulk(
            Section,
            [
                Section(roadmap=r, number=f"{k + 1}.", title=t, order=k)
                for r in municipal
                for k, t in enumerate(SECTIONS)
            ],
        )
        section_of = {(s.roadmap_id, s.order): s for s in sections}
        activities = []
        for r in municipal:
            for k, (a_title, result, responsible, for_schools) in enumerate(school_defs + municipal_defs):
                order = k + 1
                activities.append(
                    Activity(
                        roadmap=r,
                        section=section_of[(r.pk, k % len(SECTIONS))],
                        number=f"{k % len(SECTIONS) + 1}.{k // len(SECTIONS) + 1}",
                        order=order,
                        title=a_title,
                        result=result,
                        deadline_text="ежеквартально" if for_schools else "в течение года",
                        deadline_parsed=True,
                        recurrence=Recurrence.QUARTERLY if for_schools else Recurrence.ONCE,
                        responsible_text=responsible,
                        responsible_roles=["curator"] if for_schools else ["coordinator"],
                        for_schools=for_schools,
                        for_municipality=not for_schools,
                    )
                )
        activities = self._bulk(Activity, activities)
        dues = []
        for a in activities:
            if a.for_schools:
                dates = school_dates(a.order)
            else:
                dates = [start + dt.timedelta(days=(a.order * 37) % span)]
            dues.extend(DueDate(activity=a, date=d) for d in dates)
        dues = self._bulk(DueDate, dues)
        records = [
            ExecutionRecord(
                activity_id=d.activity_id, due=d, due_on=d.date, municipality_id=d.activity.roadmap.municipality_id
            )
            for d in dues
            if not d.activity.for_schools
        ]
        for record, due in zip(records, [d for d in dues if not d.activity.for_schools], strict=True):
            self._set_state(record, due.date, ExecutionStatus)
        self._bulk(
            Indicator,
            [
                Indicator(activity=a, year=end.year, target=100, metric=Indicator.Metric.DONE_ORGANIZATIONS)
                for a in activities
                if a.for_schools and a.order <= 2
            ],
        )
        # school roadmaps: copies of the school activities with their due dates (as roadmap_derive_school does)
        school_orgs = []
        for m in self.municipalities:
            school_orgs.extend(self.orgs_by_municipality[m.pk])
        school_orgs = school_orgs[: self.c.school_roadmaps]
        municipal_by_m = {r.municipality_id: r for r in municipal}
        copies = self._bulk(
            Roadmap,
            [
                Roadmap(
                    level=RoadmapLevel.SCHOOL,
                    municipality_id=o.municipality_id,
                    organization=o,
                    parent=municipal_by_m[o.municipality_id],
                    title=f"Дорожная карта {o.short_name}: {title}",
                    period_start=start,
                    period_end=end,
                    status=RoadmapStatus.APPROVED if self.rng.random() < 0.9 else RoadmapStatus.DRAFT,
                )
                for o in school_orgs
            ],
        )
        used_sections = sorted(
            {(a.section.order, a.section.number, a.section.title) for a in activities if a.for_schools}
        )
        copy_sections = self._bulk(
            Section,
            [Section(roadmap=c, number=num, title=t, order=order) for c in copies for order, num, t in used_sections],
        )
        copy_section_of = {(s.roadmap_id, s.order): s for s in copy_sections}
        sources_by_roadmap: dict[int, list] = {}
        for a in activities:
            if a.for_schools:
                sources_by_roadmap.setdefault(a.roadmap_id, []).append(a)
        copy_activities = []
        for c in copies:
            for src in sources_by_roadmap[c.parent_id]:
                copy_activities.append(
                    Activity(
                        roadmap=c,
                        section=copy_section_of[(c.pk, src.section.order)],
                        number=src.number,
                        order=src.order,
                        title=src.title,
                        result=src.result,
                        deadline_text=src.deadline_text,
                        deadline_parsed=True,
                        recurrence=src.recurrence,
                        responsible_text=src.responsible_text,
                        responsible_roles=src.responsible_roles,
                        for_schools=True,
                        source_activity=src,
                    )
                )
        copy_activities = self._bulk(Activity, copy_activities)
        copy_dues = self._bulk(
            DueDate, [DueDate(activity=a, date=d) for a in copy_activities for d in school_dates(a.order)]
        )
        org_of_roadmap = {c.pk: (c.organization_id, c.municipality_id) for c in copies}
        for due in copy_dues:
            org_id, m_id = org_of_roadmap[due.activity.roadmap_id]
            record = ExecutionRecord(
                activity_id=due.activity_id, due=due, due_on=due.date, municipality_id=m_id, organization_id=org_id
            )
            self._set_state(record, due.date, ExecutionStatus)
            records.append(record)
        self._bulk_history(ExecutionRecord, records)
        return {
            "roadmaps": len(municipal) + len(copies),
            "activities": len(activities) + len(copy_activities),
            "due_dates": len(dues) + len(copy_dues),
            "execution_records": len(records),
        }

    def _set_state(self, record, due: dt.date, ExecutionStatus) -> None:
        roll = self.rng.random()
        if due < self.today:
            if roll < 0.75:
                record.status = ExecutionStatus.DONE
                late = self.rng.random() < 0.2
                record.completed_on = (
                    min(self.today, due + dt.timedelta(days=self.rng.randint(1, 20)))
                    if late
                    else due - dt.timedelta(days=self.rng.randint(0, 10))
                )
                record.document_number = f"{self.rng.randint(1, 300)}-о"
            elif roll < 0.85:
                record.status = ExecutionStatus.IN_PROGRESS
        elif due < self.today + dt.timedelta(days=30) and roll < 0.3:
            record.status = ExecutionStatus.IN_PROGRESS

    # 5. Monitoring: campaigns, assignments, reports, questionnaires -----------------------------------
    def monitoring(self) -> dict[str, int]:
        from monitoring.models import (
            Answer,
            Assignment,
            AssignmentStatus,
            Campaign,
            CampaignKind,
            CampaignStatus,
            EffectivenessCriterion,
            Question,
            QuestionKind,
            Questionnaire,
            Response,
            SchoolReport,
            WebsiteCheck,
            WebsiteCheckRun,
        )
        from monitoring.services import DEFAULT_CRITERIA

        questionnaires = list(Questionnaire.objects.filter(is_standard=True).prefetch_related("questions"))
        by_purpose: dict[str, list] = {}
        for q in questionnaires:
            by_purpose.setdefault(q.purpose, []).append(q)
        s = self.year_start
        plans = [  # kind, title, period, deadline
            (
                CampaignKind.ACCOUNTING,
                "Персонифицированный учёт, I квартал учебного года",
                s,
                s + dt.timedelta(days=90),
                s + dt.timedelta(days=100),
            ),
            (
                CampaignKind.ACCOUNTING,
                "Персонифицированный учёт, II квартал учебного года",
                s + dt.timedelta(days=91),
                s + dt.timedelta(days=181),
                s + dt.timedelta(days=190),
            ),
            (
                CampaignKind.ENTRY,
                "Входная оценка роста участников",
                s,
                s + dt.timedelta(days=29),
                s + dt.timedelta(days=40),
            ),
            (
                CampaignKind.QUALITY,
                "Качество реализации программ наставничества",
                s + dt.timedelta(days=60),
                s + dt.timedelta(days=150),
                s + dt.timedelta(days=160),
            ),
            (
                CampaignKind.FINAL,
                "Итоговая оценка роста участников",
                s + dt.timedelta(days=240),
                s + dt.timedelta(days=270),
                s + dt.timedelta(days=275),
            ),
            (
                CampaignKind.ANNUAL,
                "Информационная справка ОО о реализации ЦМН",
                s,
                s + dt.timedelta(days=270),
                s + dt.timedelta(days=280),
            ),
        ]
        campaigns = []
        for m in self.municipalities:
            tz = m.tzinfo
            for kind, title, p_start, p_end, deadline in plans:
                status = (
                    CampaignStatus.DRAFT
                    if p_start > self.today
                    else (
                        CampaignStatus.CLOSED if deadline < self.today - dt.timedelta(days=60) else CampaignStatus.OPEN
                    )
                )
                campaigns.append(
                    Campaign(
                        municipality=m,
                        kind=kind,
                        title=f"{title} {s.year}/{s.year + 1}",
                        period_start=p_start,
                        period_end=p_end,
                        deadline=deadline,
                        status=status,
                        # save() would compute this: the end of the deadline day in the municipality's zone
                        due_at=dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
                        created_by=self.coordinator_by_municipality[m.pk],
                        opened_at=None if status == CampaignStatus.DRAFT else timezone.now(),
                    )
                )
        campaigns = self._bulk(Campaign, campaigns)
        self._bulk(
            Campaign.organizations.through,
            [
                Campaign.organizations.through(campaign_id=c.pk, organization_id=o.pk)
                for c in campaigns
                for o in self.orgs_by_municipality[c.municipality_id]
            ],
        )
        q_links = []
        for c in campaigns:
            purpose = {"quality": "quality", "entry": "growth", "final": "growth"}.get(c.kind)
            for q in by_purpose.get(purpose, []):
                q_links.append(Campaign.questionnaires.through(campaign_id=c.pk, questionnaire_id=q.pk))
        self._bulk(Campaign.questionnaires.through, q_links)
        assignments = []
        for c in campaigns:
            if c.status == CampaignStatus.DRAFT:
                continue
            for o in self.orgs_by_municipality[c.municipality_id]:
                a = Assignment(campaign=c, organization=o)
                roll = self.rng.random()
                if roll < 0.8 and c.deadline < self.today + dt.timedelta(days=10):
                    late = self.rng.random() < 0.15
                    when = dt.datetime.combine(
                        c.deadline + dt.timedelta(days=3 if late else -2), dt.time(12), tzinfo=c.due_at.tzinfo
                    )
                    a.first_submitted_at = a.submitted_at = when
                    a.submitted_by = self.curator_by_org[o.pk]
                    a.status = AssignmentStatus.ACCEPTED if roll < 0.6 else AssignmentStatus.SUBMITTED
                    if a.status == AssignmentStatus.ACCEPTED:
                        a.reviewed_at, a.reviewed_by = when + dt.timedelta(days=2), c.created_by
                assignments.append(a)
        assignments = self._bulk_history(Assignment, assignments)
        campaign_of = {c.pk: c for c in campaigns}
        reports = [
            SchoolReport(
                assignment=a,
                mentors=self.rng.randint(2, 15),
                mentees=self.rng.randint(2, 20),
                pairs=self.rng.randint(1, 12),
                local_acts=True,
                computed_at=timezone.now(),
            )
            for a in assignments
            if campaign_of[a.campaign_id].kind in (CampaignKind.ACCOUNTING, CampaignKind.ANNUAL)
        ]
        self._bulk_history(SchoolReport, reports)
        # questionnaires: a sample of participants answers each questionnaire campaign
        q_assignments = [
            a
            for a in assignments
            if campaign_of[a.campaign_id].kind in (CampaignKind.QUALITY, CampaignKind.ENTRY, CampaignKind.FINAL)
        ]
        people_by_org: dict[int, list] = {}
        for p in self.people_list:
            if p.is_mentor or p.is_mentee:
                people_by_org.setdefault(p.organization_id, []).append(p)
        per_assignment = max(1, self.c.responses // max(1, len(q_assignments)))
        responses = []
        for a in q_assignments:
            c = campaign_of[a.campaign_id]
            purpose = "quality" if c.kind == CampaignKind.QUALITY else "growth"
            candidates = people_by_org.get(a.organization_id, [])
            for person in self.rng.sample(candidates, k=min(per_assignment, len(candidates))):
                role = "mentor" if person.is_mentor else "mentee"
                q = next((q for q in by_purpose.get(purpose, []) if q.audience == role), None)
                if q is None:
                    continue
                responses.append(
                    Response(
                        assignment=a,
                        questionnaire=q,
                        person=person,
                        role=role,
                        submitted_at=a.submitted_at or (timezone.now() if self.rng.random() < 0.5 else None),
                    )
                )
                if len(responses) >= self.c.responses:
                    break
            if len(responses) >= self.c.responses:
                break
        responses = self._bulk(Response, responses)
        answers = []
        questions_of: dict[int, list[Question]] = {q.pk: list(q.questions.all()) for q in questionnaires}
        for r in responses:
            if r.submitted_at is None:
                continue
            growth_bonus = 1 if campaign_of[r.assignment.campaign_id].kind == CampaignKind.FINAL else 0
            for question in questions_of[r.questionnaire_id]:
                answer = Answer(response=r, question=question)
                if question.kind == QuestionKind.SCALE:
                    answer.scale = min(10, self.rng.randint(5, 9) + growth_bonus)
                elif question.kind == QuestionKind.SINGLE:
                    answer.choices = [self.rng.choice(question.option_list)]
                elif question.kind == QuestionKind.MULTIPLE:
                    answer.choices = self.rng.sample(question.option_list, k=min(2, len(question.option_list)))
                else:
                    answer.text = "Всё устраивает."
                answers.append(answer)
        self._bulk(Answer, answers)
        self._bulk(
            EffectivenessCriterion,
            [
                EffectivenessCriterion(municipality=m, metric=metric, weight=weight, order=order)
                for m in self.municipalities
                for order, (metric, weight) in enumerate(DEFAULT_CRITERIA)
            ],
        )
        runs = self._bulk(
            WebsiteCheckRun,
            [
                WebsiteCheckRun(
                    municipality=m, started_by=self.coordinator_by_municipality[m.pk], finished_at=timezone.now()
                )
                for m in self.municipalities
            ],
        )
        run_of = {r.municipality_id: r for r in runs}
        self._bulk(
            WebsiteCheck,
            [
                WebsiteCheck(
                    run=run_of[o.municipality_id],
                    organization=o,
                    url=o.mentoring_page_url,
                    reachable=self.rng.random() < 0.9,
                    status_code=200,
                    mentions_mentoring=self.rng.random() < 0.8,
                    checked_at=timezone.now(),
                )
                for o in self.organizations
            ],
        )
        return {
            "campaigns": len(campaigns),
            "assignments": len(assignments),
            "school_reports": len(reports),
            "responses": len(responses),
            "answers": len(answers),
        }

    # 6. Registries and reminder settings ----------------------------------------------------------------
    def registries(self) -> dict[str, int]:
        from mentorship.models import Community, Event, EventKind, Practice, PracticeStatus
        from notifications.models import ReminderSettings

        practices = [
            Practice(
                organization=o,
                municipality_id=o.municipality_id,  # bulk_create skips save()
                title=f"Практика наставничества «{self.rng.choice(MEETING_TOPICS)}»",
                authors=" ".join(self.names.person(set())),
                description="Описание практики наставничества.",
                status=PracticeStatus.APPROVED,
                is_published=True,
                published_on=self.today - dt.timedelta(days=30),
            )
            for o in self.organizations[::10]
        ]
        self._bulk_history(Practice, practices)
        events = self._bulk(
            Event,
            [
                Event(
                    municipality=m,
                    title=f"Муниципальный конкурс «Я и мой наставник» — {m.name}",
                    kind=EventKind.CONTEST,
                    starts_on=self.year_start + dt.timedelta(days=120),
                )
                for m in self.municipalities
            ],
        )
        communities = self._bulk(
            Community,
            [Community(municipality=m, title=f"Сообщество наставников: {m.name}") for m in self.municipalities],
        )
        self._bulk(ReminderSettings, [ReminderSettings(municipality=m) for m in self.municipalities])
        return {"practices": len(practices), "events": len(events), "communities": len(communities)}


def generate(
    config: ScaleConfig, *, log: Callable[[str], None] | None = None, today: dt.date | None = None
) -> ScaleReport:
    today = today or local_today()
    if not config.extend_by:
        return Generator(config, log=log, today=today).run()
    first = Generator(config, log=log, today=today)
    report = first.run(finish=False)
    more = Generator(extension_config(config), log=log, today=today, extend=True)
    more.run(finish=False)
    more.finish()
    for name, value in more.report.counts.items():
        report.counts[name] = report.counts.get(name, 0) + value
    report.timings += more.report.timings
    return report
