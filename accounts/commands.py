"""Management commands that fail with one Russian line and a non-zero exit code, never a traceback."""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, handle_default_options
from django.db import connections

logger = logging.getLogger(__name__)


class SafeCommand(BaseCommand):
    """`handle` raises CommandError with a Russian message for every expected failure; anything
    unexpected is logged and reported as one line too."""

    def run_from_argv(self, argv):
        # Django's own prints «CommandError: …»; the operator reads one Russian line
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        handle_default_options(options)
        try:
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options.traceback:
                raise
            self._fail(str(exc), exc.returncode)
        except KeyboardInterrupt:
            self._fail("Прервано.", 130)
        finally:
            try:
                connections.close_all()
            except ImproperlyConfigured:
                pass

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError:
            raise
        except Exception as exc:
            if options.get("traceback"):
                raise
            logger.exception("command failed")
            raise CommandError(
                f"Команда не выполнена: внутренняя ошибка ({type(exc).__name__}); подробности в журнале."
            ) from None

    def _fail(self, message: str, code: int) -> None:
        sys.stderr.write(" ".join(message.split()) + "\n")
        sys.exit(code or 1)
