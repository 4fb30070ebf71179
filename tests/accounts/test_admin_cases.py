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


# Delete confirmations -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "case", "kwargs", "expected"),
    [
        ("организация", "genitive", {}, "организации"),
        ("наставник", "genitive", {}, "наставника"),
        ("наставляемый", "genitive", {}, "наставляемого"),
        ("наставническая пара (группа)", "genitive", {}, "наставнической пары (группы)"),
        ("наставническая пара (группа)", "accusative", {}, "наставническую пару (группу)"),
        ("участник (человек)", "accusative", {}, "участника (человека)"),
        ("Запись о доступе", "accusative", {}, "запись о доступе"),  # axes' capital, lowered mid-sentence
        ("организация", "accusative", {"selected": True}, "выбранную организацию"),
        ("наставник", "accusative", {"selected": True}, "выбранного наставника"),
        ("мероприятие", "accusative", {"selected": True}, "выбранное мероприятие"),
        ("организация", "accusative", {"selected": True, "plural": True}, "выбранные организации"),
        ("наставник", "accusative", {"selected": True, "plural": True}, "выбранных наставников"),
        ("наставляемый", "accusative", {"selected": True, "plural": True}, "выбранных наставляемых"),
        ("участник (человек)", "accusative", {"selected": True, "plural": True}, "выбранных участников (людей)"),
        ("кампания мониторинга", "genitive", {"selected": True, "plural": True}, "выбранных кампаний мониторинга"),
        (
            "наставническая пара (группа)",
            "genitive",
            {"selected": True, "plural": True},
            "выбранных наставнических пар (групп)",
        ),
    ],
)
def test_object_name_in_case(name, case, kwargs, expected):
    from accounts.morphology import object_name

    assert object_name(name, case, **kwargs) == expected


def test_every_registered_model_has_its_delete_cases():
    from accounts.morphology import object_name

    for model in admin.site._registry:
        name = str(model._meta.verbose_name)
        for case in ("accusative", "genitive"):
            for plural in (False, True):
                assert object_name(name, case, plural=plural, selected=True).startswith("выбранн"), (model, case)
                assert object_name(name, case, plural=plural).strip(), model


def _sentence(page: str) -> str:
    return page.split('data-testid="delete-sentence">')[1].split("</p>")[0]


def test_delete_confirmation_names_the_object_in_the_accusative(world, client_for):
    from tests.factories import OrganizationFactory

    spare = OrganizationFactory(municipality=world.home.municipality, short_name="СШ № 99")
    page = client_for(world.admin).get(reverse("admin:accounts_organization_delete", args=[spare.pk]))
    assert page.status_code == 200
    sentence = _sentence(page.content.decode())
    assert sentence.startswith("Вы уверены, что хотите удалить организацию «СШ № 99»?"), sentence


def test_delete_confirmation_of_a_protected_object_in_the_genitive(world, client_for):
    from tests.mentorship.factories import MenteeFactory, MentorFactory, make_pair

    make_pair(
        world.home.school,
        mentors=[MentorFactory(organization=world.home.school)],
        mentees=[MenteeFactory(organization=world.home.school)],
    )
    page = client_for(world.admin).get(reverse("admin:accounts_organization_delete", args=[world.home.school.pk]))
    sentence = _sentence(page.content.decode())
    assert sentence.startswith(f"Удаление организации «{world.home.school}» потребует удаления"), sentence


def test_delete_selected_names_one_or_many_in_case(world, client_for):
    from tests.mentorship.factories import MentorFactory

    client = client_for(world.admin)
    url = reverse("admin:mentorship_mentor_changelist")
    first = MentorFactory(organization=world.home.school)
    second = MentorFactory(organization=world.home.school)
    changelist = client.get(url).content.decode()
    assert "Удалить выбранных наставников" in changelist and "выбранные банк" not in changelist
    one = client.post(url, {"action": "delete_selected", "_selected_action": [first.pk]}).content.decode()
    assert _sentence(one).startswith("Вы уверены, что хотите удалить выбранного наставника?")
    both = client.post(url, {"action": "delete_selected", "_selected_action": [first.pk, second.pk]})
    assert _sentence(both.content.decode()).startswith("Вы уверены, что хотите удалить выбранных наставников?")
    organizations = client.post(
        reverse("admin:accounts_organization_changelist"),
        {"action": "delete_selected", "_selected_action": [world.home.school.pk, world.home.other_school.pk]},
    ).content.decode()
    assert _sentence(organizations).startswith("Удаление выбранных организаций потребует удаления")  # protected


@pytest.mark.parametrize(
    ("name", "n", "expected"),
    [
        ("организация", 1, "1 организация"),
        ("организация", 21, "21 организация"),
        ("наставническая пара (группа)", 3, "3 наставнические пары (группы)"),
        ("наставническая пара (группа)", 5, "5 наставнических пар (групп)"),
        ("целевой показатель", 2, "2 целевых показателя"),
        ("исполнение мероприятия", 12, "12 исполнений мероприятия"),
        ("участник (человек)", 4, "4 участника (человека)"),
        ("наставляемый", 3, "3 наставляемых"),
        ("персонализированная программа", 22, "22 персонализированные программы"),
        ("Запись о попытке доступа", 1, "1 запись о попытке доступа"),
        ("встреча", 10000, "10\u202f000 встреч"),
    ],
)
def test_count_name_agrees_with_the_number(name, n, expected):
    from accounts.plurals import count_name

    assert count_name(n, name) == expected


def _summary(page: str) -> list[str]:
    block = page.split('data-testid="delete-summary">')[1].split("</ul>")[0]
    return [item.split("</li>")[0].strip() for item in block.split("<li>")[1:]]


def test_delete_summary_counts_in_russian(world, client_for):
    from tests.mentorship.factories import MenteeFactory, MentorFactory, make_pair

    client = client_for(world.admin)
    pair = make_pair(
        world.home.school,
        mentors=[MentorFactory(organization=world.home.school)],
        mentees=[MenteeFactory(organization=world.home.school) for _ in range(2)],
    )
    page = client.get(reverse("admin:mentorship_pair_delete", args=[pair.pk])).content.decode()
    summary = _summary(page)
    assert "1 наставническая пара (группа)" in summary and "3 участника пары" in summary, summary
    assert not any(":" in item or "historical" in item for item in summary), summary
    spare = [MentorFactory(organization=world.home.school) for _ in range(2)]
    url = reverse("admin:mentorship_mentor_changelist")
    both = client.post(url, {"action": "delete_selected", "_selected_action": [m.pk for m in spare]})
    assert "2 наставника" in _summary(both.content.decode())
