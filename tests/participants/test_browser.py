"""In a real Chromium on a phone-sized screen (390×844): the curator invites a mentee by e-mail,
the letter's link sets the password, the mentee sees the program, gives feedback on the last
meeting and fills the entry questionnaire; the curator sees both and the response rate moves."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from mentorship.models import Meeting, PlanItem, Stage
from monitoring.models import Assignment, CampaignKind, Response
from tests.browser import click_and_load
from tests.mentorship.factories import (
    ConsentFactory,
    MenteeFactory,
    MentorFactory,
    make_meeting,
    make_pair,
    make_program,
)
from tests.monitoring.factories import campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILL_QUESTIONNAIRE = """
() => {
  const form = document.querySelector('[data-testid=questionnaire-form]');
  const groups = {};
  form.querySelectorAll('input[type=radio], input[type=checkbox]').forEach(i => (groups[i.name] ||= []).push(i));
  for (const name in groups) { const g = groups[name]; (g.find(i => i.value === '8') || g[0]).click(); }
  form.querySelectorAll('textarea').forEach(t => { t.value = 'Научиться выстраивать урок и работать с родителями'; });
}
"""


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_invited_mentee_takes_part_from_a_phone(world, login_page, chromium, live_server):
    school = world.home.school
    mentor = MentorFactory(organization=school, last_name="Кравченко", first_name="Елена")
    mentee = MenteeFactory(organization=school, last_name="Соловьёв", first_name="Артём", email="soloviev@example.ru")
    ConsentFactory(person=mentee)
    pair = make_pair(
        school, mentors=[mentor], mentees=[mentee], status="active", started_on=dt.date.today() - dt.timedelta(days=30)
    )
    program = make_program(pair, title="Программа адаптации молодого учителя", goals="Уверенно вести уроки")
    PlanItem.objects.create(program=program, title="Знакомство и диагностика", stage=Stage.ACQUAINTANCE, order=1)
    PlanItem.objects.create(
        program=program,
        title="Взаимопосещение уроков",
        stage=Stage.JOINT,
        order=2,
        due_on=dt.date.today() + dt.timedelta(days=10),
    )
    meeting = make_meeting(
        pair, complete=False, held_on=dt.date.today() - dt.timedelta(days=2), topic="Разбор первого открытого урока"
    )
    entry = campaign(world.home, kind=CampaignKind.ENTRY, organizations=[school])
    assignment = Assignment.objects.get(campaign=entry, organization=school)

    # the curator invites the mentee from the person's card
    page = login_page(world.home.curator.username, world.password)
    page.goto(f"/mentorship/people/{mentee.pk}/")
    mail.outbox = []
    click_and_load(page, "[data-testid=invite-email]")
    assert "Приглашение отправлено" in page.content()
    page.goto(f"/monitoring/assignments/{assignment.pk}/")
    rate_before = page.locator("[data-testid=assignment-response-rates] .card-header span").inner_text()
    assert "ответили 0 из" in rate_before
    page.context.clear_cookies()

    letter = next(m for m in mail.outbox if m.to == ["soloviev@example.ru"])
    link = re.search(r"https?://\S+/accounts/welcome/\S+", letter.body).group(0)

    phone = chromium.new_context(
        base_url=live_server.url, locale="ru-RU", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        m = phone.new_page()
        m.set_default_timeout(15000)
        m.goto(link)
        m.fill("input[name=new_password1]", "Severnoe-Siyanie-2026")
        m.fill("input[name=new_password2]", "Severnoe-Siyanie-2026")
        click_and_load(m, "[data-testid=welcome-form] button[type=submit]")
        m.wait_for_selector("[data-testid=participant-home]")
        _no_sideways_scroll(m)
        assert "Кравченко Елена" in m.locator("[data-testid=my-pairs]").inner_text()
        waiting = m.locator("[data-testid=waiting]").inner_text()
        assert "Разбор первого открытого урока" in waiting and "Анкета" in waiting

        # the program, with its stages and plan items
        m.click("[data-testid=my-pairs] a >> nth=0")
        program_text = m.locator("[data-testid=program]").text_content()
        assert "Знакомство и диагностика" in program_text and "Взаимопосещение уроков" in program_text
        assert "Встреча-знакомство" in program_text
        _no_sideways_scroll(m)

        # feedback on the last meeting
        m.goto("/me/")
        m.click("[data-testid=waiting] a:has-text('Разбор первого открытого урока')")
        m.check("input[name=rating][value='9']")
        m.fill("textarea[name=text]", "Разобрали ошибки в начале урока, стало понятнее")
        click_and_load(m, "[data-testid=feedback-form] button[type=submit]")
        m.wait_for_selector("[data-testid=participant-home]")

        # the entry questionnaire: a draft first, then the one submission
        # each click navigates: wait for the new page itself, never for an element the old page also has
        click_and_load(m, "[data-testid=waiting] a:has-text('Анкета')")
        m.wait_for_selector("[data-testid=questionnaire-form]")
        m.evaluate(FILL_QUESTIONNAIRE)
        click_and_load(m, "button[value=draft]")
        m.wait_for_selector("[data-testid=questionnaire-form]")
        assert Response.objects.get(person=mentee).draft
        m.evaluate(FILL_QUESTIONNAIRE)
        click_and_load(m, "button[value=submit]")
        m.wait_for_selector("[data-testid=participant-home]")
        assert "Сейчас ничего не ждёт" in m.locator("[data-testid=waiting]").inner_text()
        _no_sideways_scroll(m)
    finally:
        phone.close()

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.mentee_rating == 9
    response = Response.objects.get(person=mentee)
    assert response.submitted_at is not None and response.answers.exists()

    # the curator sees the feedback and the questionnaire; the rate has moved
    page = login_page(world.home.curator.username, world.password)
    page.goto(f"/mentorship/pairs/{pair.pk}/")
    meetings = page.locator("[data-testid=meetings]").inner_text()
    assert "Разобрали ошибки в начале урока" in meetings and "нет отзыва наставляемого" not in meetings
    page.goto(f"/monitoring/assignments/{assignment.pk}/")
    rate_after = page.locator("[data-testid=assignment-response-rates] .card-header span").inner_text()
    assert "ответили 1 из" in rate_after and rate_after != rate_before
