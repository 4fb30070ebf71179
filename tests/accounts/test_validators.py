"""Identifiers are checked where they are typed: ИНН check digits, phone numbers, e-mail."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import OrganizationFactory


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", ""])
def test_valid_inn_passes(db, inn):
    OrganizationFactory.build(inn=inn, municipality=OrganizationFactory().municipality).full_clean()


@pytest.mark.parametrize(
    ("inn", "message"),
    [("7707083894", "контрольная цифра"), ("12345", "10 цифр"), ("77О7083893", "только цифры")],
)
def test_wrong_inn_is_refused_in_russian(db, inn, message):
    org = OrganizationFactory.build(inn=inn, municipality=OrganizationFactory().municipality)
    with pytest.raises(ValidationError) as err:
        org.full_clean()
    assert message in " ".join(err.value.message_dict["inn"])


@pytest.mark.parametrize(
    ("phone", "ok"),
    [("+7 913 123-45-67", True), ("8 (3919) 42-00-00", True), ("", True), ("12-34", False), ("телефон", False)],
)
def test_phone_of_organization_and_user(db, world, phone, ok):
    for obj in (world.home.school, world.home.curator):
        obj.phone = phone
        others = [f.name for f in obj._meta.concrete_fields if f.name != "phone"]
        if ok:
            obj.clean_fields(exclude=others)
        else:
            with pytest.raises(ValidationError) as err:
                obj.clean_fields(exclude=others)
            assert "Телефон указан неверно" in " ".join(err.value.message_dict["phone"])


def test_person_form_shows_the_phone_reason_at_the_field(world, client_for):
    from django.urls import reverse

    response = client_for(world.home.curator).post(
        reverse("mentorship:person_create"),
        {"last_name": "Петрова", "first_name": "Анна", "organization": world.home.school.pk, "phone": "00"},
    )
    assert response.status_code == 200
    assert "Телефон указан неверно" in response.content.decode()
