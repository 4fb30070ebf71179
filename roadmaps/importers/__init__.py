"""Reading a roadmap document (an order with a table: Word, RTF, OpenDocument, PDF; or a sheet) into a
plain structure; nothing is written to the database here.

`read_roadmap(file, filename)` returns a `RoadmapDocument`. Each format has a reader that turns the
file into blocks (paragraph lines and tables in reading order, see `assemble`); `assemble` finds
the roadmap table, its title, period and approving order. `roadmaps.services.roadmap_import`
writes the result in one transaction, and `RoadmapDocument.to_json` gives the shape printed by
`manage.py import_roadmap --json` and shown on the preview page.

The overrides of `read_roadmap` (period, order, column mapping) are what a person corrects in the
preview.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import BinaryIO

from roadmaps.deadlines import CHECKPOINT_YEAR, CHECKPOINTS
from roadmaps.importers.assemble import Block, assemble
from roadmaps.importers.document import (
    PERIOD_FROM_HEADING,
    PERIOD_FROM_PREAMBLE,
    PERIOD_FROM_USER,
    RoadmapDocument,
    parse_indicators,
    split_parties,
)
from roadmaps.importers.meta import parse_order, period_in
from roadmaps.importers.table import COLUMN_ROLES, RawRow, RoadmapImportError

__all__ = [
    "COLUMN_ROLES",
    "PERIOD_FROM_HEADING",
    "PERIOD_FROM_PREAMBLE",
    "PERIOD_FROM_USER",
    "READERS",
    "Block",
    "RawRow",
    "RoadmapDocument",
    "RoadmapImportError",
    "assemble",
    "parse_indicators",
    "parse_order",
    "period_in",
    "read_roadmap",
    "split_parties",
]


def _docx(file):
    from roadmaps.importers.docx import docx_blocks

    return docx_blocks(file)


def _xlsx(file):
    from roadmaps.importers.xlsx import xlsx_blocks

    return xlsx_blocks(file)


def _pdf(file):
    from roadmaps.importers.pdf import pdf_blocks

    return pdf_blocks(file)


# what a reader takes (after LibreOffice for .doc/.rtf/.odt → .docx, .xls/.ods → .xlsx, see
# roadmaps.importers.formats) → (reader giving blocks, file kind). Readers of other formats register here.
READERS: dict[str, tuple[Callable[[BinaryIO | str], list[Block]], str]] = {
    ".docx": (_docx, "docx"),
    ".xlsx": (_xlsx, "xlsx"),
    ".xlsm": (_xlsx, "xlsx"),
    ".pdf": (_pdf, "pdf"),
}
UNSUPPORTED_MESSAGE = (
    "Поддерживаются документы Word (.docx, .doc), RTF, OpenDocument (.odt, .ods), Excel (.xlsx, .xls) и PDF с "
    "текстовым слоем."
)


def read_roadmap(
    file: BinaryIO | str,
    filename: str | None = None,
    *,
    period: tuple[dt.date, dt.date] | None = None,
    order_number: str | None = None,
    order_date: dt.date | None = None,
    column_map: dict[str, int] | None = None,
    checkpoints: str = CHECKPOINT_YEAR,
) -> RoadmapDocument:
    """Read a roadmap file; raises RoadmapImportError with a Russian message.

    The format is told by the content, not only the name (roadmaps.importers.formats): .doc, .rtf,
    .odt, .xls and .ods are converted by LibreOffice first, PDF is read for its text layer.

    period, order_number, order_date, column_map: what a person set in the preview; each replaces
    what was read from the document. checkpoints: how often continuous work is checked ("year",
    "half", "quarter").
    """
    from roadmaps.importers.formats import prepare, readable_suffix

    kind, data = prepare(file, filename)
    if readable_suffix(kind) not in READERS:
        raise RoadmapImportError(UNSUPPORTED_MESSAGE)
    reader, _kind = READERS[readable_suffix(kind)]
    document = assemble(reader(io.BytesIO(data)), file_kind=kind, column_map=column_map)
    apply_overrides(
        document,
        period=period,
        order_number=order_number,
        order_date=order_date,
        checkpoints=checkpoints,
    )
    return document


def apply_overrides(
    document: RoadmapDocument,
    *,
    period: tuple[dt.date, dt.date] | None = None,
    order_number: str | None = None,
    order_date: dt.date | None = None,
    checkpoints: str = CHECKPOINT_YEAR,
) -> RoadmapDocument:
    """What a person set in the preview wins over what was read; then the deadline warnings."""
    if period is not None:
        document.set_period(period[0], period[1], PERIOD_FROM_USER)
        document.warnings = [w for w in document.warnings if not w.startswith("Период дорожной карты не найден")]
    if order_number is not None:
        document.order_number = order_number.strip()
    if order_date is not None:
        document.order_date = order_date
    if order_number is not None or order_date is not None:
        document.warnings = [w for w in document.warnings if "реквизит" not in w.lower()]
    if checkpoints not in CHECKPOINTS:
        raise RoadmapImportError("Контрольные точки непрерывных мероприятий: раз в год, в полугодие или в квартал.")
    document.checkpoints = checkpoints
    document.warnings = [w for w in document.warnings if not w.startswith("Сроки:")]
    for activity in document.activities:
        parsed = document.deadline(activity.deadline_text)
        if parsed.flagged and activity.deadline_text:
            document.warnings.append(
                f"Сроки: {activity.where}, мероприятие {activity.number or '(без номера)'}, "
                f"«{activity.deadline_text}» — {parsed.flagged}"
            )
    return document
