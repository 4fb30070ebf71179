"""Conclusions and recommendations are read back from the Word file and checked against figures
counted here straight from the models: a rule that fires is shown with its number and names the
organizations and figures; a rule that should not fire is absent; thresholds are the municipality's."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from mentorship.models import OPEN_PAIR_STATUSES, MenteeCategory, Pair, PairParticipant, Person
from monitoring.models import ReportSettings
from monitoring.reports.annual import build_report
from monitoring.reports.rules import RULES, validate_thresholds
from tests.monitoring import factories as f

YEAR = dt.date.today().year


@pytest.fixture
def data(world):
    home = world.home
    f.pair(home.school, young=True)
    f.pair(home.school, young=True)
    f.person(home.school, mentee=True, young=True)  # a young specialist left without a mentor
    f.person(home.other_school, mentor=True)  # a mentor, but no pair in this school
    f.pair(world.foreign.school, young=False)  # the other municipality never shows up
    return world


def _items(docx: bytes, heading: str) -> dict[int, str]:
    """Numbered items of the section `heading`, keyed by the rule number printed with each."""
    doc = Document(io.BytesIO(docx))
    items, inside = {}, False
    for p in doc.paragraphs:
        if p.style.name.startswith("Heading"):
            inside = p.text.endswith(heading)
            continue
        # the document keeps «№ 3» and initials together by no-break spaces: read them as spaces
        match = re.fullmatch(r"\d+\) (.+) \(правило № (\d+)\)", p.text.replace("\u00a0", " ")) if inside else None
        if match:
            assert int(match[2]) not in items, "a rule is shown once"
            items[int(match[2])] = match[1]
    return items


def _db_figures(municipality):
    people = Person.objects.filter(organization__municipality=municipality, is_active=True)
    young = people.filter(is_mentee=True, mentee_category=MenteeCategory.YOUNG)
    in_open_pair = PairParticipant.objects.filter(role="mentee", pair__status__in=OPEN_PAIR_STATUSES).values(
        "person_id"
    )
    return {
        "young_total": young.count(),
        "young_covered": young.filter(pk__in=in_open_pair).count(),
        "unmatched": people.filter(is_mentee=True).exclude(pk__in=in_open_pair).count(),
        "without_pairs": sorted(
            o.short_name
            for o in municipality.organizations.filter(is_active=True)
            if not Pair.objects.filter(organization=o, status="active").exists()
        ),
    }


def test_conclusions_follow_the_database(data):
    home = data.home
    files = build_report(municipality=home.municipality, year=YEAR)
    conclusions = _items(files.docx, "Выводы")
    recommendations = _items(files.docx, "Рекомендации")
    db = _db_figures(home.municipality)
    assert (db["young_total"], db["young_covered"], db["unmatched"]) == (3, 2, 1)
    assert db["without_pairs"] == [home.other_school.short_name]

    # fired: each with its number, the figures from the database and the organizations behind them
    assert set(conclusions) == set(recommendations) == {1, 2, 3, 15}
    assert "66,7\u202f%" in conclusions[1] and f"({db['young_covered']} из {db['young_total']})" in conclusions[1]
    assert home.school.short_name in conclusions[1] and home.other_school.short_name not in conclusions[1]
    assert home.school.short_name in recommendations[1]
    assert home.other_school.short_name in conclusions[2] and home.school.short_name not in conclusions[2]
    assert f"{home.school.short_name} — 1 из 3" in conclusions[3]
    assert "у 0 из 2 организаций" in conclusions[15]
    # the other municipality's organizations are never named
    for text in [*conclusions.values(), *recommendations.values()]:
        assert data.foreign.school.short_name not in text
    # not fired: mentor load 1,5 ≤ 3; every pair has a program; no campaigns, questionnaires or criteria
    assert not {4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14} & set(conclusions)
    preview = files.preview["findings"]
    assert [x["rule"] for x in preview] == sorted(conclusions)


def test_municipality_tunes_the_thresholds(data):
    home = data.home
    ReportSettings.objects.create(
        municipality=home.municipality,
        thresholds={"1.target": 60, "15.min_share": 0, "4.max_load": 1},
        signatory_position="Начальник Управления общего и дошкольного образования",
        signatory_name="А. Б. Иванова",
    )
    files = build_report(municipality=home.municipality, year=YEAR)
    conclusions = _items(files.docx, "Выводы")
    # 66,7 % ≥ 60 %: no longer a finding; 1,5 mentees per mentor > 1: now one
    assert 1 not in conclusions and 15 not in conclusions
    assert 4 in conclusions and f"{home.school.short_name} — 1,5 (3 на 2)" in conclusions[4]
    doc = Document(io.BytesIO(files.docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "А.\u00a0Б.\u00a0Иванова" in cells and "Начальник Управления" in cells  # initials never wrap
    # the appendix lists every rule with the thresholds in force
    assert "Правила формирования выводов" in text
    assert "ниже 60 %" in cells.replace("\u202f", " ") or "ниже 60 %" in cells
    assert all(f"\n{r.number}\n" in f"\n{cells}\n" for r in RULES)


def test_thresholds_are_checked_in_russian(world):
    assert validate_thresholds({"1.target": 90}) == []
    errors = validate_thresholds({"99.x": 1, "1.target": "много", "9.min_share": 150})
    assert any("«99.x» — нет такого порога" in e for e in errors)
    assert any("нужно число" in e for e in errors)
    assert any("от 0 до 100" in e for e in errors)
    settings = ReportSettings(municipality=world.home.municipality, thresholds={"1.target": 500})
    with pytest.raises(ValidationError) as exc:
        settings.full_clean()
    assert "thresholds" in exc.value.message_dict
