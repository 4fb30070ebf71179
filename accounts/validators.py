"""Identifiers checked where they are typed: ИНН (its check digits, python-stdnum) and phone
numbers (Google's libphonenumber rules through `phonenumbers`), with Russian messages."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.ru import inn as stdnum_inn


def validate_inn(value: str) -> None:
    """ИНН of an organization (10 digits) or of a person (12 digits), check digits included."""
    if not value:
        return
    try:
        stdnum_inn.validate(value)
    except InvalidLength:
        raise ValidationError(
            "ИНН состоит из 10 цифр (организация) или 12 цифр (физическое лицо).", code="inn_length"
        ) from None
    except InvalidFormat:
        raise ValidationError("В ИНН должны быть только цифры.", code="inn_format") from None
    except InvalidChecksum:
        raise ValidationError(
            "ИНН с ошибкой: контрольная цифра не сходится. Проверьте номер по документам.", code="inn_checksum"
        ) from None


# the way nearly every Russian number is written (+7 913 123-45-67, 8 (3919) 42-00-00): 11 digits,
# a code that starts with 3–9 («8 10…» dials abroad). Such a number is always possible for
# libphonenumber (tests/accounts/test_validators.py compares them), and matching it is ~30× cheaper
# than parsing, which an import of 10,000 people does once per number.
_USUAL_RU = re.compile(r"(?:\+7|8) ?(?:\([3-9][0-9]{2,4}\)|[3-9][0-9]{2,4})[ -]?[0-9]{1,3}[ -]?[0-9]{2}[ -]?[0-9]{2}")


def is_usual_russian_number(value: str) -> bool:
    return _USUAL_RU.fullmatch(value) is not None and sum(c.isdigit() for c in value) == 11


def validate_phone(value: str) -> None:
    """A phone number a person can dial: +7 913 123-45-67, 8 (3919) 42-00-00; an extension is allowed."""
    if not value or is_usual_russian_number(value):
        return
    try:
        number = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            "Телефон указан неверно: нужен номер с кодом города или оператора, например +7 913 123-45-67.",
            code="phone",
        )
