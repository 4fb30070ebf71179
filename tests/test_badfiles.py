"""Every bad file of the corpus (tests/badfiles/build.py) through its import path: no 500, no
traceback, nothing written (row counts and stored files before and after), and the Russian message
it must produce, with the Excel row and the column where the fault has them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Municipality, Organization, Region, RoleAssignment, StagedUpload, User
from mentorship.models import ImportJob, ImportStatus, Pair, PairParticipant, Person
from roadmaps.models import Activity, Roadmap, Section
from tests.badfiles import build
from tests.mentorship.factories import MenteeFactory, MentorFactory, make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(module_world, db):
    """One world for the module's hundreds of cases, built once (tests/conftest.py `module_world`);
    each bad file is tried in a transaction of its own over it."""
    return module_world


# the row limit is a setting; the files over it are built against a small one to stay small
TEST_MAX_ROWS = 200
CASES = build.all_cases(max_rows=TEST_MAX_ROWS)
COUNTED = (
    Person,
    Pair,
    PairParticipant,
    Organization,
    User,
    RoleAssignment,
    Roadmap,
    Section,
    Activity,
    Municipality,
    Region,
)
# what a person must never see
LEAKS = re.compile(
    r"Traceback|object has no attribute|<class |\bNone\b|\{\}|Column '|not found in dataset|BadZipFile|IntegrityError|DataError|ConversionSyntax"
)


def seed_people(world) -> None:
    school = world.home.school
    MentorFactory(organization=school, last_name="Наставникова", first_name="Анна", middle_name="Петровна", capacity=1)
    MenteeFactory(organization=school, last_name="Ученикова", first_name="Ольга", middle_name="Ивановна")
    MenteeFactory(organization=school, last_name="Свободнова", first_name="Юлия", middle_name="Петровна")
    busy = MenteeFactory(organization=school, last_name="Занятова", first_name="Вера", middle_name="Павловна")
    other_mentor = MentorFactory(organization=school, last_name="Другая", first_name="Ирина", capacity=3)
    make_pair(school, mentors=[other_mentor], mentees=[busy])


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _files(root: Path) -> set[str]:
    if not root.exists():
        return set()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _upload(case) -> SimpleUploadedFile:
    return SimpleUploadedFile(case.filename, case.make(), content_type="application/octet-stream")


def _problems_from_admin(response) -> list[tuple[int | None, str | None, str]]:
    context = response.context or {}
    found = [(p.row, p.column, p.message) for p in context.get("problems") or []]
    form = context.get("form")
    if form is not None and form.errors:
        found += [(None, None, " ".join(e)) for e in form.errors.values()]
    return found


def _run_admin(case, client, world):
    model = case.path.split(":")[1]
    app = "accounts" if model in ("organization", "user") else "mentorship"
    response = client.post(
        reverse(f"admin:{app}_{model}_import"), {"import_file": _upload(case), "format": "0", "resource": "0"}
    )
    assert response.status_code == 200, response.status_code
    assert response.context.get("confirm_form") is None, "a bad file got a confirm button"
    return _problems_from_admin(response)


def _run_job(case, client, world, django_capture_on_commit_callbacks):
    kind = case.path.split(":")[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentorship:import_list"), {"kind": kind, "file": _upload(case)})
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        preview = response.context.get("preview")
        if preview is not None:  # the preview (a dry run) found the rows' problems: nothing written
            assert preview.problems and not preview.key, "a bad file got a confirm button"
            assert not ImportJob.objects.exists()
            return [(None, None, "Ничего не записано")] + [(p.row, p.column, p.message) for p in preview.problems]
        form = response.context["form"]
        return [(None, None, " ".join(e)) for e in form.errors.values()]
    job = ImportJob.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert job.status == ImportStatus.FAILED, job.message
    detail = client.get(reverse("mentorship:import_detail", args=[job.pk]))
    assert detail.status_code == 200
    found = [(None, None, job.message)]
    for error in job.errors:
        for text in error["messages"]:
            column, _, message = text.partition(": ") if ": " in text else (None, "", text)
            found.append((error["row"], column, message if column else text))
    return found


def _run_roadmap(case, client, world):
    response = client.post(
        reverse("roadmaps:import"),
        {"file": _upload(case), "municipality": world.home.municipality.pk, "organization": ""},
    )
    assert response.status_code == 200, response.status_code
    form = response.context.get("form")
    if form is not None and form.errors:
        return [(None, None, " ".join(e)) for e in form.errors.values()]
    staged = response.context.get("staged")
    assert staged is not None, "neither an error nor a preview"
    if case.extra.get("may_succeed"):
        return None
    confirm = client.post(reverse("roadmaps:import_confirm"), {"token": staged.token})
    assert confirm.status_code == 302
    return [(None, None, str(m)) for m in get_messages(confirm.wsgi_request)]


def _run_command(case, world, tmp_path):
    source = tmp_path / case.filename
    source.write_bytes(case.make())
    with pytest.raises(CommandError) as caught:
        if case.path == "cmd:import_roadmap":
            call_command("import_roadmap", str(source), municipality=world.home.municipality.name)
        else:
            call_command("import_municipality", str(source))
    return [(None, None, str(caught.value))]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_file_is_refused_with_a_russian_message_and_writes_nothing(
    case, world, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORT_MAX_ROWS = TEST_MAX_ROWS
    seed_people(world)
    media = Path(settings.MEDIA_ROOT)
    before, files_before = _counts(), _files(media)
    if case.path.startswith("admin:"):
        found = _run_admin(case, client_for(world.home.coordinator), world)
    elif case.path.startswith("job:"):
        found = _run_job(case, client_for(world.home.coordinator), world, django_capture_on_commit_callbacks)
    elif case.path == "roadmap":
        found = _run_roadmap(case, client_for(world.home.coordinator), world)
    else:
        found = _run_command(case, world, tmp_path)
    if found is None:  # a file that may be read (a signature table under the roadmap): no 500 is the point
        return
    assert _counts() == before, "something was written"
    new_files = _files(media) - files_before
    # a background job keeps the file it was given (the job's record); nothing else may stay behind
    assert all(name.startswith("mentorship/imports/") for name in new_files), new_files
    assert not StagedUpload.objects.exists()
    text = " | ".join(f"{row}/{column}/{message}" for row, column, message in found)
    assert found and any(re.search(r"[а-яё]", m, re.I) for _, _, m in found), text
    assert not LEAKS.search(" | ".join(m for _, _, m in found)), text
    matching = [f for f in found if case.expect in f[2] or case.expect in f"{f[1]}: {f[2]}"]
    assert matching, f"expected «{case.expect}» in: {text}"
    if case.row is not None:
        assert any(row == case.row or f"трока {case.row}" in message for row, _, message in matching), text
    if case.column is not None:
        assert any(column == case.column or f"«{case.column}»" in message for _, column, message in matching), text


def test_the_corpus_covers_every_path_with_about_a_hundred_files():
    paths = {c.path for c in CASES}
    assert paths == {
        "admin:mentor",
        "admin:mentee",
        "admin:pair",
        "admin:organization",
        "admin:user",
        "job:mentors",
        "job:mentees",
        "job:pairs",
        "roadmap",
        "cmd:import_roadmap",
        "cmd:import_municipality",
    }
    assert len(CASES) >= 100 and len({c.id for c in CASES}) == len(CASES)
