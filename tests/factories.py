"""factory-boy factories for organizations, users and roles (apps add theirs in tests/<app>/factories.py)."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import Municipality, Organization, OrganizationKind, Region, Role, RoleAssignment, User

PASSWORD = "test-password-123"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Регион {n}")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"город Тестовый-{n}")
    timezone = "Asia/Krasnoyarsk"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = OrganizationKind.SCHOOL
    short_name = factory.Sequence(lambda n: f"МБОУ «СШ № {n}»")
    full_name = factory.LazyAttribute(
        lambda o: f"Муниципальное бюджетное общеобразовательное учреждение {o.short_name}"
    )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "Иванов"
    first_name = "Иван"
    middle_name = "Иванович"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.ru")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role: str, *, municipality=None, organization=None, region=None, **user_kwargs) -> User:
    user = UserFactory(is_staff=role in (Role.ADMIN, Role.COORDINATOR, Role.CURATOR), **user_kwargs)
    RoleAssignment.objects.create(
        user=user, role=role, municipality=municipality, organization=organization, region=region
    )
    return user
