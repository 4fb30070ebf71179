"""Excel exchange: templates, imports (background and admin preview), export with masking."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from mentorship.exchange import run_import_job
from mentorship.models import ImportJob, ImportStatus, Pair, PairStatus, Person
from mentorship.tasks import run_import
from tests.mentorship.factories import ConsentFactory, MenteeFactory, MentorFactory
from tests.mentorship.xlsx import mentee_row, mentor_row, pair_row
from tests.xlsx import MENTEE_HEADERS, MENTOR_HEADERS, PAIR_HEADERS, xlsx

pytestmark = pytest.mark.django_db


def _job(user, kind, content) -> ImportJob:
    job = ImportJob.objects.create(user=user, kind=kind, file=ContentFile(content, name="file.xlsx"))
    run_import.delay(job.pk)
    job.refresh_from_db()
    return job


def test_mentor_import_writes_people_lists_and_history_then_reimport_changes_nothing(world):
    org = world.home.school.short_name
    content = xlsx(MENTOR_HEADERS, [mentor_row(org, n) for n in range(30)])
    job = _job(world.home.curator, "mentors", content)
    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count, job.total_rows, job.processed_rows) == (30, 0, 30, 30)
    person = Person.objects.get(last_name="Наставникова7")
    assert person.is_mentor and person.organization == world.home.school and person.capacity == 3
    assert sorted(person.subjects.values_list("name", flat=True)) == ["Информатика", "Математика"]
    assert person.competencies.count() == 2 and person.training_completed_on.isoformat() == "2024-03-15"
    record = person.history.get()
    assert record.history_user == world.home.curator and record.history_change_reason == "Загрузка из Excel"
    history_before = Person.history.count()

    again = _job(world.home.curator, "mentors", content)
    assert (again.status, again.created_count, again.updated_count, again.skipped_count) == ("done", 0, 0, 30)
    assert Person.history.count() == history_before

    changed = xlsx(
        MENTOR_HEADERS,
        [mentor_row(org, 7, **{"Наставляемых не более": 5, "Компетенции": "Функциональная грамотность"})],
    )
    third = _job(world.home.curator, "mentors", changed)
    assert (third.created_count, third.updated_count) == (0, 1)
    person.refresh_from_db()
    assert person.capacity == 5 and list(person.competencies.values_list("name", flat=True)) == [
        "Функциональная грамотность"
    ]
    assert person.history.count() == 2


def test_bad_mentor_file_is_refused_row_by_row_and_writes_nothing(world):
    org = world.home.school.short_name
    rows = [
        mentor_row(org, 1),
        mentor_row(world.foreign.school.short_name, 2),
        mentor_row(org, 3, **{"Компетенции": "Вышивание крестиком"}),
        mentor_row(org, 4, **{"Дата обучения": "31.02.2024"}),
        mentor_row(org, 1),
        mentor_row(org, 6, **{"Имя": ""}),
        mentor_row(org, 7, **{"Квалификационная категория": "Супервысшая", "E-mail": "не почта"}),
    ]
    job = _job(world.home.curator, "mentors", xlsx(MENTOR_HEADERS, rows))
    assert job.status == ImportStatus.FAILED and Person.objects.count() == 0
    by_row = {e["row"]: " ".join(e["messages"]) for e in job.errors}
    assert set(by_row) == {2, 3, 4, 5, 6, 7, 8}
    assert "не найден" in by_row[3]
    assert "нет в справочнике — «Вышивание крестиком»" in by_row[4]
    assert "не дата" in by_row[5]
    # a duplicate is reported at both rows, numbered as Excel shows them
    assert "строки 6 и 2" in by_row[6] and "строки 2 и 6" in by_row[2]
    assert "Имя: Обязательное поле." in by_row[7]
    assert "не из списка" in by_row[8] and "E-mail" in by_row[8]


def test_mentee_import(world):
    org = world.home.school.short_name
    job = _job(world.home.curator, "mentees", xlsx(MENTEE_HEADERS, [mentee_row(org, n) for n in range(5)]))
    assert job.status == "done", job.errors
    mentee = Person.objects.get(last_name="Наставляемый3")
    assert mentee.is_mentee and mentee.mentee_category == "young" and mentee.mentee_since.isoformat() == "2025-09-01"
    assert list(mentee.deficits.values_list("name", flat=True)) == ["Планирование урока по ФГОС"]
    bad = _job(
        world.home.curator, "mentees", xlsx(MENTEE_HEADERS, [mentee_row(org, 9, **{"Категория наставляемого": ""})])
    )
    assert bad.status == "failed" and "категорию наставляемого" in bad.errors[0]["messages"][0]
    again = _job(world.home.curator, "mentees", xlsx(MENTEE_HEADERS, [mentee_row(org, n) for n in range(5)]))
    assert again.skipped_count == 5


def test_pair_import_good_then_same_again_then_bad(world):
    school = world.home.school
    mentor = MentorFactory(
        organization=school, last_name="Кравченко", first_name="Людмила", middle_name="Петровна", capacity=2
    )
    mentees = [
        MenteeFactory(organization=school, last_name=f"Ученик{n}", first_name="Иван", middle_name="") for n in range(3)
    ]
    for person in [mentor, mentees[0]]:
        ConsentFactory(person=person)
    rows = [
        pair_row(
            school.short_name,
            "Кравченко Людмила Петровна",
            "Ученик0 Иван",
            **{"Статус": "Действует", "Номер приказа": "12-о", "Дата приказа": "29.08.2025"},
        ),
        pair_row(school.short_name, "кравченко людмила петровна", "Ученик1 Иван"),
    ]
    job = _job(world.home.curator, "pairs", xlsx(PAIR_HEADERS, rows))
    assert job.status == "done", job.errors
    assert Pair.objects.filter(status=PairStatus.ACTIVE).count() == 1 and Pair.objects.count() == 2
    active = Pair.objects.get(status=PairStatus.ACTIVE)
    assert active.mentors == [mentor] and active.order_date.isoformat() == "2025-08-29"
    again = _job(world.home.curator, "pairs", xlsx(PAIR_HEADERS, rows))
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)

    bad_rows = [
        pair_row(school.short_name, "Кравченко Людмила Петровна", "Ученик2 Иван"),  # capacity 2 already used
        pair_row(school.short_name, "Неизвестный Наставник", "Ученик2 Иван", **{"Статус": "Действует"}),
        pair_row(world.foreign.school.short_name, "Кравченко Людмила Петровна", "Ученик2 Иван"),
    ]
    bad = _job(world.home.curator, "pairs", xlsx(PAIR_HEADERS, bad_rows))
    assert bad.status == "failed" and Pair.objects.count() == 2
    text = {e["row"]: " ".join(e["messages"]) for e in bad.errors}
    assert "при допустимых 2" in text[2]
    assert "не найден(а)" in text[3] and "Нет согласия" in text[3] and "приказа" in text[3]
    assert "Организация" in text[4]


def test_templates_have_dropdowns_limited_to_scope(world, client_for):
    response = client_for(world.home.curator).get(reverse("mentorship:xlsx_template", args=["mentors"]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    data, ref = wb["Данные"], wb["Справочники"]
    assert [c.value for c in data[1]] == MENTOR_HEADERS
    ranges = {str(dv.sqref): dv.formula1 for dv in data.data_validations.dataValidation}
    assert ranges["A2:A10001"].startswith("=Справочники!$A$2")
    orgs = [c.value for c in ref["A"][1:] if c.value]
    assert orgs == [world.home.school.short_name]
    for kind in ("mentees", "pairs"):
        assert client_for(world.home.curator).get(reverse("mentorship:xlsx_template", args=[kind])).status_code == 200
    assert client_for(world.home.head).get(reverse("mentorship:xlsx_template", args=["pairs"])).status_code == 403


def test_mentor_bank_export_masks_contacts_without_consent(world, client_for):
    with_consent = MentorFactory(organization=world.home.school, email="yes@example.ru", in_municipal_bank=True)
    ConsentFactory(person=with_consent)
    MentorFactory(organization=world.home.school, email="no@example.ru", in_municipal_bank=True)
    MentorFactory(organization=world.foreign.school, email="foreign@example.ru", in_municipal_bank=True)
    response = client_for(world.home.coordinator).get(reverse("mentorship:mentor_bank_export"))
    wb = load_workbook(io.BytesIO(response.content))
    cells = {str(c.value) for row in wb.active.iter_rows() for c in row}
    assert "yes@example.ru" in cells and "no@example.ru" not in cells and "foreign@example.ru" not in cells


def test_import_progress_page_is_private(world, client_for):
    job = _job(world.home.curator, "mentors", xlsx(MENTOR_HEADERS, [mentor_row(world.home.school.short_name, 1)]))
    url = reverse("mentorship:import_detail", args=[job.pk])
    page = client_for(world.home.curator).get(url).content.decode()
    assert "Загружено" in page and "Добавлено: 1" in page
    assert client_for(world.home.coordinator).get(url).status_code == 404


def test_upload_page_runs_the_import_in_background(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.home.curator)
    upload = ContentFile(xlsx(MENTOR_HEADERS, [mentor_row(world.home.school.short_name, 1)]), name="bank.xlsx")
    preview = client.post(reverse("mentorship:import_list"), {"kind": "mentors", "file": upload})
    assert preview.status_code == 200 and not ImportJob.objects.exists() and not Person.objects.exists()
    key = preview.context["preview"].key
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentorship:import_confirm"), {"key": key})
    job = ImportJob.objects.get()
    assert response.url == reverse("mentorship:import_detail", args=[job.pk])
    assert job.status == ImportStatus.DONE and Person.objects.filter(is_mentor=True).count() == 1


def test_admin_import_preview_shows_russian_row_errors_and_confirms_good_files(world, client_for):
    client = client_for(world.home.curator)
    url = reverse("admin:mentorship_mentor_import")
    bad = ContentFile(xlsx(MENTOR_HEADERS, [mentor_row("Нет такой школы", 1)]), name="bad.xlsx")
    response = client.post(url, {"resource": 0, "format": 0, "import_file": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Организация «Нет такой школы» не найден" in html and Person.objects.count() == 0
    good = ContentFile(
        xlsx(MENTOR_HEADERS, [mentor_row(world.home.school.short_name, n) for n in range(3)]), name="good.xlsx"
    )
    preview = client.post(url, {"resource": 0, "format": 0, "import_file": good})
    assert Person.objects.count() == 0  # the preview is a dry run
    form = preview.context["confirm_form"]
    confirm = client.post(reverse("admin:mentorship_mentor_process_import"), {**form.initial, "resource": 0})
    assert confirm.status_code == 302 and Person.objects.filter(is_mentor=True).count() == 3


def test_thousands_of_rows_import_in_seconds(world):
    """A scaled-down run of the 10,000-row measurement (see the report): bulk writes, no query per row."""
    rows = 2000
    content = xlsx(MENTOR_HEADERS, [mentor_row(world.home.school.short_name, n) for n in range(rows)])
    job = ImportJob.objects.create(user=world.home.curator, kind="mentors", file=ContentFile(content, name="big.xlsx"))
    # the property, not a wall-clock time (which a busy machine stretches): writes in bulk, so the
    # number of statements does not grow with the rows
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run_import_job(job)
    assert job.status == "done" and job.created_count == rows
    assert Person.history.count() == rows
    assert len(queries.captured_queries) < rows / 10, f"{len(queries.captured_queries)} statements for {rows} rows"


def test_one_file_adds_changes_and_keeps_people_and_a_repeated_bad_value_is_named_at_every_row(world):
    """The column-by-column check: a value is read once per file, but its verdict lands on each row
    that has it; new, changed and unchanged people of one file are told apart."""
    org = world.home.school.short_name
    first = _job(world.home.curator, "mentors", xlsx(MENTOR_HEADERS, [mentor_row(org, n) for n in range(2)]))
    assert first.created_count == 2
    mixed = [
        mentor_row(org, 0),  # as stored
        mentor_row(org, 1, **{"Стаж, лет": 25, "Предметы": "Математика"}),  # changed, list too
        mentor_row(org, 2),  # new
    ]
    second = _job(world.home.curator, "mentors", xlsx(MENTOR_HEADERS, mixed))
    assert (second.created_count, second.updated_count, second.skipped_count) == (1, 1, 1), second.errors
    changed = Person.objects.get(last_name="Наставникова1")
    assert changed.experience_years == 25 and list(changed.subjects.values_list("name", flat=True)) == ["Математика"]
    assert changed.history.count() == 2 and Person.objects.get(last_name="Наставникова0").history.count() == 1

    bad = [
        mentor_row(org, 1, **{"Квалификационная категория": "Супервысшая", "Стаж, лет": 30}),
        mentor_row(org, 3, **{"Стаж, лет": 10.5}),
        mentor_row(org, 4, **{"Квалификационная категория": "Супервысшая"}),
        mentor_row(org, 5, **{"Стаж, лет": 10.5, "Телефон": "12-34"}),
    ]
    refused = _job(world.home.curator, "mentors", xlsx(MENTOR_HEADERS, bad))
    assert refused.status == ImportStatus.FAILED
    by_row = {e["row"]: e["messages"] for e in refused.errors}
    assert set(by_row) == {2, 3, 4, 5}
    for row in (2, 4):
        assert any(m.startswith("Квалификационная категория:") and "не из списка" in m for m in by_row[row])
    for row in (3, 5):
        assert any("нужно целое число" in m for m in by_row[row])
    assert any(m.startswith("Телефон:") and "Телефон указан неверно" in m for m in by_row[5])
    # nothing of the refused file was written: the changed person keeps the stored values
    changed.refresh_from_db()
    assert changed.experience_years == 25 and Person.objects.filter(is_mentor=True).count() == 3
