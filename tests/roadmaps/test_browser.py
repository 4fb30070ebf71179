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
