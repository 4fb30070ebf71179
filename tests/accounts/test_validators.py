"""Identifiers are checked where they are typed: ИНН check digits, phone numbers, e-mail."""

import random

import phonenumbers
import pytest
from django.core.exceptions import ValidationError

from accounts.validators import is_usual_russian_number
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


def _possible(value: str) -> bool:
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(value, "RU"))
    except phonenumbers.NumberParseException:
        return False


def test_the_shortcut_for_usual_numbers_accepts_only_what_libphonenumber_accepts():
    rng = random.Random(12)
    digits = "0123456789"
    accepted = 0
    for _ in range(20000):
        code = "".join(rng.choice(digits) for _ in range(rng.randint(2, 6)))
        parts = [
            rng.choice(["+7", "8", "+8", "7", "+7 ", "8 "]),
            rng.choice([code, f"({code})"]),
            rng.choice(["", " ", "-", "  "]),
            "".join(rng.choice(digits) for _ in range(rng.randint(1, 4))),
            rng.choice(["", " ", "-"]),
            "".join(rng.choice(digits) for _ in range(2)),
            rng.choice(["", " ", "-"]),
            "".join(rng.choice(digits) for _ in range(rng.randint(1, 3))),
        ]
        value = "".join(parts)
        if is_usual_russian_number(value):
            accepted += 1
            assert _possible(value), value
    assert accepted > 300
    for usual in ("+7 913 123-45-67", "8 (3919) 42-00-00", "+7(391)2000000", "89131234567"):
        assert is_usual_russian_number(usual)
    for other in ("8 10 555 123-45-67", "+7 913 123-45-6", "+7 913 123-45-678", "8 (013) 42-00-00", "+7 ٩١٣ 123-45-67"):
        assert not is_usual_russian_number(other)
