"""A real Chromium logs in as each role and sees its home page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("who", "role_label"),
    [
        ("coordinator", "Муниципальный координатор"),
        ("methodologist", "Методист"),
        ("curator", "Куратор в ОО"),
        ("head", "Руководитель ОО"),
    ],
)
def test_each_role_logs_in_and_sees_home(world, login_page, live_server, who, role_label):
    user = getattr(world.home, who)
    page = login_page(user.username, world.password)
    assert page.url == live_server.url + "/"
    assert role_label in page.locator("[data-testid=roles]").inner_text()
    assert "Здравствуйте" in page.content()
    # the Bootstrap bundle is served locally and works: the user menu opens
    page.click("[data-testid=user-menu]")
    assert page.locator("text=Выйти").is_visible()


def test_admin_logs_in_and_reaches_russian_admin(world, login_page):
    page = login_page(world.admin.username, world.password)
    assert "Администратор" in page.locator("[data-testid=roles]").inner_text()
    page.goto("/admin/")
    assert "Наставник — администрирование" in page.content()


def test_wrong_password_stays_on_login_with_message(world, login_page):
    page = login_page(world.home.curator.username, "not-the-password")
    assert "/accounts/login/" in page.url
    assert "правильные имя пользователя и пароль" in page.content()


def test_static_assets_are_served_without_cdn(world, login_page, live_server):
    page = login_page(world.home.coordinator.username, world.password)
    hrefs = page.eval_on_selector_all("link[rel=stylesheet], script[src]", "els => els.map(e => e.href || e.src)")
    assert hrefs and all(h.startswith(live_server.url) for h in hrefs)
    assert page.evaluate("typeof bootstrap") == "object"
