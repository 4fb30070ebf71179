"""The benchmark's sweep: every letter written out to bytes as SMTP would (bench.mail), the same day
measured several times on the same work, nothing left behind."""

import pytest
from django.core.mail import EmailMessage
from django.test.utils import override_settings

from bench import sweep
from bench.mail import SerializingBackend
from notifications.models import Notification, ReminderLog
from tests.notifications.factories import municipality_with_due_schools


def test_the_serializing_backend_writes_each_letter_as_smtp_would():
    letter = EmailMessage(subject="«Наставник»: проверка", body="Текст письма", to=["a@example.ru"])
    letters, written = SerializingBackend.letters, SerializingBackend.bytes_out
    with override_settings(EMAIL_BACKEND="bench.mail.SerializingBackend"):
        assert letter.send() == 1
    assert SerializingBackend.letters == letters + 1
    # the letter as the SMTP backend puts it on the wire, give or take its own Date and Message-ID
    assert SerializingBackend.bytes_out - written > len(letter.message().as_bytes(linesep="\r\n")) - 40


def test_the_sweep_is_measured_on_the_same_work_each_time_and_rolled_back(db):
    municipality_with_due_schools(3, curators=1, kinds=2)  # 3 curators, 2 reminders each: 3 letters
    lines: list[str] = []
    result = sweep.measure(repeat=2, log=lines.append)
    assert len(result["cpu_seconds_runs"]) == 2
    assert result["same_work"] is True
    assert (result["sent"], result["emails"]) == (6, 3)
    assert result["second_sent"] == 0
    assert result["cpu_seconds"] == pytest.approx(sum(result["cpu_seconds_runs"]) / 2, abs=0.011)  # the median
    assert sum("первый проход" in line for line in lines) == 2
    assert not ReminderLog.objects.exists() and not Notification.objects.exists()
