"""In a real Chromium: the curator withdraws a consent from the person's edit form (axe-core clean
on that form), and the admin's delete confirmation names the object in the accusative."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from mentorship.models import Person
from tests.browser import click_and_load
from tests.factories import OrganizationFactory
from tests.mentorship.factories import ConsentFactory, MentorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


def test_curator_withdraws_a_consent_on_the_person_s_edit_form(world, login_page):
    mentor = MentorFactory(organization=world.home.school, last_name="Отзывова", email="otzyv@example.ru")
    ConsentFactory(person=mentor, given_on=dt.date.today() - dt.timedelta(days=60))
    page = login_page(world.home.curator.username, world.password)
    page.goto(reverse("mentorship:person_detail", args=[mentor.pk]))
    click_and_load(page, page.get_by_role("link", name="Изменить"))
    assert page.locator("legend", has_text="Согласие на обработку персональных данных").is_visible()
    assert page.input_value("#id_consent_given_on") == f"{dt.date.today() - dt.timedelta(days=60):%d.%m.%Y}"
    page.add_script_tag(path=str(AXE))
    assert page.evaluate(AXE_RUN) == []
    page.fill("#id_consent_withdrawn_on", f"{dt.date.today():%d.%m.%Y}")
    click_and_load(page, page.get_by_role("button", name="Сохранить"))
    assert "персональные данные обезличены" in page.content()
    person = Person.objects.get(pk=mentor.pk)
    assert person.is_anonymized and person.consents.get().withdrawn_on == dt.date.today()


def test_admin_delete_confirmation_reads_as_russian(world, login_page):
    spare = OrganizationFactory(municipality=world.home.municipality, short_name="СШ № 99")
    page = login_page(world.admin.username, world.password)
    page.goto(reverse("admin:accounts_organization_change", args=[spare.pk]))
    click_and_load(page, page.locator("a.deletelink"))
    sentence = page.locator("[data-testid=delete-sentence]").inner_text()
    assert sentence.startswith("Вы уверены, что хотите удалить организацию «СШ № 99»?"), sentence
    click_and_load(page, page.locator("input[type=submit]"))
    assert "Удалено" in page.content()
    assert not type(spare).objects.filter(pk=spare.pk).exists()
