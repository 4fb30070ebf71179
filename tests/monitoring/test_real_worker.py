"""The annual report is built by a real Celery worker on Redis (PostgreSQL run of .ci/run)."""

import datetime as dt
import io
import os
import time

import pytest
from openpyxl import load_workbook

from monitoring import services
from monitoring.models import AnnualReportBuild, BuildStatus
from tests.monitoring import factories as f


@pytest.mark.real_worker
def test_annual_report_built_by_real_worker(transactional_db, celery_worker_process, world, settings):
    # the worker process stores files under its own MEDIA_ROOT (from the environment): read them there
    settings.MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(settings.VAR_DIR / "media"))
    f.pair(world.home.school)
    f.pair(world.home.other_school)
    build = services.build_request(
        user=world.home.methodologist, municipality=world.home.municipality, year=dt.date.today().year
    )  # autocommit: on_commit sends at once
    deadline = time.monotonic() + 90
    seen = set()
    while time.monotonic() < deadline:
        build.refresh_from_db()
        seen.add(build.progress)
        if build.is_finished:
            break
        time.sleep(0.05)
    assert build.status == BuildStatus.DONE, build.error
    assert build.task_id and build.progress == 100
    summary = {
        r[0]: r[1]
        for r in load_workbook(io.BytesIO(build.xlsx.read()))["Сводка"].iter_rows(min_row=4, values_only=True)
    }
    assert summary["Действующих пар и групп"] == 2
    assert AnnualReportBuild.objects.filter(status=BuildStatus.DONE).count() == 1
