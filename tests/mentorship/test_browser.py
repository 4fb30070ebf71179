"""The issue's "Done when" journey, in a real browser."""

import datetime as dt

import pytest

from accounts.models import Role
from mentorship.models import Pair, PairStatus, Person, ProgramStatus
from tests.factories import user_with_role
from tests.mentorship.factories import competency, make_pair, make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_date(page, name, value):
    page.fill(f"input[name={name}]", value)


def test_curator_journey_from_mentor_to_completed_pair(world, login_page, live_server):
    # a program another school of the municipality published to the bank
    bank_pair = make_pair(world.home.other_school, status=PairStatus.ACTIVE, started_on=dt.date(2025, 9, 1))
    bank_program = make_program(
        bank_pair,
        title="Программа «Первый год в школе»",
        is_published=True,
        published_on=dt.date(2025, 10, 1),
        goals="Адаптация молодого педагога",
    )
    bank_program.items.create(title="Встреча-знакомство", stage="acquaintance", due_on=dt.date(2025, 9, 1), order=1)
    bank_program.items.create(title="Итоговая встреча", stage="final", due_on=dt.date(2026, 5, 1), order=2)

    page = login_page(world.home.curator.username)

    # 1. a mentor
    page.goto("/mentorship/people/new/?role=mentor")
    page.fill("input[name=last_name]", "Кравченко")
    page.fill("input[name=first_name]", "Людмила")
    page.fill("input[name=middle_name]", "Петровна")
    page.fill("input[name=position]", "Учитель математики")
    page.fill("input[name=experience_years]", "25")
    page.select_option("select[name=competencies]", label="Планирование и анализ урока по ФГОС")
    page.click("main button[type=submit]")
    page.get_by_text("Кравченко Людмила Петровна добавлен").wait_for()

    # 2. a mentee
    page.goto("/mentorship/people/new/?role=mentee")
    page.fill("input[name=last_name]", "Соловьёв")
    page.fill("input[name=first_name]", "Артём")
    page.fill("input[name=middle_name]", "Дмитриевич")
    page.select_option("select[name=mentee_category]", label="Молодой специалист (стаж до 3 лет)")
    page.select_option("select[name=deficits]", label="Планирование урока по ФГОС")
    page.click("main button[type=submit]")
    page.get_by_text("Соловьёв Артём Дмитриевич добавлен").wait_for()

    # 3. take the match suggestion
    page.goto("/mentorship/mentees/waiting/")
    page.get_by_role("link", name="Подобрать наставника").first.click()
    candidate = page.locator(".candidate").filter(has_text="Кравченко Людмила Петровна")
    assert "Закрывает дефицит «Планирование урока по ФГОС»" in candidate.inner_text()
    candidate.get_by_role("link", name="Создать пару").click()

    # 4. the pair with an order; consents are added, then it is started
    page.select_option("select[name=form]", label="Педагог – молодой специалист")
    page.fill("input[name=order_number]", "112-о")
    _fill_date(page, "order_date", "29.08.2025")
    _fill_date(page, "started_on", "01.09.2025")
    page.click("main button[type=submit]")
    page.get_by_text("Пара создана").wait_for()
    pair_url = page.url
    page.get_by_role("button", name="Запустить").click()
    page.get_by_text("Нет согласия на обработку персональных данных").wait_for()
    for name in ("Кравченко Людмила Петровна", "Соловьёв Артём Дмитриевич"):
        page.goto(pair_url)
        page.get_by_test_id("participants").get_by_role("link", name=name).click()
        page.get_by_role("link", name="Внести согласие").click()
        _fill_date(page, "given_on", "01.09.2025")
        page.click("main button[type=submit]")
        page.get_by_text("Согласие внесено").wait_for()
    page.goto(pair_url)
    page.get_by_role("button", name="Запустить").click()
    page.get_by_text("Пара запущена").wait_for()
    assert page.get_by_test_id("pair-status").inner_text() == "Действует"

    # 5. a program from the bank
    page.get_by_role("link", name="Составить программу").click()
    page.check("input[name=source][value=bank]")
    page.select_option("select[name=based_on]", index=1)
    page.click("main button[type=submit]")
    page.get_by_text("Программа «Программа «Первый год в школе»» создана").wait_for()
    assert page.get_by_test_id("plan-items").locator("tbody tr").count() == 2

    # 6. a meeting with both feedbacks
    page.get_by_role("link", name="Записать встречу").click()
    _fill_date(page, "held_on", "05.09.2025")
    page.select_option("select[name=stage]", label="Встреча-знакомство")
    page.fill("input[name=topic]", "Знакомство и ожидания")
    page.fill("input[name=mentor_rating]", "9")
    page.fill("textarea[name=mentor_feedback]", "Наставляемый открыт и готов работать")
    page.fill("input[name=mentee_rating]", "10")
    page.fill("textarea[name=mentee_feedback]", "Понятно, к кому идти с вопросами")
    page.click("main button[type=submit]")
    page.get_by_text("Встреча записана.").wait_for()
    assert "обратная связь есть" in page.get_by_test_id("meetings").inner_text()

    # 7. complete the pair
    page.get_by_role("link", name="Завершить").click()
    page.fill("textarea[name=results]", "Уроки спроектированы по ФГОС, дефицит снят")
    page.fill("textarea[name=reflection]", "Взаимопосещения — самое полезное")
    _fill_date(page, "on", "29.05.2026")
    page.click("main button[type=submit]")
    page.get_by_text("Пара завершена").wait_for()
    assert page.get_by_test_id("pair-status").inner_text() == "Завершена"
    assert "Изменение" in page.get_by_test_id("history").first.inner_text()

    pair = Pair.objects.get(order_number="112-о")
    assert pair.status == PairStatus.COMPLETED and pair.program.status == ProgramStatus.COMPLETED
    assert pair.program.based_on == bank_program
    assert (
        Person.objects.get(last_name="Кравченко")
        .competencies.filter(pk=competency("Планирование и анализ урока по ФГОС").pk)
        .exists()
    )

    # a curator of another school sees none of it
    stranger = user_with_role(Role.CURATOR, organization=world.home.other_school, username="stranger")
    page.context.clear_cookies()
    page = login_page(stranger.username)
    response = page.goto(pair_url)
    assert response.status == 404
    page.goto("/mentorship/pairs/")
    assert "Кравченко" not in page.content() and "Соловьёв" not in page.content()
