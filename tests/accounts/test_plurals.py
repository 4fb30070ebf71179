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


# After «из»: the number after it governs the genitive -------------------------------------------
@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 организации"),
        (2, "2 организаций"),
        (3, "3 организаций"),
        (5, "5 организаций"),
        (11, "11 организаций"),
        (12, "12 организаций"),
        (21, "21 организации"),
        (22, "22 организаций"),
        (31, "31 организации"),
        (101, "101 организации"),
        (111, "111 организаций"),
        (10021, "10\u202f021 организации"),
    ],
)
def test_after_iz(n, expected):
    from accounts.plurals import of_count

    with translation.override("ru"):
        assert of_count(n, "организация") == expected


def test_every_genitive_is_in_the_catalog_and_agrees_with_the_rule():
    """The catalog's entries (context «после «из»») and the fallback rule give the same form for
    every noun and number; without the catalog the rule answers alone."""
    from accounts.plurals import GENITIVE, NOUNS, OF_CONTEXT, noun_of

    for singular, (one, many) in GENITIVE.items():
        msgid, msgid_plural = NOUNS[singular][:2]
        for n in range(0, 250):
            expected = one if n % 10 == 1 and n % 100 != 11 else many
            with translation.override("ru"):
                assert translation.npgettext(OF_CONTEXT, msgid, msgid_plural, n) == expected, (singular, n)
                assert noun_of(n, singular) == expected
            with translation.override(None):
                assert noun_of(n, singular) == expected, (singular, n)


def test_of_count_filter_on_the_pages(world, client_for, db):
    from django.template import Context, Template
    from django.urls import reverse

    from mentorship.models import ImportJob, ImportKind, ImportStatus
    from tests.mentorship.factories import MentorFactory

    render = Template('из {{ n|of_count:"строка" }}').render
    assert render(Context({"n": 21})) == "из 21 строки" and render(Context({"n": 3})) == "из 3 строк"
    assert Template('{{ n|of_count:"нет такого" }}').render(Context({"n": 3})) == "3"  # never an error

    mentor = MentorFactory(organization=world.home.school, capacity=1)
    page = client_for(world.home.curator).get(reverse("mentorship:person_detail", args=[mentor.pk])).content.decode()
    assert "0 из 1 наставляемого" in page
    mentor.capacity = 3
    mentor.save()
    page = client_for(world.home.curator).get(reverse("mentorship:person_detail", args=[mentor.pk])).content.decode()
    assert "0 из 3 наставляемых" in page

    job = ImportJob.objects.create(
        user=world.home.curator, kind=ImportKind.MENTORS, status=ImportStatus.RUNNING, total_rows=21, processed_rows=20
    )
    page = client_for(world.home.curator).get(reverse("mentorship:import_detail", args=[job.pk])).content.decode()
    assert "обработано 20 из 21 строки" in page


# Forms given in place (phrases no catalog entry holds): one rule for the site and the report --------
@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "пар"), (1, "пара"), (3, "пары"), (5, "пар"), (11, "пар"), (12, "пар"), (21, "пара"), (104, "пары")],
)
def test_plural_in_place(n, expected):
    from accounts.plurals import plural

    assert plural(n, "пара", "пары", "пар") == expected


def test_count_forms_and_the_report_numbers():
    from accounts.plurals import count_forms
    from monitoring.reports import fmt

    assert count_forms(3, "пара или группа", "пары и группы", "пар и групп") == "3 пары и группы"
    assert count_forms(12345, "встреча", "встречи", "встреч") == "12\u202f345 встреч"
    # the report groups thousands from 1 000 (its own numbers), the plural rule is the same
    assert fmt.count(1234, "наставник", "наставника", "наставников") == "1\u202f234 наставника"
    assert fmt.count(21, "кампания", "кампании", "кампаний") == "21 кампания"
    assert fmt.points(4.5) == "4,5 балла" and fmt.points(1) == "1 балл" and fmt.points(5) == "5 баллов"
    assert not hasattr(fmt, "plural")
