"""`num` writes what Django's own locale formatting writes for Russian, without its per-value look-ups."""

from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation

from accounts.templatetags.numbers import num

VALUES = [0, 7, -7, 999, 1000, 1234, -4321, 1234567, 10**12, 3.5, 72.5, -0.5, 1234.5, Decimal("12.30")]


@pytest.mark.parametrize("value", VALUES)
def test_num_is_intcomma_under_russian(value):
    with translation.override("ru"):
        assert num(value) == intcomma(value)


def test_empty_values_are_a_dash_and_plain_values_are_as_django_writes_them():
    assert num(None) == "—" and num("") == "—" and num(None, "нет") == "нет"
    with translation.override("ru"):
        rendered = Template("{% load numbers %}{{ a|num }} {{ b|num }} {{ c|num }}").render(
            Context({"a": 95, "b": 61.4, "c": "текст"})
        )
        plain = Template("{{ a }} {{ b }} {{ c }}").render(Context({"a": 95, "b": 61.4, "c": "текст"}))
    assert rendered == plain == "95 61,4 текст"
