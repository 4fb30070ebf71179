"""Login, each role's home page, the organization pages, all scoped."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_russian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Вход в систему" in text and "Пароль" in text and 'lang="ru"' in text


def test_login_with_password_lands_on_home(client, world):
    response = client.post(reverse("login"), {"username": world.home.curator.username, "password": world.password})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert "Куратор в ОО: Норильск СШ № 1" in home.content.decode()


def test_wrong_password_is_refused_in_russian(client, world):
    response = client.post(reverse("login"), {"username": world.home.curator.username, "password": "wrong-one-1"})
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()


def test_logout_is_a_post(client_for, world):
    client = client_for(world.home.curator)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    ("who", "expected", "absent"),
    [
        ("coordinator", ["Муниципальный координатор: город Норильск", "Организаций", ">2<"], []),
        ("methodologist", ["Методист: город Норильск", "Организаций"], []),
        ("curator", ["Куратор в ОО: Норильск СШ № 1"], ["Организаций"]),
        ("head", ["Руководитель ОО: Норильск СШ № 1"], ["Организаций"]),
    ],
)
def test_home_page_per_role_shows_real_counts(client_for, world, who, expected, absent):
    response = client_for(getattr(world.home, who)).get(reverse("home"))
    text = response.content.decode()
    assert response.status_code == 200
    for fragment in expected:
        assert fragment in text
    for fragment in absent:
        assert fragment not in text
    assert "Нижневартовск" not in text


def test_navigation_depends_on_role(client_for, world):
    coordinator_page = client_for(world.home.coordinator).get(reverse("home")).content.decode()
    assert reverse("organization_list") in coordinator_page
    curator_page = client_for(world.home.curator).get(reverse("home")).content.decode()
    assert reverse("organization_list") not in curator_page


def test_organization_list_is_scoped(client_for, world):
    text = client_for(world.home.coordinator).get(reverse("organization_list")).content.decode()
    assert world.home.school.short_name in text and world.home.other_school.short_name in text
    assert world.foreign.school.short_name not in text


def test_organization_list_filters_and_searches(client_for, world):
    client = client_for(world.home.coordinator)
    text = client.get(reverse("organization_list"), {"q": "№ 2"}).content.decode()
    assert world.home.other_school.short_name in text and world.home.school.short_name not in text


def test_organization_detail_of_foreign_school_is_404(client_for, world):
    client = client_for(world.home.coordinator)
    assert client.get(reverse("organization_detail", args=[world.home.school.pk])).status_code == 200
    assert client.get(reverse("organization_detail", args=[world.foreign.school.pk])).status_code == 404


def test_curator_cannot_open_other_school(client_for, world):
    client = client_for(world.home.curator)
    assert client.get(reverse("organization_detail", args=[world.home.school.pk])).status_code == 200
    assert client.get(reverse("organization_detail", args=[world.home.other_school.pk])).status_code == 404


def test_organization_list_query_count_is_constant(client_for, world, django_assert_num_queries):
    client = client_for(world.home.coordinator)
    client.get(reverse("organization_list"))  # warm up session and caches

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("organization_list")).status_code == 200
        return len(ctx.captured_queries)

    small = count_queries()
    OrganizationFactory.create_batch(20, municipality=world.home.municipality)
    assert count_queries() == small
    with django_assert_num_queries(small):
        client.get(reverse("organization_list"))


def test_404_page_is_russian(client_for, world):
    response = client_for(world.home.curator).get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_password_change_page_is_russian(client_for, world):
    response = client_for(world.home.curator).get(reverse("password_change"))
    assert "Смена пароля" in response.content.decode()


def test_password_reset_sends_russian_letter(client, world, mailoutbox):
    world.home.curator.email = "curator@example.ru"
    world.home.curator.save()
    response = client.post(reverse("password_reset"), {"email": "curator@example.ru"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "Восстановление пароля" in mailoutbox[0].subject
    assert world.home.curator.username in mailoutbox[0].body


def test_role_label_uses_role_choices(world):
    assert Role.CURATOR.label == "Куратор в ОО"
