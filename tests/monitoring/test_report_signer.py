"""Who signs the annual report and who prepared it come from the data (reports/signer.py), in the
official form «Должность … ____________ / И. О. Фамилия»; a blank line only where the data has
nothing — never «И. О. Фамилия» or «ФИО, должность, телефон» typed as placeholders. The regional
report's names take the region's case fields (filled from the morphology rules, edited in the admin)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from accounts.models import Region, Role, local_today
from monitoring import services
from monitoring.models import ReportSettings
from monitoring.reports.annual import build_report
from monitoring.reports.signer import BLANK
from tests.factories import user_with_role
from tests.monitoring import factories as f

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"
PLACEHOLDERS = ("И. О. Фамилия", "И.\u00a0О.\u00a0Фамилия", "ФИО, должность, телефон")


def _texts(files) -> tuple[str, list[str], str]:
    doc = Document(io.BytesIO(files.docx))
    body = "\n".join(p.text for p in doc.paragraphs)
    signature = doc.tables[-2]  # the last table is the appendix's rules
    cells = [c.text for c in signature.rows[0].cells]
    wb = load_workbook(io.BytesIO(files.xlsx))
    summary = "\n".join(str(c.value) for row in wb["Сводка"].iter_rows() for c in row if c.value is not None)
    return body, cells, summary


def _regional(region, **kwargs):
    return user_with_role(
        Role.REGIONAL,
        region=region,
        last_name="Кузнецова",
        first_name="Елена",
        middle_name="Андреевна",
        **kwargs,
    )


def test_regional_report_is_signed_by_the_regional_user_with_the_region_authority(world):
    region = world.home.municipality.region
    region.authority_name = "Министерство образования Красноярского края"
    region.save()
    f.pair(world.home.school)
    user = _regional(region, position="Начальник регионального наставнического центра", phone="+7 391 221-45-67")
    year = local_today(world.home.municipality).year
    # ordered and built as on the region page: the build's author signs
    build = services.build_request(user=user, region=region, year=year)
    services.build_run(build_id=build.pk)
    build.refresh_from_db()
    files = type("Files", (), {"docx": build.docx.read(), "xlsx": build.xlsx.read()})
    body, cells, summary = _texts(files)
    assert cells[0].splitlines() == [
        "Начальник регионального наставнического центра",
        "Министерство образования Красноярского края",
    ]
    assert cells[1] == f"{BLANK} / Е.{NBSP}А.{NBSP}Кузнецова"
    executor = (
        "Исполнитель: Кузнецова Елена Андреевна, начальник регионального наставнического центра, тел. +7 391 221-45-67"
    )
    assert executor in body
    assert f"{BLANK} / Е.{NBSP}А.{NBSP}Кузнецова" in summary and executor in summary
    assert "МИНИСТЕРСТВО ОБРАЗОВАНИЯ КРАСНОЯРСКОГО КРАЯ" in body  # the title block's authority
    for placeholder in PLACEHOLDERS:
        assert placeholder not in body + summary + "".join(cells)


def test_regional_user_without_a_position_signs_as_their_role_and_nobody_leaves_blank_lines(world):
    region = world.home.municipality.region
    user = _regional(region)
    year = local_today(world.home.municipality).year
    body, cells, _summary = _texts(build_report(region=region, year=year, author=user))
    assert cells[0].startswith(Role.REGIONAL.label)
    assert cells[1] == f"{BLANK} / Е.{NBSP}А.{NBSP}Кузнецова"

    body, cells, summary = _texts(build_report(region=region, year=year))  # the management command: no author
    assert cells[1] == f"{BLANK} / {BLANK}"
    assert f"Исполнитель: {BLANK * 3}" in body and f"Исполнитель: {BLANK * 3}" in summary
    for placeholder in PLACEHOLDERS:
        assert placeholder not in body + summary + "".join(cells)


def test_regional_report_names_take_the_region_case_fields(world):
    region = Region.objects.create(name="Красноярский край-тест")
    assert region.name_genitive and region.name_prepositional  # filled from the morphology rules
    region = Region.objects.create(name="Республика Саха (Якутия)")
    region.name_genitive, region.name_prepositional = "Республики Саха (Якутия)", "Республике Саха (Якутия)"
    region.save()
    region.refresh_from_db()
    assert region.name_genitive == "Республики Саха (Якутия)"  # a corrected value is kept on save
    home = world.home.municipality.region
    home.name_genitive = "Энского края"
    home.name_prepositional = "Энском крае"
    home.save()
    files = build_report(region=home, year=local_today(world.home.municipality).year)
    body, cells, summary = _texts(files)
    assert "в образовательных организациях Энского края за" in body
    assert "целевой модели наставничества Энского края за" in summary
    assert files.preview["title"].startswith("Аналитический отчёт Энского края за")
    assert "Энского края в сфере образования" in cells[0]


def test_municipal_report_takes_the_settings_then_the_author_then_a_blank_line(world):
    municipality = world.home.municipality
    year = local_today(municipality).year
    author = world.home.methodologist
    author.last_name, author.first_name, author.middle_name = "Соколова", "Ирина", "Павловна"
    author.position, author.phone = "Методист", "+7 3919 42-15-30"
    author.save()

    body, cells, _ = _texts(build_report(municipality=municipality, year=year))
    assert cells[1] == f"{BLANK} / {BLANK}" and f"Исполнитель: {BLANK * 3}" in body

    ReportSettings.objects.create(
        municipality=municipality, signatory_position="Начальник Управления образования", signatory_name="Е. В. Ткачёва"
    )
    body, cells, summary = _texts(build_report(municipality=municipality, year=year, author=author))
    assert cells[0] == "Начальник Управления образования"
    assert cells[1] == f"{BLANK} / Е.{NBSP}В.{NBSP}Ткачёва"
    assert "Исполнитель: Соколова Ирина Павловна, методист, тел. +7 3919 42-15-30" in body
    for placeholder in PLACEHOLDERS:
        assert placeholder not in body + summary + "".join(cells)
