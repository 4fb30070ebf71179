"""The shared import machinery (accounts/imports.py, accounts/names.py): one identity for a person,
the reader, idempotent confirms (sequential here, two threads on PostgreSQL), re-validation at
confirm, removal of unconfirmed uploads, and commands that fail with one Russian line."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading
import time
from pathlib import Path

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts import imports
from accounts.models import StagedUpload
from accounts.names import normalize_name
from mentorship.models import Pair, Person
from roadmaps.models import Roadmap
from tests.badfiles import build
from tests.mentorship.factories import MenteeFactory, MentorFactory, make_pair

pytestmark = pytest.mark.django_db


# One identity for a person -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "variant",
    [
        "ИВАНОВА  мария сергеевна",
        "Иванова\u00a0Мария Сергеевна",
        "Ивaнова Мария Сергеевна",  # Latin «a»
        "Иванова Мария Сеpгеевна",  # Latin «p»
        "Ива\u200bнова Мария\u200d Сергеевна",
        "Иванова Мари\u0301я Сергеевна".replace("\u0301", ""),
        "Ｉванова Мария Сергеевна".replace("Ｉ", "И"),
        " Иванова Мария Сергеевна ",
    ],
)
def test_name_variants_are_one_person(variant):
    assert normalize_name(variant) == normalize_name("Иванова", "Мария", "Сергеевна")


def test_yo_and_latin_names_keep_their_identity():
    assert normalize_name("Фёдоров Артём") == normalize_name("Федоров Артем")
    # a Latin name stays Latin: look-alikes are mapped only inside Cyrillic words
    assert normalize_name("Smith Anna") == "smith anna"
    assert normalize_name("Иванова", "Мария") != normalize_name("Иванова", "Марина")


def test_import_of_a_lookalike_name_updates_the_person_instead_of_creating_a_double(world, client_for):
    school = world.home.school
    MentorFactory(organization=school, last_name="Петрова1", first_name="Анна", middle_name="Викторовна")
    content = build.xlsx(
        build.MENTOR_HEADERS, [build.mentor(1, **{"Фамилия": "Пeтрова1\u200b", "Имя": "Aнна", "Стаж, лет": 13})]
    )
    client = client_for(world.home.coordinator)
    preview = client.post(
        reverse("admin:mentorship_mentor_import"),
        {"import_file": SimpleUploadedFile("m.xlsx", content), "format": "0", "resource": "0"},
    )
    form = preview.context["confirm_form"]
    client.post(reverse("admin:mentorship_mentor_process_import"), form.initial)
    assert Person.objects.filter(organization=school).count() == 1
    assert Person.objects.get(organization=school).experience_years == 13


# Reader ---------------------------------------------------------------------------------------------
def test_formatted_empty_rows_are_trimmed_cheaply():
    content = build.formatted_tail(build.MENTOR_HEADERS, [build.mentor(1)], count=50_000)
    started = time.perf_counter()
    sheet = imports.read_workbook(content, "m.xlsx", expected=build.MENTOR_HEADERS)
    elapsed = time.perf_counter() - started
    assert len(sheet.rows) == 1 and sheet.first_data_row == 2
    assert elapsed < 10, elapsed  # 0.1 s on an idle machine (python-calamine); openpyxl took 69 s in the admin


def test_hidden_old_sheet_is_never_taken_the_visible_one_is():
    def extra(workbook):
        old = workbook.create_sheet("Старый", 0)
        old.append(build.MENTOR_HEADERS)
        old.append(build.mentor(99))
        old.sheet_state = "hidden"
        workbook.active = 1

    content = build.xlsx(build.MENTOR_HEADERS, [build.mentor(1)], extra=extra)
    sheet = imports.read_workbook(content, "m.xlsx", expected=build.MENTOR_HEADERS)
    assert sheet.name == "Данные" and sheet.rows[0][1] == "Петрова1"


def test_template_reference_sheet_does_not_ask_for_a_sheet_but_two_data_sheets_do():
    def reference(workbook):
        workbook.create_sheet("Справочники").append(["Кто", "Педагог"])

    content = build.xlsx(build.MENTOR_HEADERS, [build.mentor(1)], extra=reference)
    assert imports.read_workbook(content, "m.xlsx", expected=build.MENTOR_HEADERS).name == "Данные"
    two = build.two_fitting_sheets(build.MENTOR_HEADERS, [build.mentor(1)])
    with pytest.raises(imports.ImportRejected) as caught:
        imports.read_workbook(two, "m.xlsx", expected=build.MENTOR_HEADERS)
    assert caught.value.sheets == ["Данные", "Копия"]
    assert imports.read_workbook(two, "m.xlsx", expected=build.MENTOR_HEADERS, sheet="Копия").name == "Копия"


def test_limits_are_stated_on_every_import_page(world, client_for):
    client = client_for(world.home.coordinator)
    text = imports.limits_text()
    assert "10 МБ" in text and "10\u00a0000 строк" in text
    for url in (
        reverse("admin:mentorship_mentor_import"),
        reverse("admin:accounts_organization_import"),
        reverse("mentorship:import_list"),
        reverse("roadmaps:import"),
    ):
        assert "10 МБ" in client.get(url).content.decode(), url


def test_fraction_of_years_is_refused_not_truncated(world):
    from mentorship.exchange import run_import_job
    from mentorship.models import ImportJob

    content = build.xlsx(build.MENTOR_HEADERS, [build.mentor(1, **{"Стаж, лет": 10.7})])
    job = ImportJob.objects.create(user=world.home.curator, kind="mentors", file=SimpleUploadedFile("m.xlsx", content))
    run_import_job(job)
    assert job.status == "failed" and Person.objects.count() == 0
    assert job.errors == [{"row": 2, "messages": ["Стаж, лет: Стаж, лет: «10,7» — нужно целое число."]}]


# Idempotent confirm and re-validation --------------------------------------------------------------
def _admin_preview(client, content):
    response = client.post(
        reverse("admin:mentorship_pair_import"),
        {"import_file": SimpleUploadedFile("p.xlsx", content), "format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    return response.context["confirm_form"].initial


def _pair_world(world):
    school = world.home.school
    mentor = MentorFactory(organization=school, last_name="Наставникова", first_name="Анна", middle_name="Петровна")
    first = MenteeFactory(organization=school, last_name="Ученикова", first_name="Ольга", middle_name="Ивановна")
    second = MenteeFactory(organization=school, last_name="Свободнова", first_name="Юлия", middle_name="Петровна")
    content = build.xlsx(
        build.PAIR_HEADERS,
        [build.pair(), build.pair(**{"Наставляемые (ФИО через ;)": "Свободнова Юлия Петровна"})],
    )
    return mentor, first, second, content


def test_second_confirm_returns_the_first_result_and_writes_nothing_more(world, client_for):
    _pair_world(world)
    client = client_for(world.home.coordinator)
    fields = _admin_preview(client, _pair_world_content_for(world))
    first = client.post(reverse("admin:mentorship_pair_process_import"), fields)
    second = client.post(reverse("admin:mentorship_pair_process_import"), fields)
    assert first.status_code == second.status_code == 302
    assert Pair.objects.count() == 2
    texts = [str(m) for m in get_messages(second.wsgi_request)]
    assert any("уже загружен" in t for t in texts), texts


def _pair_world_content_for(world):
    return build.xlsx(
        build.PAIR_HEADERS,
        [build.pair(), build.pair(**{"Наставляемые (ФИО через ;)": "Свободнова Юлия Петровна"})],
    )


def test_confirm_revalidates_against_the_database_and_names_the_row_that_changed(world, client_for):
    mentor, first, second, content = _pair_world(world)
    mentor.capacity = 5
    mentor.save()
    client = client_for(world.home.coordinator)
    fields = _admin_preview(client, content)
    # between preview and confirm the second mentee gets a pair elsewhere
    make_pair(world.home.school, mentees=[second])
    before = Pair.objects.count()
    response = client.post(reverse("admin:mentorship_pair_process_import"), fields)
    assert response.status_code == 200
    assert Pair.objects.count() == before  # not 1 of 2: nothing
    problems = response.context["problems"]
    assert [(p.row, p.column) for p in problems] == [(3, "Наставляемые (ФИО через ;)")]
    assert "Уже в действующей" in problems[0].message
    assert "Ничего не записано" in response.content.decode()


def test_confirm_of_an_unknown_or_foreign_key_is_a_message_not_a_500(world, client_for):
    _pair_world(world)
    fields = _admin_preview(client_for(world.home.coordinator), _pair_world_content_for(world))
    other = client_for(world.home.curator)
    for key in (fields["import_file_name"], "not-a-key", ""):
        response = other.post(reverse("admin:mentorship_pair_process_import"), {**fields, "import_file_name": key})
        assert response.status_code == 302
    assert Pair.objects.count() == 0


def test_roadmap_confirm_twice_gives_one_roadmap(world, client_for):
    client = client_for(world.home.coordinator)
    preview = client.post(
        reverse("roadmaps:import"),
        {"file": SimpleUploadedFile("r.docx", build.docx_bytes()), "municipality": world.home.municipality.pk},
    )
    token = preview.context["staged"].token
    first = client.post(reverse("roadmaps:import_confirm"), {"token": token})
    second = client.post(reverse("roadmaps:import_confirm"), {"token": token})
    assert Roadmap.objects.count() == 1
    assert first.url == second.url == reverse("roadmaps:detail", args=[Roadmap.objects.get().pk])


def _pair_import(user):
    """The confirm step of a pair file, holding its transaction open half a second after writing,
    so that a second confirm started at the same moment arrives while the first is not done."""
    from mentorship.resources import PairResource

    def apply(staged_upload, data):
        resource = PairResource(user=user)
        sheet = imports.read_workbook(data, "p.xlsx", expected=resource.import_template().headers)
        result, problems = imports.import_sheet(resource, sheet, dry_run=False)
        if problems:
            raise imports.ImportRejected(problems)
        time.sleep(0.5)
        return {"ok": True, "counts": imports.result_counts(result)}

    return apply


def _confirm_at_once(uploads, apply) -> tuple[list[dict], list[BaseException]]:
    """Confirm each staged upload in a thread of its own, all released at the same moment."""
    from django.db import connections

    barrier = threading.Barrier(len(uploads))
    results: list[dict] = []
    errors: list[BaseException] = []

    def worker(staged):
        try:
            barrier.wait()
            results.append(imports.confirm_staged(StagedUpload.objects.get(pk=staged.pk), apply))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(staged,)) for staged in uploads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_confirms_write_once(world):
    """Two threads confirm the same upload at the same moment (PostgreSQL: the second waits on the
    claimed row and then returns the first result)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections need PostgreSQL (CI step 4 runs this)")

    _pair_world(world)
    staged = imports.stage_upload(
        user=world.home.coordinator, kind="test", content=_pair_world_content_for(world), filename="p.xlsx"
    )
    results, errors = _confirm_at_once([staged, staged], _pair_import(world.home.coordinator))
    assert not errors, errors
    assert Pair.objects.count() == 2
    assert [r["counts"]["new"] for r in results] == [2, 2]
    assert sorted(bool(r.get("repeated")) for r in results) == [False, True]


