"""In a real Chromium: a curator submits, the methodologist returns and accepts, builds the annual
report watching the progress bar, and downloads both files."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from monitoring.models import Assignment, AssignmentStatus
from tests.browser import click_and_load
from tests.clock import MID_YEAR
from tests.monitoring import factories as f

# on the clock of tests/clock.py: the campaign due in five days and the report for "this year" meet
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("mid_year_clock")]


def _logout(page):
    page.context.clear_cookies()


def test_submit_accept_build_download(world, login_page, live_server):
    f.pair(world.home.school)
    campaign = f.campaign(world.home)
    assignment = Assignment.objects.get(campaign=campaign, organization=world.home.school)

    page = login_page(world.home.curator.username, world.password)
    page.goto(f"/monitoring/assignments/{assignment.pk}/")
    assert page.locator("[data-testid=ind-mentors]").inner_text() == "1"
    page.check("input[name=local_acts]")
    page.fill("input[name=website_url]", "https://school1.example.ru/nastavnichestvo")
    click_and_load(page, "[data-testid=report-submit]")
    # local acts ticked but not listed: refused, the reason stands at the field, the rest is kept
    assert page.locator("[data-testid=assignment-status]").inner_text() == "Не сдан"
    assert "Перечислите принятые локальные акты" in page.locator("[data-testid=report-form]").inner_text()
    assert page.input_value("input[name=website_url]") == "https://school1.example.ru/nastavnichestvo"
    page.fill("textarea[name=local_acts_list]", "Положение о наставничестве, приказ № 11 от 01.09.2026")
    click_and_load(page, "[data-testid=report-submit]")
    assert page.locator("[data-testid=assignment-status]").inner_text() == "На проверке"
    _logout(page)

    page = login_page(world.home.methodologist.username, world.password)
    page.goto(f"/monitoring/campaigns/{campaign.pk}/")
    assert page.locator("[data-testid=reporting-rate]").inner_text() == "50 %"
    page.goto(f"/monitoring/assignments/{assignment.pk}/")
    page.fill("textarea[name=comment]", "Добавьте перечень локальных актов")
    click_and_load(page, "[data-testid=return]")
    _logout(page)

    page = login_page(world.home.curator.username, world.password)
    page.goto(f"/monitoring/assignments/{assignment.pk}/")
    assert "Добавьте перечень локальных актов" in page.locator("[data-testid=return-comment]").inner_text()
    page.fill("textarea[name=local_acts_list]", "Положение о наставничестве, приказ № 12 от 01.09.2026")
    click_and_load(page, "[data-testid=report-submit]")
    _logout(page)

    page = login_page(world.home.methodologist.username, world.password)
    page.goto(f"/monitoring/assignments/{assignment.pk}/")
    click_and_load(page, "[data-testid=accept]")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED
    assert page.locator("[data-testid=accepted]").inner_text() == "1"

    page.goto("/monitoring/dashboard/")
    page.wait_for_function("document.body.dataset.chartsReady === '1'")
    assert page.locator("canvas[data-testid=chart]").count() == 5

    page.goto("/monitoring/reports/")
    page.select_option("select[name=year]", str(MID_YEAR.year))
    page.click("[data-testid=build-start]")
    page.wait_for_selector("[data-testid=download-xlsx]", state="visible", timeout=60000)
    assert page.locator("[data-testid=progress-bar]").inner_text() == "100 %"
    with page.expect_download() as info:
        page.click("[data-testid=download-xlsx]")
    wb = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    summary = {r[0]: r[1] for r in wb["Сводка"].iter_rows(min_row=4, values_only=True)}
    assert summary["Сдано отчётов"] == 1 and summary["Действующих пар и групп"] == 1
    with page.expect_download() as info:
        page.click("[data-testid=download-docx]")
    paragraphs = [p.text for p in Document(info.value.path()).paragraphs]
    assert "АНАЛИТИЧЕСКИЙ ОТЧЁТ" in paragraphs[:12]
    # before downloading, the page shows the conclusions (with their rule numbers) and the main charts
    page.wait_for_selector("[data-testid=preview-findings]", timeout=30000)
    assert "Правило №" in page.locator("[data-testid=preview-findings]").inner_text()
    assert page.locator("[data-testid=preview-charts] canvas").count() >= 1
    assert page.locator("[data-testid=build-stages] li").count() == 5
