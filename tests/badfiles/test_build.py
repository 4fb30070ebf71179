"""The bad-file corpus's build script (tests/badfiles/build.py): it writes every case and a manifest.

It touches no database, so `.ci/run` runs it once, in its first pass. The files over the import row
limit are built against a small limit here (as tests/test_badfiles.py reads them): the script is
under test, not openpyxl writing 10,001 rows.
"""

from __future__ import annotations

import json

from tests.badfiles import build

SMALL_LIMIT = 200


def test_build_script_writes_the_files_and_a_manifest(tmp_path):
    build.main(str(tmp_path), max_rows=SMALL_LIMIT)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    cases = build.all_cases(max_rows=SMALL_LIMIT)
    assert [item["file"].rsplit(".", 1)[0] for item in manifest] == [case.id for case in cases]
    assert all((tmp_path / item["file"]).is_file() for item in manifest)
    assert {item["path"] for item in manifest} >= {"admin:mentor", "job:mentors", "roadmap", "cmd:import_roadmap"}
