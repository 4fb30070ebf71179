"""Kinds of reminders (their labels, for the log and the preferences). Which app reminds of what is
registered by that app (accounts.reminders); `notifications.checks` holds the two lists together."""

from __future__ import annotations

from django.db import models

from accounts.reminders import (
    HORIZON_DAYS,
    OVERDUE_DAILY_DAYS,
    REPEAT_EVERY_DAYS,
    daily_then_weekly,
    daily_then_weekly_dates,
    first_then_weekly,
    first_then_weekly_dates,
)


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
    ROADMAP_BEHIND = "roadmap_behind", "Координатор напоминает о просроченных мероприятиях"
    # to participants (mentors and mentees with their own accounts)
    FEEDBACK_TO_GIVE = "feedback_to_give", "Участнику: оставьте отзыв о встрече"
    QUESTIONNAIRE_OPEN = "questionnaire_open", "Участнику: новая анкета"
    QUESTIONNAIRE_REMINDER = "questionnaire_reminder", "Участнику: напоминание об анкете"


# Kinds sent at once when something happens (not by the daily sweep)
EVENT_KINDS = (Kind.REPORT_SUBMITTED, Kind.REPORT_RETURNED, Kind.REPORT_ACCEPTED, Kind.ROADMAP_BEHIND)


# The cadence rules live with the reminder registry (accounts.reminders) so that the apps which
# register kinds use them too; re-exported here for the sweep, the UI and the tests.
__all__ = [
    "EVENT_KINDS",
    "HORIZON_DAYS",
    "OVERDUE_DAILY_DAYS",
    "REPEAT_EVERY_DAYS",
    "Kind",
    "daily_then_weekly",
    "daily_then_weekly_dates",
    "first_then_weekly",
    "first_then_weekly_dates",
]
