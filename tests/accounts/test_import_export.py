"""Excel exchange of organizations and users in the admin: preview names bad rows, writes all or nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Organization, RoleAssignment, User
from tests.xlsx import read_xlsx, xlsx

pytestmark = pytest.mark.django_db

ORG_HEADERS = ["Муниципалитет", "Краткое наименование", "Полное наименование", "Тип", "Адрес", "Сайт"]


def _import(client, model: str, content: bytes):
    url = reverse(f"admin:accounts_{model}_import")
    upload = SimpleUploadedFile(
        "data.xlsx", content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return client.post(url, {"import_file": upload, "format": "0", "resource": "0"})


def _confirm(client, model: str, preview_html: str):
    fields = dict(
        re.findall(r'name="(import_file_name|original_file_name|format|resource)"[^>]*value="([^"]*)"', preview_html)
    )
    return client.post(reverse(f"admin:accounts_{model}_process_import"), fields)


def test_import_with_one_bad_row_writes_nothing_and_names_row_and_field(client_for, world):
    client = client_for(world.home.coordinator)
    before = Organization.objects.count()
    content = xlsx(
        ORG_HEADERS,
        [
            [
                "город Норильск",
                "МБОУ «СШ № 21»",
                "Средняя школа № 21",
                "Общеобразовательная организация",
                "ул. Мира, 1",
                "",
            ],
            ["город Норильск", "МБОУ «СШ № 22»", "Средняя школа № 22", "Школа-интернат", "ул. Мира, 2", ""],
            [
                "город Норильск",
                "МБОУ «СШ № 23»",
                "Средняя школа № 23",
                "Общеобразовательная организация",
                "",
                "не сайт",
            ],
        ],
    )
    response = _import(client, "organization", content)
    html = response.content.decode()
    assert response.status_code == 200
    # Excel row 3: bad type; row 4: bad URL — each named with its field
    assert "Тип: значение «Школа-интернат» не из списка" in html
    assert "Введите правильный URL" in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    # the preview lists the bad rows by number as Excel shows them (header = row 1) with the column
    assert re.search(r"\b3 Тип Тип: значение «Школа-интернат»", text), text[-3000:]
    assert re.search(r"\b4 Сайт Введите правильный URL", text)
    assert "process_import" not in html  # no confirm form while any row is bad
    assert Organization.objects.count() == before


def test_good_import_previews_then_writes_all(client_for, world):
    client = client_for(world.home.coordinator)
    content = xlsx(
        ORG_HEADERS,
        [
            [
                "город Норильск",
                "МБОУ «СШ № 31»",
                "Средняя школа № 31",
                "Общеобразовательная организация",
                "ул. Мира, 1",
                "https://school31.ru",
            ],
            ["город Норильск", "МБДОУ «ДС № 2»", "Детский сад № 2", "Дошкольная образовательная организация", "", ""],
        ],
    )
    preview = _import(client, "organization", content)
    assert Organization.objects.filter(short_name__in=["МБОУ «СШ № 31»", "МБДОУ «ДС № 2»"]).count() == 0
    html = preview.content.decode()
    assert "МБОУ «СШ № 31»" in html and "process_import" in html
    response = _confirm(client, "organization", html)
    assert response.status_code == 302
    created = Organization.objects.filter(
        municipality=world.home.municipality, short_name__in=["МБОУ «СШ № 31»", "МБДОУ «ДС № 2»"]
    )
    assert created.count() == 2
    assert created.get(short_name="МБДОУ «ДС № 2»").kind == "kindergarten"


def test_coordinator_cannot_import_into_foreign_municipality(client_for, world):
    client = client_for(world.home.coordinator)
    content = xlsx(
        ORG_HEADERS, [["город Нижневартовск", "МБОУ «СШ № 99»", "Школа 99", "Общеобразовательная организация", "", ""]]
    )
    html = _import(client, "organization", content).content.decode()
    assert "Муниципалитет «город Нижневартовск» не найден" in html
    assert not Organization.objects.filter(short_name="МБОУ «СШ № 99»").exists()


def test_reimporting_the_same_file_changes_nothing(client_for, world):
    client = client_for(world.home.coordinator)
    content = xlsx(
        ORG_HEADERS, [["город Норильск", "Норильск СШ № 1", "Полное имя", "Общеобразовательная организация", "", ""]]
    )
    html = _confirm(client, "organization", _import(client, "organization", content).content.decode())
    again = _import(client, "organization", content).content.decode()
    assert html.status_code == 302
    assert "Пропущено" in again or "skip" in again.lower()
    assert Organization.objects.filter(short_name__iexact="Норильск СШ № 1").count() == 1


def test_export_of_organizations_is_scoped(client_for, world):
    client = client_for(world.home.coordinator)
    response = client.post(
        reverse("admin:accounts_organization_export"), {"format": "0", "resource": "0", "export_items": []}
    )
    if response.status_code != 200 or not response.get("Content-Disposition"):
        # 4.x asks which fields to export first; submit them all
        html = response.content.decode()
        fields = re.findall(r'name="(organizationresource_[a-z_]+)"', html)
        response = client.post(
            reverse("admin:accounts_organization_export"), {"format": "0", "resource": "0", **{f: "on" for f in fields}}
        )
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(response.content)
    names = {row[rows[0].index("Краткое наименование")] for row in rows[1:]}
    assert names == {world.home.school.short_name, world.home.other_school.short_name}


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_export_of_selected_rows_offers_only_rows_in_scope(client_for, world):
    """«Export selected» (the admin action posts the chosen ids) takes only ids of rows the user
    may see, and django-import-export's deprecated full-table id list is not consulted."""
    client = client_for(world.home.coordinator)
    url = reverse("admin:accounts_organization_export")
    html = client.get(url).content.decode()
    fields = {f: "on" for f in re.findall(r'name="(organizationresource_[a-z_]+)"', html)}
    own = client.post(url, {"format": "0", "resource": "0", "export_items": [world.home.school.pk], **fields})
    assert "attachment" in own["Content-Disposition"]
    rows = read_xlsx(own.content)
    assert [row[rows[0].index("Краткое наименование")] for row in rows[1:]] == [world.home.school.short_name]
    foreign = client.post(url, {"format": "0", "resource": "0", "export_items": [world.foreign.school.pk], **fields})
    assert foreign.status_code == 200 and not foreign.get("Content-Disposition")
    assert world.foreign.school.short_name not in foreign.content.decode()


