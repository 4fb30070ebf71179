"""Build and read .xlsx files for tests: the one writer of the import tests
(tests/mentorship/xlsx.py), the bad-file corpus (tests/badfiles/build.py) and the admin's
exchange tests, and the column headers of the mentors', mentees' and pairs' templates."""

from __future__ import annotations

import io
import os
from collections.abc import Callable

import openpyxl


def _template_headers(resource_name: str) -> list[str]:
    """The column names of an import template, as its resource (mentorship.resources) reads them."""
    from django.apps import apps

    if not apps.ready:  # the bad-file corpus script (tests/badfiles/build.py) runs outside pytest
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
    from mentorship import resources

    return list(getattr(resources, resource_name).import_template().headers)


MENTOR_HEADERS = _template_headers("MentorResource")
MENTEE_HEADERS = _template_headers("MenteeResource")
PAIR_HEADERS = _template_headers("PairResource")


def xlsx(headers: list, rows: list[list], *, title: str = "Данные", extra: Callable | None = None) -> bytes:
    """One sheet `title`: the header row, then `rows` as given (a datetime is an Excel date, as users
    send them; a text date stays text). `extra(workbook)` changes the workbook before it is saved (a
    hidden sheet, a second sheet, formatting): the bad-file corpus builds its faults with it."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    if extra is not None:
        extra(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_xlsx(content: bytes) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]