@pytest.mark.django_db(transaction=True)
def test_the_same_file_uploaded_twice_and_confirmed_at_once_writes_its_pairs_once(world):
    """Two uploads of one pair file (two previews, two keys), confirmed at the same moment: each
    checked the file against a database without the pairs; the import locks the organizations it
    writes to before it reads the existing pairs, so the second sees the first's pairs and adds none."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks between two connections need PostgreSQL (CI step 4 runs this)")

    mentor, _, _, content = _pair_world(world)
    mentor.capacity = 5
    mentor.save()
    uploads = [
        imports.stage_upload(user=world.home.coordinator, kind="test", content=content, filename="p.xlsx")
        for _ in range(2)
    ]
    results, errors = _confirm_at_once(uploads, _pair_import(world.home.coordinator))
    assert not errors, errors
    assert Pair.objects.count() == 2, "the same pairs written twice"
    assert sorted(r.get("counts", {}).get("new", 0) for r in results) == [0, 2], results


def test_unconfirmed_uploads_are_removed_after_a_day(world, settings):
    fresh = imports.stage_upload(user=world.home.coordinator, kind="t", content=b"x", filename="a.xlsx")
    old = imports.stage_upload(user=world.home.coordinator, kind="t", content=b"y", filename="b.xlsx")
    StagedUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))
    old_path = Path(settings.MEDIA_ROOT) / old.file.name
    assert old_path.exists()
    from accounts.tasks import purge_stale_uploads

    assert purge_stale_uploads() == 1
    assert list(StagedUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not old_path.exists() and (Path(settings.MEDIA_ROOT) / fresh.file.name).exists()


def test_periodic_task_for_the_removal_is_scheduled(world):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks", stdout=io.StringIO())
    call_command("setup_periodic_tasks", stdout=io.StringIO())
    assert PeriodicTask.objects.filter(task="accounts.purge_stale_uploads", enabled=True).count() == 1


# Commands ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["import_municipality", "import_roadmap"])
def test_commands_fail_with_one_russian_line_and_a_non_zero_code(world, tmp_path, capsys, command):
    from django.core.management import load_command_class

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 broken")
    argv = ["manage.py", command, str(broken)]
    if command == "import_roadmap":
        broken = broken.rename(tmp_path / "broken.docx")
        argv = ["manage.py", command, str(broken), "--municipality", world.home.municipality.name]
    with pytest.raises(SystemExit) as caught:
        load_command_class(
            {"import_municipality": "accounts", "import_roadmap": "roadmaps"}[command], command
        ).run_from_argv(argv)
    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "CommandError" not in err
    assert re.search(r"[а-я]", err), err


def test_mentor_template_from_the_page_is_read_back_without_asking_for_a_sheet(world):
    from mentorship.exchange import build_template

    content = build_template(world.home.curator, "mentors")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Данные", "Справочники"]
    sheet = imports.read_workbook(content, "t.xlsx", expected=build.MENTOR_HEADERS)
    assert sheet.name == "Данные"


def test_files_of_refused_background_imports_are_removed_after_a_day(world, settings):
    from accounts.tasks import purge_stale_uploads
    from mentorship.exchange import run_import_job
    from mentorship.models import ImportJob

    content = build.xlsx(build.MENTOR_HEADERS, [build.mentor(1, **{"Стаж, лет": "много"})])
    job = ImportJob.objects.create(user=world.home.curator, kind="mentors", file=SimpleUploadedFile("m.xlsx", content))
    run_import_job(job)
    path = Path(settings.MEDIA_ROOT) / job.file.name
    assert job.status == "failed" and path.exists()
    purge_stale_uploads()
    assert path.exists()  # not yet a day
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=2))
    purge_stale_uploads()
    job.refresh_from_db()
    assert not path.exists() and not job.file and job.errors  # the error list stays


def test_formula_errors_found_after_styled_empty_cells():
    """Excel keeps formatted empty cells as <c r="B3" s="1"/>; the error cell right after one is
    still found (and so is one in a row of its own)."""
    import zipfile

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from accounts.imports import error_cells

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Наставники"
    sheet.append(["Фамилия", "Имя", "Стаж, лет"])
    sheet.append(["Иванова", "Анна", 5])
    sheet.cell(row=3, column=1, value="Петрова")
    sheet.cell(row=3, column=2).font = Font(bold=True)  # styled, empty: written self-closing
    error = sheet.cell(row=3, column=3, value="#DIV/0!")
    error.data_type = "e"
    sheet.cell(row=5, column=2).font = Font(italic=True)
    ref = sheet.cell(row=5, column=3, value="#REF!")
    ref.data_type = "e"
    saved = io.BytesIO()
    workbook.save(saved)
    # openpyxl writes <c r="B3" s="1" t="n"></c>; Excel closes such a cell in its tag, as here
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'(<c r="B\d" s="\d+") t="n"></c>', rb"\1/>", data)
                assert count == 2
            target.writestr(item, data)

    assert error_cells(out.getvalue(), "Наставники") == {(3, 2): "#DIV/0!", (5, 2): "#REF!"}
