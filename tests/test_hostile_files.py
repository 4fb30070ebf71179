"""Hostile files (tests/hostile.py) through every import and upload path, posted by a real user with
the test client: no 500, no traceback or Python value in what the user reads, a Russian message that
names the row and the column where the fault has them, nothing written when the file is refused, and
no uploaded file left behind in MEDIA_ROOT.

Paths: the admin's imports of mentors, mentees and pairs (django-import-export), the background
import page of the same, the roadmap upload (site and admin) and the `import_roadmap` command, and
the document uploads (evidence of an execution record, a consent scan, a practice's file).
The organizations' and users' admin imports get the classes of fault that are not the mentors'
(their own faults are in the corpus of tests/badfiles).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import StagedUpload
from mentorship.models import Consent, ImportJob, ImportStatus, Practice, PracticeFile
from roadmaps.models import ExecutionRecord, Roadmap
from tests import hostile
from tests.factories import MunicipalityFactory
from tests.roadmaps.factories import ActivityFactory, DueDateFactory, ExecutionRecordFactory, SchoolRoadmapFactory
from tests.test_badfiles import COUNTED, _counts, _files, seed_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(module_world, db):
    """One world for the module's hundreds of cases, built once (tests/conftest.py `module_world`);
    each hostile file is tried in a transaction of its own over it."""
    return module_world


@pytest.fixture(autouse=True)
def _bomb_limit(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # the corpus's bombs unpack to 30 MB


CASES = hostile.all_cases()
# what a person must never read
LEAKS = re.compile(
    r"Traceback|object has no attribute|<class |\bNone\b|\{\}|\{'|\[\]|Column '|not found in dataset|BadZipFile|"
    r"IntegrityError|DataError|ConversionSyntax|datetime\.|Decimal\(|Error\b|invalid literal|"
    r"\bline \d|column \d|\(char \d"
)
SPREADSHEET_PATHS = {"mentors": ["admin:mentor", "job:mentors"], "mentees": ["admin:mentee", "job:mentees"]}
SPREADSHEET_PATHS.update(
    {"pairs": ["admin:pair", "job:pairs"], "organizations": ["admin:organization"], "users": ["admin:user"]}
)
ROADMAP_PATHS = ["roadmap", "admin:roadmap", "cmd:import_roadmap"]
DOCUMENT_PATHS = ["evidence", "consent", "practice"]


def _params(groups: dict[str, list[str]]):
    for group, paths in groups.items():
        for case in CASES[group]:
            for path in paths:
                marks = [pytest.mark.slow(seconds=20)] if case.slow else []
                yield pytest.param(path, case, id=f"{path}-{group}-{case.id}", marks=marks)


def _upload(case) -> SimpleUploadedFile:
    return SimpleUploadedFile(case.filename, case.content(), content_type="application/octet-stream")


# Runners: each returns (accepted, [(row, column, message), ...]) ------------------------------------
def _admin(case, path, client, world):
    model = path.split(":")[1]
    app = "accounts" if model in ("organization", "user") else "mentorship"
    response = client.post(
        reverse(f"admin:{app}_{model}_import"), {"import_file": _upload(case), "format": "0", "resource": "0"}
    )
    assert response.status_code == 200, response.status_code
    client.last_preview = response
    context = response.context or {}
    found = [(p.row, p.column, p.message) for p in context.get("problems") or []]
    form = context.get("form")
    if form is not None and form.errors:
        found += [(None, None, " ".join(e)) for e in form.errors.values()]
    accepted = context.get("confirm_form") is not None
    assert not (accepted and found), f"a confirm button beside problems: {found}"
    return accepted, found


def _job(case, path, client, world, capture):
    kind = path.split(":")[1]
    with capture(execute=True):
        response = client.post(reverse("mentorship:import_list"), {"kind": kind, "file": _upload(case)})
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        preview = response.context.get("preview")
        if preview is not None:
            if preview.key and not preview.problems:
                client.last_key = preview.key
                return True, []
            assert preview.problems and not preview.key, "a bad file got a confirm button"
            assert not ImportJob.objects.exists()
            return False, [(p.row, p.column, p.message) for p in preview.problems]
        form = response.context["form"]
        return False, [(None, None, " ".join(e)) for e in form.errors.values()]
    job = ImportJob.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert client.get(reverse("mentorship:import_detail", args=[job.pk])).status_code == 200
    if job.status != ImportStatus.FAILED:
        return True, []
    found = [(None, None, job.message)]
    for error in job.errors:
        for text in error["messages"]:
            column, _, message = text.partition(": ") if ": " in text else (None, "", text)
            found.append((error["row"], column, message if column else text))
    return False, found


def _roadmap(case, path, client, world):
    if path == "admin:roadmap":
        client.force_login(world.admin)
        urls = ("admin:roadmaps_roadmap_import", "admin:roadmaps_roadmap_import_confirm")
    else:
        urls = ("roadmaps:import", "roadmaps:import_confirm")
    data = {"file": _upload(case), "municipality": world.home.municipality.pk, "organization": ""}
    response = client.post(reverse(urls[0]), data)
    assert response.status_code == 200, response.status_code
    form = response.context.get("form")
    staged = response.context.get("staged")
    if staged is None:
        assert form is not None and form.errors, "neither an error nor a preview"
        return False, [(None, None, " ".join(e)) for e in form.errors.values()]
    if case.may_pass:  # read into a preview: that is all an odd but readable file needs
        _check_preview_text(case, staged.document)
        return True, []
    before = Roadmap.objects.count()
    confirm = client.post(reverse(urls[1]), {"token": staged.token})
    assert confirm.status_code == 302, confirm.status_code
    found = [(None, None, str(m)) for m in get_messages(confirm.wsgi_request)]
    return Roadmap.objects.count() > before, found


def _check_preview_text(case, document) -> None:
    """What an accepted roadmap must show (a text in a tracked insertion, a field, a nested table…)
    and must not (a tracked deletion)."""
    text = json.dumps(document.to_json(), ensure_ascii=False)
    missing = [t for t in case.extra.get("has", []) if t not in text]
    assert not missing, f"not read: {missing}"
    shown = [t for t in case.extra.get("hasnt", []) if t in text]
    assert not shown, f"read, but deleted or hidden in the file: {shown}"


def _command(case, path, world, tmp_path):
    name = Path(case.filename).name
    if len(name.encode()) > 200:  # no file system keeps a longer name: the command is given a shorter one
        name = name[:60] + Path(name).suffix
    source = tmp_path / name
    source.write_bytes(case.content())
    try:
        call_command("import_roadmap", str(source), municipality=world.home.municipality.name)
    except CommandError as exc:
        return False, [(None, None, str(exc))]
    return True, []


def _record(world):
    roadmap = SchoolRoadmapFactory(organization=world.home.school)
    due = DueDateFactory(activity=ActivityFactory(roadmap=roadmap))
    return ExecutionRecordFactory(due=due, organization=world.home.school)


def _document(case, path, client, world):
    """Posts the file where a person attaches one; the answer is a redirect (kept) or the form again."""
    if path == "evidence":
        record = _record(world)
        url = reverse("roadmaps:record", args=[record.pk])
        data = {"status": "done", "completed_on": "20.12.2025", "evidence_file": _upload(case)}
        stored = lambda: ExecutionRecord.objects.exclude(evidence_file="").exists()  # noqa: E731
    elif path == "consent":
        person = world.home_person
        url = reverse("mentorship:consent_create", args=[person.pk])
        data = {"given_on": "01.09.2025", "purpose": "Участие в программе наставничества", "scan": _upload(case)}
        stored = lambda: Consent.objects.filter(person=person).exclude(scan="").exists()  # noqa: E731
    else:
        practice = Practice.objects.create(
            organization=world.home.school, title="Кейс", authors="Иванова", description="Описание"
        )
        url = reverse("mentorship:practice_detail", args=[practice.pk])
        data = {"title": "Материалы", "file": _upload(case)}
        stored = lambda: PracticeFile.objects.exists()  # noqa: E731
    response = client.post(url, data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert stored(), "a redirect, but no file kept"
        return True, []
    form = response.context.get("form") or response.context.get("file_form")
    assert form is not None and form.errors, "the form again, with no error"
    return False, [(None, None, " ".join(form.errors.get(name, []) or [""])) for name in form.errors] + [
        (None, None, " ".join(form.non_field_errors()))
    ]


def _check(case, accepted: bool, found, before, files_before, media: Path) -> None:
    text = " | ".join(f"{row}/{column}/{message}" for row, column, message in found)
    assert not LEAKS.search(" | ".join(f"{column or ''} {message}" for _, column, message in found)), text
    if accepted:
        assert case.may_pass, f"a hostile file was accepted: {text}"
        return
    assert _counts() == before, "something was written"
    new_files = _files(media) - files_before
    # a background job keeps the file it was given (the job's record); nothing else may stay behind
    assert all(name.startswith("mentorship/imports/") for name in new_files), new_files
    assert not StagedUpload.objects.exists()
    assert found and any(re.search(r"[а-яё]{3}", m or "", re.I) for _, _, m in found), text
    matching = [f for f in found if not case.expect or case.expect in (f[2] or "") or case.expect in f"{f[1]}: {f[2]}"]
    assert matching, f"expected «{case.expect}» in: {text}"
    if case.row is not None:
        assert any(row == case.row or f"трока {case.row}" in (message or "") for row, _, message in matching), text
    if case.column is not None:
        assert any(column == case.column or f"«{case.column}»" in (message or "") for _, column, message in matching), (
            text
        )


@pytest.fixture
def home_person(world):
    from tests.mentorship.factories import MenteeFactory

    world.home_person = MenteeFactory(organization=world.home.school, last_name="Согласова")
    return world.home_person


@pytest.mark.parametrize(("path", "case"), list(_params({**SPREADSHEET_PATHS})))
def test_hostile_spreadsheet(path, case, world, client_for, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_MAX_ROWS = 200
    seed_people(world)
    media = Path(settings.MEDIA_ROOT)
    before, files_before = _counts(), _files(media)
    client = client_for(world.home.coordinator)
    started = time.monotonic()
    if path.startswith("admin:"):
        accepted, found = _admin(case, path, client, world)
    else:
        accepted, found = _job(case, path, client, world, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 60, "a hostile file kept the request for a minute"
    _check(case, accepted, found, before, files_before, media)
    if accepted and path.startswith("job:"):
        _check_no_doubles(case, path, client, world, before, django_capture_on_commit_callbacks)
    elif accepted and "new_people" in case.extra:
        new = sum(1 for row in found_rows(client) if row == "new")
        assert new == case.extra["new_people"], f"{new} new people in the preview, one of them already there"


def found_rows(client) -> list[str]:
    """The import types of the admin preview's rows (the last response of the client)."""
    result = client.last_preview.context.get("result") if getattr(client, "last_preview", None) else None
    return [row.import_type for row in result.valid_rows()] if result is not None else []


