"""Kinds of reminders and the cadence rules shared by providers, the sweep and the UI."""

from __future__ import annotations

import datetime as dt

from django.db import models


class Kind(models.TextChoices):
    ROADMAP_DUE_SOON = "roadmap_due_soon", "Скоро срок мероприятия дорожной карты"
    ROADMAP_DUE_TODAY = "roadmap_due_today", "Сегодня срок мероприятия дорожной карты"
    ROADMAP_OVERDUE = "roadmap_overdue", "Мероприятие дорожной карты просрочено"
    ROADMAP_ESCALATION = "roadmap_escalation", "Организация долго не выполняет мероприятие (эскалация)"
    CAMPAIGN_REPORT_OVERDUE = "campaign_report_overdue", "Справка мониторинга не сдана в срок"
    MEETING_FEEDBACK_MISSING = "meeting_feedback_missing", "Нет обратной связи по встрече"
    MENTEE_WAITING = "mentee_waiting", "Наставляемый долго ждёт пару"
    PAIR_INACTIVE = "pair_inactive", "У пары давно не было встреч"
    WEEKLY_DIGEST = "weekly_digest", "Еженедельная сводка для координатора"
    REPORT_SUBMITTED = "report_submitted", "Организация сдала отчёт на проверку"
    REPORT_RETURNED = "report_returned", "Отчёт возвращён на доработку"
    REPORT_ACCEPTED = "report_accepted", "Отчёт принят"
    # to participants (mentors and mentees with their own accounts)
    FEEDBACK_TO_GIVE = "feedback_to_give", "Участнику: оставьте отзыв о встрече"
    QUESTIONNAIRE_OPEN = "questionnaire_open", "Участнику: новая анкета"
    QUESTIONNAIRE_REMINDER = "questionnaire_reminder", "Участнику: напоминание об анкете"


# Kinds sent at once when something happens (not by the daily sweep)
EVENT_KINDS = (Kind.REPORT_SUBMITTED, Kind.REPORT_RETURNED, Kind.REPORT_ACCEPTED)


# Overdue reminders: every day for the first days, then once a week (the rule).
OVERDUE_DAILY_DAYS = 3
REPEAT_EVERY_DAYS = 7
MEETING_FEEDBACK_AFTER_DAYS = 3
MEETING_FEEDBACK_GIVE_UP_DAYS = 31
MENTEE_WAITING_DAYS = 14
PAIR_SILENCE_DAYS = 30


def daily_then_weekly(days_late: int, *, daily_days: int = OVERDUE_DAILY_DAYS) -> bool:
    """Days 1..daily_days every day, then every REPEAT_EVERY_DAYS days counted from the last daily one."""
    if days_late < 1:
        return False
    if days_late <= daily_days:
        return True
    return (days_late - daily_days) % REPEAT_EVERY_DAYS == 0


def first_then_weekly(days: int, *, first: int) -> bool:
    """On day `first`, then every REPEAT_EVERY_DAYS days after it."""
    return days >= first and (days - first) % REPEAT_EVERY_DAYS == 0


# The same rules as dates, so that providers ask the database only for what is due today instead of
# reading every open record and testing it in Python (a region has tens of thousands). The horizon
# is ten years: nothing in a roadmap, a pair or the bank waits longer than that.
HORIZON_DAYS = 3660


def daily_then_weekly_dates(today: dt.date, *, daily_days: int = OVERDUE_DAILY_DAYS) -> list[dt.date]:
    """The due dates whose lateness `daily_then_weekly` accepts on `today`."""
    return [today - dt.timedelta(days=n) for n in range(1, HORIZON_DAYS) if daily_then_weekly(n, daily_days=daily_days)]


def first_then_weekly_dates(today: dt.date, *, first: int, last: int = HORIZON_DAYS) -> list[dt.date]:
    """The start dates whose age `first_then_weekly` accepts on `today` (ages up to `last` days)."""
    return [today - dt.timedelta(days=n) for n in range(first, last + 1, REPEAT_EVERY_DAYS)]
