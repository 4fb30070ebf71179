"""Shared fixtures: two municipalities with schools and one user per role on each side.

Every scope test has data on both sides of the boundary: `world.home` is the user's side,
`world.foreign` the other municipality.
"""

import os
from dataclasses import dataclass

import pytest

from accounts.models import Role
from tests.factories import PASSWORD, MunicipalityFactory, OrganizationFactory, user_with_role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API with live_server


@dataclass
class Side:
    municipality: object
    school: object
    other_school: object
    coordinator: object
    methodologist: object
    curator: object
    head: object


@dataclass
class World:
    home: Side
    foreign: Side
    admin: object
    password: str = PASSWORD


def _side(prefix: str, tz: str) -> Side:
    municipality = MunicipalityFactory(name=f"город {prefix}", timezone=tz)
    school = OrganizationFactory(municipality=municipality, short_name=f"{prefix} СШ № 1")
    other_school = OrganizationFactory(municipality=municipality, short_name=f"{prefix} СШ № 2")
    return Side(
        municipality=municipality,
        school=school,
        other_school=other_school,
        coordinator=user_with_role(Role.COORDINATOR, municipality=municipality, username=f"{prefix}_coord"),
        methodologist=user_with_role(Role.METHODOLOGIST, municipality=municipality, username=f"{prefix}_metod"),
        curator=user_with_role(Role.CURATOR, organization=school, username=f"{prefix}_curator"),
        head=user_with_role(Role.HEAD, organization=school, username=f"{prefix}_head"),
    )


@pytest.fixture
def world(db) -> World:
    return World(
        home=_side("Норильск", "Asia/Krasnoyarsk"),
        foreign=_side("Нижневартовск", "Asia/Yekaterinburg"),
        admin=user_with_role(Role.ADMIN, username="root_admin", is_superuser=True),
    )


@pytest.fixture
def client_for(client):
    """Log a user in on the test client: `client_for(user)`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _eager_celery(settings, request):
    """Tasks run in-process unless the test explicitly needs the real worker."""
    from config.celery import app

    if request.node.get_closest_marker("real_worker"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
