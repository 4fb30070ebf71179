"""Demo data for organizations and users: two municipalities in different time zones.

Idempotent: every row is found by its natural key and updated in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import Municipality, Organization, OrganizationKind, Region, Role, RoleAssignment, User

DEMO_PASSWORD = "nastavnik-demo-2026"

NORILSK_ORGS = [
    (
        "МБОУ «СШ № 1»",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 1»",
        OrganizationKind.SCHOOL,
        "Ленинский пр., 11",
        "Соколова Ирина Викторовна",
    ),
    (
        "МБОУ «СШ № 3»",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 3»",
        OrganizationKind.SCHOOL,
        "ул. Орджоникидзе, 4",
        "Карпов Андрей Николаевич",
    ),
    (
        "МБОУ «Гимназия № 4»",
        "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 4»",
        OrganizationKind.SCHOOL,
        "ул. Комсомольская, 35",
        "Лебедева Наталья Сергеевна",
    ),
    (
        "МБОУ «Гимназия № 5»",
        "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 5»",
        OrganizationKind.SCHOOL,
        "ул. Бегичева, 25",
        "Фёдоров Олег Павлович",
    ),
    (
        "МБОУ «СШ № 9»",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 9»",
        OrganizationKind.SCHOOL,
        "ул. Мира, 5",
        "Зайцева Марина Юрьевна",
    ),
    (
        "МБОУ «СШ № 13»",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 13»",
        OrganizationKind.SCHOOL,
        "ул. Талнахская, 18",
        "Григорьев Денис Игоревич",
    ),
    (
        "МБОУ «Лицей № 3»",
        "Муниципальное бюджетное общеобразовательное учреждение «Лицей № 3»",
        OrganizationKind.SCHOOL,
        "ул. Кирова, 22",
        "Павлова Светлана Андреевна",
    ),
    (
        "МБДОУ «ДС № 14 «Умка»",
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 14 «Умка»",
        OrganizationKind.KINDERGARTEN,
        "ул. Ленинградская, 7",
        "Орлова Елена Михайловна",
    ),
    (
        "МБДОУ «ДС № 45 «Северок»",
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 45 «Северок»",
        OrganizationKind.KINDERGARTEN,
        "ул. Молодёжная, 19",
        "Кузьмина Ольга Петровна",
    ),
    (
        "МБДОУ «ДС № 73 «Стерх»",
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 73 «Стерх»",
        OrganizationKind.KINDERGARTEN,
        "ул. Нансена, 8",
        "Белова Анна Геннадьевна",
    ),
    (
        "МБУ ДО «ДДТ»",
        "Муниципальное бюджетное учреждение дополнительного образования «Дворец детского творчества»",
        OrganizationKind.ADDITIONAL,
        "Ленинский пр., 14",
        "Тихонов Сергей Владимирович",
    ),
    (
        "МБУ ДО «СДЮСШ»",
        "Муниципальное бюджетное учреждение дополнительного образования «Специализированная детско-юношеская спортивная школа»",
        OrganizationKind.ADDITIONAL,
        "ул. Комсомольская, 12",
        "Медведев Артём Олегович",
    ),
    (
        "КГБПОУ «НПК»",
        "Краевое государственное бюджетное профессиональное образовательное учреждение «Норильский педагогический колледж»",
        OrganizationKind.COLLEGE,
        "ул. Кирова, 2",
        "Никитина Людмила Александровна",
    ),
]

NIZHNEVARTOVSK_ORGS = [
    (
        "МБОУ «СШ № 2»",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 2 — многопрофильная имени Е. И. Куропаткина»",
        OrganizationKind.SCHOOL,
        "ул. Омская, 66",
        "Шевченко Виктор Иванович",
    ),
    (
        "МБОУ «СШ № 10»",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 10»",
        OrganizationKind.SCHOOL,
        "ул. Ленина, 23",
        "Исаева Галина Рашидовна",
    ),
    (
        "МАДОУ «ДС № 17 «Ладушки»",
        "Муниципальное автономное дошкольное образовательное учреждение «Детский сад № 17 «Ладушки»",
        OrganizationKind.KINDERGARTEN,
        "ул. Мира, 60",
        "Хасанова Лилия Рамилевна",
    ),
    (
        "МАУДО «ЦДТ»",
        "Муниципальное автономное учреждение дополнительного образования «Центр детского творчества»",
        OrganizationKind.ADDITIONAL,
        "ул. Дзержинского, 11",
        "Волков Игорь Степанович",
    ),
]

# username, last, first, middle, role, municipality key, organization short name
DEMO_USERS = [
    ("admin", "Администраторов", "Алексей", "Петрович", Role.ADMIN, None, None),
    ("koordinator", "Смирнова", "Татьяна", "Владимировна", Role.COORDINATOR, "norilsk", None),
    ("metodist", "Васильева", "Ольга", "Николаевна", Role.METHODOLOGIST, "norilsk", None),
    ("kurator", "Иванова", "Мария", "Сергеевна", Role.CURATOR, "norilsk", "МБОУ «СШ № 1»"),
    ("kurator3", "Петров", "Дмитрий", "Алексеевич", Role.CURATOR, "norilsk", "МБОУ «СШ № 3»"),
    ("kurator_ds14", "Морозова", "Екатерина", "Ивановна", Role.CURATOR, "norilsk", "МБДОУ «ДС № 14 «Умка»"),
    ("direktor", "Соколова", "Ирина", "Викторовна", Role.HEAD, "norilsk", "МБОУ «СШ № 1»"),
    ("koordinator_nv", "Гарипова", "Айгуль", "Ринатовна", Role.COORDINATOR, "nizhnevartovsk", None),
    ("kurator_nv", "Ковалёв", "Павел", "Юрьевич", Role.CURATOR, "nizhnevartovsk", "МБОУ «СШ № 2»"),
    # regional mentoring centre of Krasnoyarsk krai: the region of the first municipality
    ("region", "Кузнецова", "Елена", "Андреевна", Role.REGIONAL, "norilsk", None),
]


@dataclass
class DemoContext:
    """What later seeders build on: the municipalities, organizations and users by key."""

    municipalities: dict[str, Municipality] = field(default_factory=dict)
    organizations: dict[str, list[Organization]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)


#: positions and phones the demo users' documents show (the regional report's signature and executor)
DEMO_POSITIONS = {
    "region": ("Начальник регионального наставнического центра", "+7 391 221-45-67"),
    "metodist": ("Методист МБУ «Методический центр»", "+7 3919 42-15-30"),
}


@transaction.atomic
def seed(ctx: DemoContext) -> DemoContext:
    krasnoyarsk, _ = Region.objects.get_or_create(name="Красноярский край", defaults={"code": "24"})
    ugra, _ = Region.objects.get_or_create(name="Ханты-Мансийский автономный округ — Югра", defaults={"code": "86"})
    # who the regional report comes from (a value typed in the admin is kept)
    for region, authority in (
        (krasnoyarsk, "Министерство образования Красноярского края"),
        (ugra, "Департамент образования и науки Ханты-Мансийского автономного округа — Югры"),
    ):
        if not region.authority_name:
            region.authority_name = authority
            region.save(update_fields=["authority_name"])
    norilsk, _ = Municipality.objects.update_or_create(
        region=krasnoyarsk,
        name="город Норильск",
        defaults={
            "short_name": "Норильск",
            "timezone": "Asia/Krasnoyarsk",
            "authority_name": "Управление общего и дошкольного образования Администрации города Норильска",
        },
    )
    nv, _ = Municipality.objects.update_or_create(
        region=ugra,
        name="город Нижневартовск",
        defaults={
            "short_name": "Нижневартовск",
            "timezone": "Asia/Yekaterinburg",
            "authority_name": "Департамент образования администрации города Нижневартовска",
        },
    )
    ctx.municipalities = {"norilsk": norilsk, "nizhnevartovsk": nv}
    for key, municipality, rows in (("norilsk", norilsk, NORILSK_ORGS), ("nizhnevartovsk", nv, NIZHNEVARTOVSK_ORGS)):
        orgs = []
        for short, full, kind, address, head in rows:
            org, _ = Organization.objects.update_or_create(
                municipality=municipality,
                short_name=short,
                defaults={
                    "full_name": full,
                    "kind": kind,
                    "address": address,
                    "head_name": head,
                    "website": f"https://{_slug(short)}.example.ru",
                    "mentoring_page_url": f"https://{_slug(short)}.example.ru/nastavnichestvo",
                },
            )
            orgs.append(org)
        ctx.organizations[key] = orgs
    by_name = {(o.municipality_id, o.short_name): o for orgs in ctx.organizations.values() for o in orgs}
    for username, last, first, middle, role, mkey, org_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "last_name": last,
                "first_name": first,
                "middle_name": middle,
                "email": f"{username}@nastavnik.local",
                "is_staff": role in (Role.ADMIN, Role.COORDINATOR, Role.CURATOR),
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        region = ctx.municipalities[mkey].region if role == Role.REGIONAL else None
        municipality = ctx.municipalities[mkey] if mkey and not org_name and region is None else None
        organization = by_name[(ctx.municipalities[mkey].pk, org_name)] if org_name else None
        RoleAssignment.objects.get_or_create(
            user=user, role=role, region=region, municipality=municipality, organization=organization
        )
        if username in DEMO_POSITIONS and not user.position:
            user.position, user.phone = DEMO_POSITIONS[username]
            user.save(update_fields=["position", "phone"])
        ctx.users[username] = user
    return ctx


# demo logins other apps add while seeding (participants' accounts live in a domain app), and the
# apps' own readers of them, so that `seed_demo --logins` in a later process lists them too
_extra_logins: dict[str, dict] = {}
_login_readers: list = []


def register_demo_logins_reader(reader) -> None:
    """`reader()` returns the app's demo logins found in the database (dicts as register_demo_login
    makes); called by demo_logins(), so the list is complete in any process."""
    if reader not in _login_readers:
        _login_readers.append(reader)


def register_demo_login(*, username: str, role: str, municipality: str | None, organization: str | None) -> None:
    _extra_logins[username] = {
        "username": username,
        "password": DEMO_PASSWORD,
        "role": role,
        "municipality": municipality,
        "organization": organization,
    }


def demo_logins() -> list[dict]:
    rows = []
    for username, *_rest, role, mkey, org_name in DEMO_USERS:
        municipality = {"norilsk": "город Норильск", "nizhnevartovsk": "город Нижневартовск"}.get(mkey)
        region = {"norilsk": "Красноярский край"}.get(mkey) if role == Role.REGIONAL else None
        rows.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "role": Role(role).label,
                "municipality": None if region else municipality,
                "organization": org_name,
                **({"region": region} if region else {}),
            }
        )
    extra = dict(_extra_logins)
    for reader in _login_readers:
        for row in reader():
            extra.setdefault(row["username"], row)
    rows.extend(extra.values())
    return rows


def _slug(name: str) -> str:
    table = str.maketrans("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "abvgdeejziiklmnoprstufhccss_y_eua")
    text = name.lower().translate(table)
    return "".join(ch if ch.isalnum() else "-" for ch in text).strip("-").replace("--", "-")[:40] or "org"
