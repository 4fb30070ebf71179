"""A coordinator walks upload → preview → confirm → school copies → matrix in a real Chromium."""

import pytest

from roadmaps.models import Roadmap

pytestmark = pytest.mark.browser


def test_upload_preview_confirm_matrix(transactional_db, world, login_page, samples_dir):
    page = login_page(world.home.coordinator.username)
    page.goto("/roadmaps/import/")
    page.set_input_files("input[name=file]", str(samples_dir / "000_567cfd1ce6be8eda.docx"))
    page.click("[data-testid=upload-form] button[type=submit]")
    counts = page.locator("[data-testid=preview-counts]")
    assert "Разделов: 6" in counts.inner_text() and "мероприятий: 26" in counts.inner_text()
    assert "Реквизиты приказа не распознаны" in page.locator("[data-testid=preview-warnings]").inner_text()
    assert Roadmap.objects.count() == 0

    page.click("[data-testid=confirm-import]")
    page.wait_for_url("**/roadmaps/*/")
    assert page.locator("[data-testid=activity-count]").inner_text() == "26"
    roadmap = Roadmap.objects.get()

    page.click("text=Создать для ОО")
    page.check(f"input[name=organizations][value='{world.home.school.pk}']")
    page.check(f"input[name=organizations][value='{world.home.other_school.pk}']")
    assert "уже закончился" in page.locator("[data-testid=derive-period-over]").inner_text()
    page.check("input[name=confirm_period_over]")
    page.click("button:has-text('Создать')")
    page.wait_for_url(f"**/roadmaps/{roadmap.pk}/")

    page.click("text=Матрица исполнения")
    page.wait_for_url(f"**/roadmaps/{roadmap.pk}/matrix/")
    rows = page.locator("[data-testid=matrix-row]")
    assert rows.count() == 2
    assert (
        world.home.school.short_name in rows.first.inner_text()
        or world.home.school.short_name in rows.nth(1).inner_text()
    )
    assert "отчётность" in page.locator("[data-testid=total-rates]").inner_text()


def _upload_and_correct_period(page, path, start: str, end: str) -> None:
    before = Roadmap.objects.count()
    page.goto("/roadmaps/import/")
    page.set_input_files("input[name=file]", str(path))
    # a .doc goes through LibreOffice first: seconds, more on a busy machine
    page.click("[data-testid=upload-form] button[type=submit]", timeout=120_000)
    page.wait_for_selector("[data-testid=preview-table]", timeout=120_000)
    page.fill("input[name=period_start]", start)
    page.fill("input[name=period_end]", end)
    page.click("[data-testid=apply-corrections]", timeout=120_000)
    page.wait_for_selector("[data-testid=preview-table]", timeout=120_000)
    assert f"{start}–{end}" in page.locator("[data-testid=preview-period]").inner_text()
    assert Roadmap.objects.count() == before  # nothing written before the confirm


def _due(roadmap, number: str) -> list:
    activity = roadmap.activities.get(number=number)
    return [d.date for d in activity.due_dates.all()]


def test_upload_doc_and_pdf_correct_the_period_and_confirm(transactional_db, world, login_page, samples_dir):
    """A coordinator uploads an order as .doc and another as PDF, sets the period the reading got
    wrong in the preview, confirms, and the roadmaps' due dates follow the corrected period."""
    import datetime as dt

    formats = samples_dir.parent / "formats"
    page = login_page(world.home.coordinator.username)

    # .doc: the title says «на период 2022– 2024 гг.»; the order meant the academic years
    _upload_and_correct_period(page, formats / "000_567cfd1ce6be8eda.doc", "01.09.2022", "31.08.2024")
    assert "Word 97–2003 (.doc)" in page.locator("[data-testid=preview-kind]").inner_text()
    row = page.locator("[data-testid=preview-activity]", has_text="Информирование образовательных учреждений")
    assert "31.08.2023, 31.08.2024" in row.locator("[data-testid=schedule]").inner_text()
    page.click("[data-testid=confirm-import]", timeout=120_000)
    page.wait_for_url("**/roadmaps/*/", timeout=120_000)
    doc_roadmap = Roadmap.objects.get()
    assert (doc_roadmap.period_start, doc_roadmap.period_end) == (dt.date(2022, 9, 1), dt.date(2024, 8, 31))
    assert doc_roadmap.source_file.name.endswith(".doc")
    assert _due(doc_roadmap, "1.1") == [dt.date(2022, 12, 31)]
    assert _due(doc_roadmap, "2.1") == [dt.date(2023, 8, 31), dt.date(2024, 8, 31)]

    # PDF: no period in the heading, the reading took the year of the cells; the roadmap is for 2020/2021
    _upload_and_correct_period(page, formats / "003_9600eaf07fc5e7ca.pdf", "01.09.2020", "31.08.2021")
    assert "PDF" in page.locator("[data-testid=preview-kind]").inner_text()
    page.click("[data-testid=confirm-import]", timeout=120_000)
    page.wait_for_url("**/roadmaps/*/", timeout=120_000)
    pdf_roadmap = Roadmap.objects.exclude(pk=doc_roadmap.pk).get()
    assert (pdf_roadmap.period_start, pdf_roadmap.period_end) == (dt.date(2020, 9, 1), dt.date(2021, 8, 31))
    assert _due(pdf_roadmap, "1.1.") == [dt.date(2021, 2, 15)]
    assert _due(pdf_roadmap, "1.4") == [dt.date(2021, 8, 31)]
    assert _due(pdf_roadmap, "2.1") == [
        dt.date(2020, 9, 30),
        dt.date(2020, 12, 31),
        dt.date(2021, 3, 31),
        dt.date(2021, 6, 30),
    ]
