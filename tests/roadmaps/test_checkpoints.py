"""Continuous work is checked as the municipality set (year, half-year or quarter): in the preview,
in the written roadmap and when a deadline is edited later; half-yearly work is stored as such."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Checkpoints
from roadmaps.deadlines import CHECKPOINTS, parse_deadline
from roadmaps.models import Activity, Recurrence
from roadmaps.services import activity_update

pytestmark = pytest.mark.django_db

D = dt.date


def _order() -> bytes:
    document = docx.Document()
    document.add_paragraph(
        "План мероприятий (дорожная карта) по внедрению целевой модели наставничества на 2026–2027 годы"
    )
    rows = [
        ("№ п/п", "Мероприятие", "Сроки", "Ответственные"),
        ("1.", "Сопровождение наставнических пар", "", ""),
        ("1.1", "Мониторинг работы наставнических пар", "постоянно", "Руководители ОО"),
        ("1.2", "Отчёт о работе наставников", "в конце каждого полугодия", "Руководители ОО"),
    ]
    table = document.add_table(rows=len(rows), cols=4)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    table.rows[1].cells[0].merge(table.rows[1].cells[3]).text = "1. Сопровождение наставнических пар"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_setting_and_the_reader_know_the_same_choices():
    assert set(Checkpoints.values) == set(CHECKPOINTS)


def test_half_yearly_work_is_stored_as_half_yearly():
    parsed = parse_deadline("в конце каждого полугодия", D(2026, 1, 1), D(2026, 12, 31))
    assert parsed.recurrence == Recurrence.HALF_YEARLY
    assert parsed.dates == [D(2026, 6, 30), D(2026, 12, 31)]


def _import(client, world):
    response = client.post(
        reverse("roadmaps:import"),
        {"file": SimpleUploadedFile("plan.docx", _order()), "municipality": world.home.municipality.pk},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    staged = response.context["staged"]
    return response, staged


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (Checkpoints.YEAR, [D(2026, 12, 31), D(2027, 12, 31)]),
        (Checkpoints.HALF, [D(2026, 6, 30), D(2026, 12, 31), D(2027, 6, 30), D(2027, 12, 31)]),
        (
            Checkpoints.QUARTER,
            [D(2026, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]
            + [D(2027, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))],
        ),
    ],
)
def test_continuous_work_follows_the_municipality_setting(client_for, world, setting, expected):
    municipality = world.home.municipality
    municipality.roadmap_checkpoints = setting
    municipality.save(update_fields=["roadmap_checkpoints"])
    client = client_for(world.home.coordinator)
    response, staged = _import(client, world)
    continuous = staged.document.sections[0].activities[0]
    assert staged.document.deadline(continuous.deadline_text).dates == expected
    assert "1.1" in response.content.decode()

    response = client.post(reverse("roadmaps:import_confirm"), {"token": staged.token})
    assert response.status_code == 302
    activity = Activity.objects.get(roadmap__municipality=municipality, number="1.1")
    assert sorted(activity.due_dates.values_list("date", flat=True)) == expected
    assert activity.recurrence == Recurrence.CONTINUOUS
    half = Activity.objects.get(roadmap__municipality=municipality, number="1.2")
    assert half.recurrence == Recurrence.HALF_YEARLY

    # a deadline edited later is read with the same setting
    activity_update(
        activity=activity,
        user=world.home.coordinator,
        title=activity.title,
        result=activity.result,
        deadline_text="в течение года",
        responsible_text=activity.responsible_text,
        participants_text=activity.participants_text,
    )
    assert sorted(activity.due_dates.values_list("date", flat=True)) == expected