def test_user_import_creates_user_with_role_and_refuses_bad_rows(client_for, world):
    client = client_for(world.home.coordinator)
    headers = ["Логин", "Фамилия", "Имя", "Отчество", "E-mail", "Роль", "Муниципалитет", "Организация"]
    bad = xlsx(
        headers,
        [
            [
                "petrova",
                "Петрова",
                "Анна",
                "Ивановна",
                "petrova@example.ru",
                "Куратор в ОО",
                "",
                world.home.school.short_name,
            ],
            ["sidorov", "Сидоров", "Олег", "", "sidorov@example.ru", "Куратор в ОО", "", ""],
        ],
    )
    html = _import(client, "user", bad).content.decode()
    assert "Для этой роли укажите организацию." in html
    assert not User.objects.filter(username__in=["petrova", "sidorov"]).exists()

    good = xlsx(
        headers,
        [
            [
                "petrova",
                "Петрова",
                "Анна",
                "Ивановна",
                "petrova@example.ru",
                "Куратор в ОО",
                "",
                world.home.school.short_name,
            ]
        ],
    )
    response = _confirm(client, "user", _import(client, "user", good).content.decode())
    assert response.status_code == 302
    user = User.objects.get(username="petrova")
    assert not user.has_usable_password()
    assert RoleAssignment.objects.filter(user=user, role="curator", organization=world.home.school).exists()


def test_curator_has_no_user_admin(client_for, world):
    client = client_for(world.home.curator)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
