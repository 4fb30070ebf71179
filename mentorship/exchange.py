"""Excel templates with drop-down lists, the mentor-bank export and the background import runner."""

from __future__ import annotations

import io
import logging

from django.db import connection, connections
from django.utils import timezone
from import_export.formats.base_formats import XLSX
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts import imports, scoping
from mentorship.models import (
    Competency,
    Deficit,
    ImportJob,
    ImportKind,
    ImportStatus,
    MenteeCategory,
    MentoringForm,
    PersonKind,
    QualificationCategory,
    Subject,
)
from mentorship.resources import IMPORTABLE_PAIR_STATUSES, MenteeResource, MentorResource, PairResource

logger = logging.getLogger(__name__)

RESOURCES = {ImportKind.MENTORS: MentorResource, ImportKind.MENTEES: MenteeResource, ImportKind.PAIRS: PairResource}
TEMPLATE_ROWS = 10000  # drop-downs cover this many data rows
FILENAMES = {
    "mentors": "shablon-nastavniki.xlsx",
    "mentees": "shablon-nastavlyaemye.xlsx",
    "pairs": "shablon-pary.xlsx",
}


def template_filename(kind: str) -> str:
    return FILENAMES[kind]


def _reference_lists(user) -> dict[str, list[str]]:
    return {
        "Организация": list(scoping.organization_choices(user).values_list("short_name", flat=True)),
        "Кто": [label for _, label in PersonKind.choices],
        "Квалификационная категория": [label for _, label in QualificationCategory.choices],
        "Категория наставляемого": [label for _, label in MenteeCategory.choices],
        "Форма наставничества": list(
            MentoringForm.objects.filter(kind=MentoringForm.Kind.FORM, is_active=True).values_list("name", flat=True)
        ),
        "Статус": [label for _, label in IMPORTABLE_PAIR_STATUSES],
        # several values per cell: listed for reference, typed with «;»
        "Предметы": list(Subject.objects.filter(is_active=True).values_list("name", flat=True)),
        "Компетенции": list(Competency.objects.filter(is_active=True).values_list("name", flat=True)),
        "Дефициты": list(Deficit.objects.filter(is_active=True).values_list("name", flat=True)),
        "Форматы": list(
            MentoringForm.objects.filter(kind=MentoringForm.Kind.FORMAT, is_active=True).values_list("name", flat=True)
        ),
    }


MULTI_VALUE = {"Предметы", "Компетенции", "Дефициты", "Форматы"}
EXAMPLES = {
    "mentors": [
        "",
        "Петрова",
        "Анна",
        "Викторовна",
        "Педагог",
        "Учитель математики",
        "Математика; Информатика",
        18,
        "Высшая",
        "petrova@example.ru",
        "+7 900 000-00-00",
        "Методика преподавания предмета; Подготовка к ГИА (ОГЭ, ЕГЭ)",
        "Победитель конкурса «Я и мой наставник» 2024",
        "КПК «Наставничество в образовании», 36 ч",
        "15.03.2024",
        3,
    ],
    "mentees": [
        "",
        "Смирнов",
        "Илья",
        "Олегович",
        "Педагог",
        "Учитель математики",
        "",
        "Математика",
        1,
        "Без категории",
        "Молодой специалист (стаж до 3 лет)",
        "Планирование урока по ФГОС; Управление дисциплиной в классе",
        "Сложно удерживать внимание класса",
        "Посещение уроков наставника",
        "01.09.2025",
        "",
        "",
    ],
    "pairs": [
        "",
        "",
        "Педагог – молодой специалист",
        "",
        "Петрова Анна Викторовна",
        "Смирнов Илья Олегович",
        "01.09.2025",
        "31.05.2026",
        "123-о",
        "29.08.2025",
        "Формируется",
    ],
}


def build_template(user, kind: str) -> bytes:
    resource = RESOURCES[kind](user=user)
    headers = [f.column_name for f in resource.get_export_fields()]
    lists = _reference_lists(user)
    wb = Workbook()
    ws = wb.active
    ws.title = "Данные"
    ref = wb.create_sheet("Справочники")
    ws.append(headers)
    example = list(EXAMPLES[kind])
    if lists["Организация"]:
        example[0] = lists["Организация"][0]
    ws.append(example)
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[2]:
        cell.font = Font(italic=True, color="7F7F7F")
    # a note in a cell beside the data would be read as an extra column, so it goes into a comment
    ws.cell(row=2, column=1).comment = Comment("Пример: замените или удалите эту строку.", "Наставник")
    ref_col = 0
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(14, min(45, len(header) + 6))
        values = lists.get(header)
        if not values:
            continue
        ref_col += 1
        ref_letter = get_column_letter(ref_col)
        ref.cell(row=1, column=ref_col, value=header).font = Font(bold=True)
        for row_index, value in enumerate(values, start=2):
            ref.cell(row=row_index, column=ref_col, value=value)
        ref.column_dimensions[ref_letter].width = 45
        if header in MULTI_VALUE:
            ws.cell(row=1, column=index).comment = Comment(
                f"Несколько значений через «;». Допустимые — на листе «Справочники», столбец {ref_letter}.", "Наставник"
            )
            continue
        validation = DataValidation(
            type="list",
            formula1=f"=Справочники!${ref_letter}$2:${ref_letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Значение не из списка",
            error="Выберите значение из раскрывающегося списка.",
        )
        ws.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


