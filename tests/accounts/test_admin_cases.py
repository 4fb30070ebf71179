"""The admin names objects in the right case: «Добавить организацию», «Выберите пару для изменения»."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.morphology import accusative

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("организация", "организацию"),
        ("пользователь", "пользователя"),
        ("дорожная карта", "дорожную карту"),
        ("исполнение мероприятия", "исполнение мероприятия"),
        ("персонализированная программа", "персонализированную программу"),
        ("наставник", "наставника"),
        ("наставляемый", "наставляемого"),
        ("кампания мониторинга", "кампанию мониторинга"),
        ("целевой показатель", "целевой показатель"),
        ("фоновая загрузка из Excel", "фоновую загрузку из Excel"),
    ],
)
def test_accusative(name, expected):
    assert accusative(name) == expected


def test_every_registered_model_has_an_accusative():
    for model in admin.site._registry:
        assert accusative(str(model._meta.verbose_name)).strip(), model


def test_admin_add_button_and_titles_in_the_accusative(world, client_for):
    client = client_for(world.admin)
    changelist = client.get(reverse("admin:accounts_organization_changelist")).content.decode()
    assert "Добавить организацию" in changelist and "Добавить организация" not in changelist
    assert "Выберите организацию для изменения" in changelist
    add = client.get(reverse("admin:accounts_organization_add")).content.decode()
    assert "Добавить организацию" in add
    change = client.get(reverse("admin:accounts_organization_change", args=[world.home.school.pk])).content.decode()
    assert "Изменить организацию" in change
    users = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "Добавить пользователя" in users


def test_import_export_screens_in_russian(world, client_for):
    import io

    from openpyxl import load_workbook

    from accounts.models import Organization

    client = client_for(world.admin)
    url = reverse("admin:accounts_organization_export")
    page = client.get(url).content.decode()
    assert "Выбрать все" in page and "Select all" not in page
    assert "Краткое наименование" in page and "Short Name" not in page and "Municipality (" not in page
    ids = list(Organization.objects.values_list("pk", flat=True))
    response = client.post(
        url,
        {
            "format": "0",
            "resource": "0",
            "export_items": ids,
            "organizationresource_short_name": "on",
            "organizationresource_inn": "on",
        },
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Организации"
    assert [c.value for c in book.worksheets[0][1]] == ["Краткое наименование", "ИНН"]


def test_admin_messages_fit_any_gender():
    from django.utils import translation

    with translation.override("ru"):
        text = translation.gettext("The {name} “{obj}” was added successfully.").format(
            name="организация", obj="СШ № 1"
        )
        assert text == "Добавлено: организация «СШ № 1»."
        assert translation.gettext("Add another %(verbose_name)s") % {"verbose_name": "Пункт плана"} == (
            "Добавить ещё: Пункт плана"
        )