def _check_no_doubles(case, path, client, world, before, capture) -> None:
    """An accepted file wrote its rows once: people retyped with invisible characters were found, and
    the same file sent again adds nobody."""
    from mentorship.models import Person

    _confirm_job(client, capture)
    people = Person.objects.count()
    if "new_people" in case.extra:
        assert people == before["Person"] + case.extra["new_people"], "a person already there was created again"
    if case.extra.get("twice"):
        accepted, found = _job(case, path, client, world, capture)
        assert accepted, found
        _confirm_job(client, capture)
        assert Person.objects.count() == people, "the same file sent twice created people twice"


def _confirm_job(client, capture) -> None:
    """Confirms the preview the last upload showed; the background job runs at once."""
    key = getattr(client, "last_key", None)
    if not key:  # the file went straight to a job
        return
    with capture(execute=True):
        response = client.post(reverse("mentorship:import_confirm"), {"key": key})
    assert response.status_code == 302, response.status_code
    job = ImportJob.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert job.status != ImportStatus.FAILED, (job.message, job.errors)


@pytest.mark.parametrize(("path", "case"), list(_params({"roadmap": ROADMAP_PATHS})))
def test_hostile_roadmap_document(path, case, world, client_for, settings, tmp_path):
    media = Path(settings.MEDIA_ROOT)
    before, files_before = _counts(), _files(media)
    client = client_for(world.home.coordinator)
    if path == "cmd:import_roadmap":
        accepted, found = _command(case, path, world, tmp_path)
    else:
        accepted, found = _roadmap(case, path, client, world)
    if accepted:
        assert case.may_pass, f"a hostile roadmap was accepted: {found}"
        return
    _check(case, accepted, found, before, files_before, media)


