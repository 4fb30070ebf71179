"""Export one municipality to an archive and load it into an empty database."""

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.backup import BackupError, export_municipality, import_municipality, municipality_paths
from accounts.models import Municipality, Organization, User
from tests.snapshot import seed_demo


@pytest.fixture
def seeded(from_snapshot):
    """The demo, seeded by the worker's first backup test and restored for the others."""
    from_snapshot("demo", seed_demo)
    return Municipality.objects.get(name="город Норильск")


def _snapshot(municipality_name: str) -> dict:
    municipality = Municipality.objects.get(name=municipality_name)
    counts = {}
    for label in (
        "accounts.Organization",
        "mentorship.Person",
        "mentorship.Pair",
        "roadmaps.ExecutionRecord",
        "roadmaps.Activity",
        "monitoring.SchoolReport",
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        paths = municipality_paths(model)
        from django.db.models import Q

        q = Q()
        for path in paths:
            q |= Q(**{path: municipality.pk})
        counts[label] = model.objects.filter(q).distinct().count()
    counts["orgs"] = sorted(
        Organization.objects.filter(municipality=municipality).values_list("short_name", "full_name")
    )
    counts["users"] = sorted(
        User.objects.filter(roles__organization__municipality=municipality).values_list("username", "last_name")
    )
    return counts


def test_round_trip_into_an_empty_database(seeded):
    before = _snapshot("город Норильск")
    assert before["accounts.Organization"] >= 12
    archive = io.BytesIO()
    counts = export_municipality(seeded, archive)
    assert counts["accounts.Municipality"] == 1
    # the other municipality is not in the archive
    archive.seek(0)
    with zipfile.ZipFile(archive) as zf:
        text = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("data/"))
        manifest = json.loads(zf.read("manifest.json"))
    assert "Нижневартовск" not in text
    assert manifest["municipality"] == "город Норильск"

    call_command("flush", interactive=False, verbosity=0)
    assert not Municipality.objects.exists()
    archive.seek(0)
    loaded = import_municipality(archive)
    assert loaded == {label: n for label, n in counts.items() if n}
    assert _snapshot("город Норильск") == before
    assert not Municipality.objects.filter(name="город Нижневартовск").exists()
    # sequences continue after the imported ids
    Organization.objects.create(
        municipality=Municipality.objects.get(), short_name="Новая школа", full_name="Новая школа"
    )


def test_import_refuses_a_database_that_has_the_municipality(seeded):
    archive = io.BytesIO()
    export_municipality(seeded, archive)
    archive.seek(0)
    with pytest.raises(BackupError, match="уже есть в этой базе"):
        import_municipality(archive)


def test_commands(seeded, tmp_path):
    out = tmp_path / "norilsk.zip"
    stdout = io.StringIO()
    call_command("export_municipality", "--municipality", "город Норильск", "--out", str(out), stdout=stdout)
    assert out.exists() and "запис" in stdout.getvalue()
    call_command("flush", interactive=False, verbosity=0)
    stdout = io.StringIO()
    call_command("import_municipality", str(out), stdout=stdout)
    assert Organization.objects.filter(municipality__name="город Норильск").count() >= 12


def test_an_archive_made_before_programs_kept_their_municipality_still_loads(seeded):
    """Programs and practices store their municipality since mentorship 0012; an archive exported
    before has no such field in their rows, and the import fills it from the pair or organization."""
    from mentorship.models import Practice, Program

    expected = dict(Program.objects.filter(municipality=seeded).values_list("pk", "municipality_id"))
    assert expected and Practice.objects.filter(municipality=seeded).exists()
    archive = io.BytesIO()
    export_municipality(seeded, archive)
    archive.seek(0)
    older = io.BytesIO()
    stripped = 0
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(older, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name.endswith(("_mentorship.Program.json", "_mentorship.Practice.json")):
                rows = json.loads(data)
                for row in rows:
                    del row["fields"]["municipality"]
                    stripped += 1
                data = json.dumps(rows, ensure_ascii=False).encode()
            target.writestr(name, data)
    assert stripped >= len(expected)
    call_command("flush", interactive=False, verbosity=0)
    older.seek(0)
    import_municipality(older)
    assert dict(Program.objects.values_list("pk", "municipality_id")) == {
        pk: Municipality.objects.get().pk for pk in expected
    }
    assert not Practice.objects.filter(municipality__isnull=True).exists()
