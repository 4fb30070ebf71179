"""Exports that contain personal data: every one is logged and says in the file what was hidden."""

from __future__ import annotations

import io

from django.utils import timezone

from accounts.services import export_log_record

NOTICE_SHEET = "О выгрузке"


def add_notice_sheet(content: bytes, lines: list[str]) -> bytes:
    """Append a sheet with the notice to an .xlsx file (first column, one line a row)."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.create_sheet(NOTICE_SHEET)
    for line in lines:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def personal_export_finish(
    *, content: bytes, user, kind: str, rows: int, masked: int, request=None, parameters: dict | None = None
) -> bytes:
    """Log the export (152-ФЗ) and state the masking rule inside the file itself."""
    export_log_record(user=user, kind=kind, rows=rows, masked_rows=masked, request=request, parameters=parameters)
    now = timezone.localtime()
    return add_notice_sheet(
        content,
        [
            f"{kind}: выгружено {now:%d.%m.%Y %H:%M}, пользователь {user.get_full_name() or user.username}.",
            f"Строк: {rows}. Контакты скрыты у {masked}: нет действующего согласия на обработку персональных данных.",
            "Персональные данные выгружаются только для людей с действующим согласием (152-ФЗ); выгрузка записана в журнал.",
        ],
    )
