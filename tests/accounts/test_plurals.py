"""Numbers agree with nouns through gettext's plural forms (the Russian catalog)."""

import pytest
from django.utils import translation

from accounts.plurals import NOUNS, count_noun


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 год"), (2, "2 года"), (5, "5 лет"), (11, "11 лет"), (21, "21 год"), (22, "22 года"), (111, "111 лет")],
)
def test_years(n, expected):
    with translation.override("ru"):
        assert count_noun(n, "год") == expected


def test_every_noun_is_in_the_catalog():
    with translation.override("ru"):
        for singular, (one, few, many) in NOUNS.items():
            assert translation.ngettext(one, few, 1) == one
            assert translation.ngettext(one, few, 3) == few
            assert translation.ngettext(one, few, 5) == many, singular


def test_template_filter_and_person_card(world, client_for, db):
    from django.template import Context, Template
    from django.urls import reverse

    from tests.mentorship.factories import MentorFactory

    assert Template('{{ n|count_noun:"год" }}').render(Context({"n": 22})) == "22 года"
    mentor = MentorFactory(organization=world.home.school, experience_years=22)
    page = client_for(world.home.curator).get(reverse("mentorship:person_detail", args=[mentor.pk])).content.decode()
    assert "22 года" in page and "22 лет" not in page
