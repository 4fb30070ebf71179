"""Delivery channels: the in-app notification center and e-mail through Django's backend."""

from __future__ import annotations

import smtplib
import time
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from accounts.plurals import count_noun
from notifications.models import Notification, ReminderLog


def in_app_create(log: ReminderLog) -> None:
    """The notification of a reminder, once: the one-to-one link makes a second insert a no-op.

    One INSERT … ON CONFLICT DO NOTHING instead of get_or_create's look-up and savepoint: the
    sweep writes thousands of these a day.
    """
    Notification.objects.bulk_create(
        [
            Notification(
                reminder_id=log.pk,
                recipient_id=log.recipient_id,
                kind=log.kind,
                title=log.title,
                message=log.message,
                path=log.path,
            )
        ],
        ignore_conflicts=True,
    )


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else f"{settings.SITE_URL}/notifications/"


class _Letter(EmailMultiAlternatives):
    """A reminder letter whose MIME boundary is chosen here, random (uuid4): Python's generator
    would otherwise compile a regular expression for every letter to check its own random one
    against the text, a tenth of the cost of a letter."""

    def message(self):
        msg = super().message()
        for part in msg.walk():
            if part.is_multipart() and part.get_boundary() is None:
                part.set_boundary(f"=={uuid.uuid4().hex}==")
        return msg


def email_build(logs: Sequence[ReminderLog]) -> EmailMultiAlternatives:
    """The letter of one recipient's reminders (the day's, see services.letters_of): one reminder
    is told as it is; several are listed, each with its own link."""
    first = logs[0]
    day = max(log.date for log in logs)
    context = {
        "log": first,
        "items": [{"log": log, "url": absolute_url(log.path)} for log in logs],
        "recipient": first.recipient,
        "url": absolute_url(first.path),
        "day": f"{day:%d.%m.%Y}",
        "preferences_url": absolute_url("/notifications/preferences/"),
    }
    if len(logs) == 1:
        subject = f"«Наставник»: {first.title}"
    else:
        subject = f"«Наставник»: {count_noun(len(logs), 'напоминание')} на {day:%d.%m.%Y}"
    message = _Letter(
        subject=" ".join(subject.split())[:250],
        body=render_to_string("notifications/email/reminder.txt", context),
        to=[first.recipient.email],
        headers={"X-Nastavnik-Reminder": " ".join(log.key for log in logs)},
    )
    message.attach_alternative(render_to_string("notifications/email/reminder.html", context), "text/html")
    return message


def email_send(logs: Sequence[ReminderLog], connection) -> None:
    delay = getattr(settings, "NOTIFICATIONS_TEST_SEND_DELAY", 0)
    if delay:
        # Only for the worker-kill test: a slow SMTP server, so the kill lands mid-sweep.
        time.sleep(delay)
    connection.send_messages([email_build(logs)])


def is_transient(exc: BaseException) -> bool:
    """Errors worth retrying later: the server or the network, not the message or the address."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, TimeoutError | ConnectionError)
