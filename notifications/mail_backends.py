"""The default e-mail backend of a machine without SMTP: each letter goes to the log (stderr),
never to stdout, so `seed_demo --json` prints nothing but its JSON and the dev server's
terminal still shows who was written to and what about."""

from __future__ import annotations

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("nastavnik.mail")


class LogEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            body = message.body if isinstance(message.body, str) else ""
            logger.info("письмо для %s: %s\n%s", ", ".join(message.to), message.subject, body.strip())
        return len(email_messages)