@pytest.mark.parametrize(("path", "case"), list(_params({"document": DOCUMENT_PATHS})))
def test_hostile_document_upload(path, case, world, home_person, client_for, settings):
    if "max_mb" in case.extra:
        settings.UPLOAD_MAX_BYTES = case.extra["max_mb"] * 1024 * 1024
    media = Path(settings.MEDIA_ROOT)
    files_before = _files(media)
    client = client_for(world.home.coordinator)
    accepted, found = _document(case, path, client, world)
    new_files = _files(media) - files_before
    if accepted:
        assert case.may_pass, f"a hostile file was kept: {new_files}"
        # whatever its name said, the file lands inside MEDIA_ROOT, under a name without a path
        assert all(".." not in name and "etc/passwd" not in name for name in new_files), new_files
        return
    assert not new_files, f"a refused upload left {new_files}"
    text = " | ".join(m for _, _, m in found if m)
    assert not LEAKS.search(text), text
    assert re.search(r"[а-яё]{3}", text, re.I), text
    assert not case.expect or case.expect in text, f"expected «{case.expect}» in: {text}"


STRAY = (Path("/tmp/hostile-zip-slip.txt"), Path("/tmp/hostile-absolute.txt"))


@pytest.mark.parametrize(("path", "case"), list(_params({"municipality": ["cmd:import_municipality"]})))
def test_hostile_municipality_archive(path, case, world, settings, tmp_path):
    """`manage.py import_municipality`: a refused archive writes nothing (no rows, no files, nothing
    outside MEDIA_ROOT) and changes no row of another place; a good one imported twice adds nothing."""
    import io

    from accounts.models import Municipality, Region

    def places():
        return sorted(Region.objects.values_list("pk", "name")), sorted(
            Municipality.objects.values_list("pk", "name", "region_id")
        )

    for stray in STRAY:
        stray.unlink(missing_ok=True)
    if "taken" in case.extra:  # another place already holds the archive's ids in this database
        region_pk, municipality_pk = case.extra["taken"]
        if not Region.objects.filter(pk=region_pk).exists():
            Region.objects.create(pk=region_pk, name="Регион этой базы")
        if not Municipality.objects.filter(pk=municipality_pk).exists():
            MunicipalityFactory(pk=municipality_pk, region_id=region_pk, name="Муниципалитет этой базы")
    media = Path(settings.MEDIA_ROOT)
    before, files_before, places_before = _counts(), _files(media), places()
    source = tmp_path / case.filename
    source.write_bytes(case.content())

    def run():
        try:
            call_command("import_municipality", str(source), stdout=io.StringIO())
        except CommandError as exc:
            return False, [(None, None, str(exc))]
        return True, []

    accepted, found = run()
    assert not [stray for stray in STRAY if stray.exists()], "a file was written outside MEDIA_ROOT"
    if accepted:
        assert case.may_pass, "a hostile archive was imported"
        assert case.extra.get("twice")
        after, files_after = _counts(), _files(media)
        again, found = run()
        assert not again, "the same archive was imported twice"
        assert _counts() == after and _files(media) == files_after, "the second import wrote something"
        text = " ".join(m for _, _, m in found)
        assert "уже есть" in text and not LEAKS.search(text), text
        return
    assert places() == places_before, "rows of other places were changed"
    _check(case, accepted, found, before, files_before, media)


assert COUNTED  # the models whose rows are counted before and after (tests/test_badfiles.py)
