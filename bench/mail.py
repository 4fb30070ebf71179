"""The e-mail backend of the sweep's measurement: every letter is built and written out to bytes
exactly as Django's SMTP backend writes it to the socket (`message().as_bytes(linesep="\\r\\n")`),
then dropped. The in-memory backend of the tests does less (no bytes) and more (a deep copy of
every letter for `mail.outbox`); this is what a worker's CPU really does per letter, short of the
network."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend


class SerializingBackend(BaseEmailBackend):
    letters = 0  # since the process started (the bench reads differences)
    bytes_out = 0

    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            data = message.message().as_bytes(linesep="\r\n")
            SerializingBackend.letters += 1
            SerializingBackend.bytes_out += len(data)
            count += 1
        return count
