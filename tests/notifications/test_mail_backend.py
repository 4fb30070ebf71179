"""Letters on a machine without SMTP go to the log (stderr), never to standard output."""

import io
import logging

from django.core import mail
from django.core.management import call_command


def test_letters_go_to_the_log_not_stdout(settings, capsys, caplog):
    settings.EMAIL_BACKEND = "notifications.mail_backends.LogEmailBackend"
    with caplog.at_level(logging.INFO, logger="nastavnik.mail"):
        sent = mail.send_mail("Отчёт принят", "Справка принята.", "robot@example.ru", ["kurator@example.ru"])
    assert sent == 1
    assert capsys.readouterr().out == ""
    assert "kurator@example.ru" in caplog.text and "Отчёт принят" in caplog.text


def test_seed_demo_logins_prints_only_the_logins(world):
    out = io.StringIO()
    call_command("seed_demo", "--logins", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("Демо-входы") and all(" / " in line for line in lines[1:])