TEMPLATE_BUILDERS = {
    kind: (lambda user, kind=kind: build_template(user, kind)) for kind in ("mentors", "mentees", "pairs")
}


def export_mentor_bank(user, request=None) -> bytes:
    """The municipal mentor bank as .xlsx; e-mail and phone only for people with a consent on file.
    The export is logged and the file says how many contacts were hidden."""
    from accounts.exports import personal_export_finish

    resource = MentorResource(user=user)
    content = XLSX().export_data(resource.export())
    return personal_export_finish(
        content=content,
        user=user,
        kind="Банк наставников",
        rows=resource.exported_rows,
        masked=resource.masked_rows,
        request=request,
    )


# Background import -----------------------------------------------------------------------------
class _Progress:
    """Writes progress where the polling page can see it while the import's transaction is open.

    On PostgreSQL that is a second connection (the import itself holds one open transaction for
    all-or-nothing). SQLite locks the whole file for the writer, so there progress is written only
    at the end.
    """

    def __init__(self, job: ImportJob):
        self.job_id = job.pk
        self.side = None
        if connection.vendor == "postgresql":
            self.side = connections.create_connection("default")

    def __call__(self, rows: int) -> None:
        if self.side is None:
            return
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportJob._meta.db_table} SET processed_rows = %s WHERE id = %s", [rows, self.job_id]
            )
        self.side.commit() if not self.side.get_autocommit() else None

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def _row_errors(problems) -> list[dict]:
    """Problems grouped by Excel row, in the shape the progress page shows."""
    by_row: dict[int | None, list[str]] = {}
    for problem in problems:
        text = f"{problem.column}: {problem.message}" if problem.column else problem.message
        by_row.setdefault(problem.row, []).append(text)
    return [{"row": row, "messages": texts} for row, texts in sorted(by_row.items(), key=lambda item: item[0] or 0)]


def run_import_job(job: ImportJob) -> ImportJob:
    job.status = ImportStatus.RUNNING
    job.save(update_fields=["status"])
    progress = _Progress(job)
    resource = RESOURCES[job.kind](user=job.user, progress=progress)
    problems = []
    try:
        with job.file.open("rb") as handle:
            content = handle.read()
        sheet = imports.read_workbook(
            content, job.file.name, expected=resource.import_template().headers, sheet=job.sheet or None
        )
        job.total_rows = len(sheet.rows)
        job.save(update_fields=["total_rows"])
        result, problems = imports.import_sheet(resource, sheet, dry_run=False)
    except imports.ImportRejected as exc:
        problems = exc.problems
    except Exception:  # a broken file must end the job visibly, not leave it "running"
        logger.exception("import job %s failed", job.pk)
        job.status = ImportStatus.FAILED
        job.message = "Файл не удалось загрузить из-за внутренней ошибки; ничего не записано. Сообщите администратору."
        job.finished_at = timezone.now()
        job.save()
        return job
    finally:
        progress.close()
    job.processed_rows = job.total_rows
    job.finished_at = timezone.now()
    if problems:
        job.status = ImportStatus.FAILED
        job.errors = _row_errors(problems)
        job.message = "Ничего не записано: исправьте строки с ошибками и загрузите файл снова."
    else:
        totals = result.totals
        job.status = ImportStatus.DONE
        job.created_count, job.updated_count, job.skipped_count = totals["new"], totals["update"], totals["skip"]
        job.message = (
            f"Добавлено: {job.created_count}, обновлено: {job.updated_count}, без изменений: {job.skipped_count}."
        )
    job.save()
    return job


def purge_refused_files(cutoff) -> int:
    """Files of background imports that were refused (nothing written) are removed a day later;
    the job and its error list stay for the person who uploaded it."""
    removed = 0
    refused = ImportJob.objects.filter(status=ImportStatus.FAILED, finished_at__lt=cutoff).exclude(file="")
    for job in refused.only("pk", "file"):
        name = job.file.name
        try:
            job.file.storage.delete(name)
        except OSError:
            logger.warning("refused import file %s could not be deleted", name)
            continue
        removed += ImportJob.objects.filter(pk=job.pk).update(file="")
    return removed
