"""Delivery channels: the in-app notification center and e-mail through Django's backend."""

from __future__ import annotations

import smtplib
import time

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

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


def email_build(log: ReminderLog) -> EmailMultiAlternatives:
    context = {
        "log": log,
        "recipient": log.recipient,
        "url": absolute_url(log.path),
        "preferences_url": absolute_url("/notifications/preferences/"),
    }
    subject = " ".join(f"«Наставник»: {log.title}".split())[:250]
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/reminder.txt", context),
        to=[log.recipient.email],
        headers={"X-Nastavnik-Reminder": log.key},
    )
    message.attach_alternative(render_to_string("notifications/email/reminder.html", context), "text/html")
    return message


def email_send(log: ReminderLog, connection) -> None:
    delay = getattr(settings, "NOTIFICATIONS_TEST_SEND_DELAY", 0)
    if delay:
        # Only for the worker-kill test: a slow SMTP server, so the kill lands mid-sweep.
        time.sleep(delay)
    connection.send_messages([email_build(log)])


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
