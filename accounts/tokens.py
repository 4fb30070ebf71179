"""One-time links that set a password: Django's password-reset token, with its own salt and a
longer life for invitations (a printed sheet may wait on a desk for a couple of weeks).

The token hashes the user's password and last login, so it stops working the moment the password
is set (and the user is signed in): one use, with no table of tokens to keep.
"""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

INVITATION_DAYS = 30


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "nastavnik.accounts.tokens.InvitationTokenGenerator"
    timeout_seconds = INVITATION_DAYS * 24 * 3600

    def check_token(self, user, token):
        """The base check with this generator's own lifetime instead of PASSWORD_RESET_TIMEOUT."""
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return (self._num_seconds(self._now()) - ts) <= self.timeout_seconds


invitation_tokens = InvitationTokenGenerator()


def invitation_uid_and_token(user) -> tuple[str, str]:
    return urlsafe_base64_encode(force_bytes(user.pk)), invitation_tokens.make_token(user)
