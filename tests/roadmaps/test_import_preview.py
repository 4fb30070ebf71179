"""The preview a person corrects before anything is written: period, order, dates of a cell, a new
version of a roadmap already loaded; and the warning before school copies of an ended roadmap."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.models import Activity, DueDate, Roadmap, RoadmapStatus

SAMPLE = "000_567cfd1ce6be8eda.docx"


def _docx_without_period() -> bytes:
    """An order whose title and cells name no year: the period must come from the person."""
    document = docx.Document()
    document.add_paragraph("План мероприятий (дорожная карта) по внедрению целевой модели наставничества")
    table = document.add_table(rows=4, cols=4)
    rows = [
        ("№ п/п", "Мероприятие", "Сроки", "Ответственные"),
        ("1.", "Нормативное обеспечение", "", ""),
        ("1.1", "Приказ о внедрении целевой модели наставничества", "сентябрь", "Руководители ОО"),
        ("1.2", "Положение о наставничестве", "по согласованию", "Руководители ОО"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    table.rows[1].cells[0].merge(table.rows[1].cells[3]).text = "1. Нормативное обеспечение"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _upload(client, world, name: str, content: bytes, url: str = "roadmaps:import"):
    response = client.post(
        reverse(url),
        {"file": SimpleUploadedFile(name, content), "municipality": world.home.municipality.pk},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def _form_data(response, **changes) -> dict:
    """What the browser would send back from the corrections form, with `changes` typed in."""
    form = response.context["form"]
    data = {"token": response.context["staged"].token}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, dt.date):
            value = value.strftime("%d.%m.%Y")
        data[name] = "" if value is None else value
    data.update(changes)
    return data


def _key_of(response, number: str) -> str:
    for section in response.context["rows"]:
        for row in section["activities"]:
            if row["number"] == number:
                return row["key"]
    raise AssertionError(number)


def test_preview_shows_period_order_columns_schedule_and_flags(client_for, world, samples_dir):
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes())
    html = response.content.decode()
    assert "01.01.2022–31.12.2024" in html  # the period, as дд.мм.гггг
    assert 'data-testid="preview-order"' in html and "не указан" in html
    # every activity is shown, with its schedule in words and dates
    assert html.count('data-testid="preview-activity"') == response.context["document"].activity_count == 26
    schedules = [row["schedule"] for s in response.context["rows"] for row in s["activities"]]
    assert any(s.startswith("однократно: 31.12.2022") for s in schedules), schedules[:5]
    # nothing written yet
    assert not Roadmap.objects.exists() and not Activity.objects.exists()


def test_correct_period_and_order_then_confirm(client_for, world, samples_dir):
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes())
    token = response.context["staged"].token
    data = _form_data(
        response,
        period_start="01.09.2026",
        period_end="31.08.2029",
        order_number="280-12",
        order_date="12.09.2026",
    )
    response = client.post(reverse("roadmaps:import_preview"), data)
    assert response.status_code == 200
    document = response.context["document"]
    assert (document.period_start, document.period_end) == (dt.date(2026, 9, 1), dt.date(2029, 8, 31))
    assert (document.order_number, document.order_date) == ("280-12", dt.date(2026, 9, 12))
    html = response.content.decode()
    assert "01.09.2026–31.08.2029" in html and "№ 280-12 от 12.09.2026" in html
    assert not Roadmap.objects.exists()
    # the corrections survive a plain reload of the preview
    again = client.get(reverse("roadmaps:import_preview"), {"token": token})
    assert again.context["document"].period_start == dt.date(2026, 9, 1)
    response = client.post(reverse("roadmaps:import_confirm"), {"token": token})
    roadmap = Roadmap.objects.get()
    assert response.status_code == 302
    assert (roadmap.period_start, roadmap.period_end) == (dt.date(2026, 9, 1), dt.date(2029, 8, 31))
    assert (roadmap.order_number, roadmap.order_date) == ("280-12", dt.date(2026, 9, 12))
    due = DueDate.objects.filter(activity__roadmap=roadmap)
    assert due.exists() and all(dt.date(2026, 9, 1) <= d.date <= dt.date(2029, 8, 31) for d in due)


def test_column_mapping_is_shown_and_can_be_changed(client_for, world, samples_dir):
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes())
    token = response.context["staged"].token
    html = response.content.decode()
    # which column was taken for what: «Сроки ← Столбец 4 — «Сроки»»
    assert "Сроки ← Столбец 4 — «Сроки»" in html and "Результат ← Столбец 3 — «Форма представления результата»" in html
    roles = response.context["document"].column_roles
    assert roles["deadline"] == 3 and roles["result"] == 2
    # the person says the deadlines are in column 3 and there is no result column
    response = client.post(
        reverse("roadmaps:import_preview"), _form_data(response, **{"column-deadline": "2", "column-result": "-1"})
    )
    assert response.status_code == 200, response.content.decode()[:300]
    first = response.context["rows"][0]["activities"][0]
    assert first["deadline_text"].startswith("Дорожные карты, программы") and first["result"] == ""
    # a second round of other corrections keeps the mapping
    response = client.post(reverse("roadmaps:import_preview"), _form_data(response, order_number="7"))
    assert response.context["document"].column_roles.get("deadline") == 2
    client.post(reverse("roadmaps:import_confirm"), {"token": token})
    activity = Activity.objects.get(number="1.1")
    assert activity.deadline_text.startswith("Дорожные карты, программы") and activity.result == ""


def test_bad_corrections_are_refused_with_russian_messages(client_for, world, samples_dir):
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes())
    key = _key_of(response, "1.1")
    data = _form_data(response, period_start="01.09.2026", period_end="31.08.2025", **{f"dates-{key}": "32.13.2026"})
    response = client.post(reverse("roadmaps:import_preview"), data)
    html = response.content.decode()
    assert "Окончание периода раньше начала." in html
    data = _form_data(response, period_start="01.09.2026", period_end="31.08.2027", **{f"dates-{key}": "32.12.2026"})
    response = client.post(reverse("roadmaps:import_preview"), data)
    assert "Нет такой даты: 32.12.2026." in response.content.decode()
    data = _form_data(response, period_start="01.09.2026", period_end="31.08.2027", **{f"dates-{key}": "15.01.2030"})
    response = client.post(reverse("roadmaps:import_preview"), data)
    assert "Даты вне периода (01.09.2026–31.08.2027): 15.01.2030" in response.content.decode()
    data = _form_data(response, **{f"dates-{key}": "в сентябре"})
    response = client.post(reverse("roadmaps:import_preview"), data)
    assert "Даты пишутся как дд.мм.гггг" in response.content.decode()
    assert not Roadmap.objects.exists()


def test_inline_dates_are_kept_beside_the_original_text(client_for, world, samples_dir):
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes())
    token = response.context["staged"].token
    key = _key_of(response, "1.1")
    response = client.post(
        reverse("roadmaps:import_preview"), _form_data(response, **{f"dates-{key}": "15.03.2023, 15.09.2023"})
    )
    row = next(r for s in response.context["rows"] for r in s["activities"] if r["key"] == key)
    assert row["corrected"] and row["schedule"] == "исправлено вручную: 15.03.2023, 15.09.2023"
    # a second round of corrections keeps the first
    response = client.post(reverse("roadmaps:import_preview"), _form_data(response, order_number="15 а"))
    row = next(r for s in response.context["rows"] for r in s["activities"] if r["key"] == key)
    assert row["corrected"]
    client.post(reverse("roadmaps:import_confirm"), {"token": token})
    activity = Activity.objects.get(roadmap__isnull=False, number="1.1")
    assert activity.deadline_text == "Декабрь 2022"  # the document's words stay
    assert [(d.date, d.origin) for d in activity.due_dates.all()] == [
        (dt.date(2023, 3, 15), DueDate.Origin.MANUAL),
        (dt.date(2023, 9, 15), DueDate.Origin.MANUAL),
    ]
    assert Roadmap.objects.get().order_number == "15 а"
    untouched = Activity.objects.get(number="1.2")
    assert [d.origin for d in untouched.due_dates.all()] == [DueDate.Origin.PARSED]


def test_no_period_found_asks_for_it_and_blocks_confirm(client_for, world):
    client = client_for(world.home.coordinator)
    response = _upload(client, world, "plan.docx", _docx_without_period())
    token = response.context["staged"].token
    html = response.content.decode()
    assert response.context["staged"].needs_period
    assert "не найден в документе — укажите его ниже" in html
    assert 'data-testid="confirm-blocked"' in html and "disabled" in html
    # the cell nobody can turn into dates is highlighted, with the reason
    key = _key_of(response, "1.2")
    row = next(r for s in response.context["rows"] for r in s["activities"] if r["key"] == key)
    assert row["flagged"] and f'data-key="{key}" class="table-danger" data-flagged="1"' in html
    # confirming anyway (a crafted request) is refused and nothing is written
    response = client.post(reverse("roadmaps:import_confirm"), {"token": token})
    assert response.status_code == 302 and "import/preview" in response.url
    assert not Roadmap.objects.exists()
    # correcting without the period is refused too
    response = client.post(reverse("roadmaps:import_preview"), _form_data(response=client.get(response.url)))
    assert "Период в документе не найден: укажите его" in response.content.decode()
    response = client.post(
        reverse("roadmaps:import_preview"),
        _form_data(response, period_start="01.09.2026", period_end="31.08.2027"),
    )
    assert not response.context["staged"].needs_period
    assert 'data-testid="confirm-blocked"' not in response.content.decode()
    client.post(reverse("roadmaps:import_confirm"), {"token": token})
    roadmap = Roadmap.objects.get()
    assert (roadmap.period_start, roadmap.period_end) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))


def test_same_order_offers_a_new_version(client_for, world, samples_dir, import_sample):
    old = import_sample(SAMPLE, world.home.municipality)
    old.order_number, old.order_date = "280-12", dt.date(2022, 9, 12)
    old.save()
    foreign = import_sample(SAMPLE, world.foreign.municipality)
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes())
    staged = response.context["staged"]
    # same title and period in the same municipality: found; the other municipality's copy is not
    assert [r.pk for r in staged.matches] == [old.pk]
    assert staged.matches[0].match_reason == "то же название и период"
    html = response.content.decode()
    assert 'data-testid="preview-matches"' in html and f'id="replaces-{old.pk}"' in html
    assert f'id="replaces-{foreign.pk}"' not in html
    response = client.post(
        reverse("roadmaps:import_preview"),
        _form_data(
            response, order_number="280-12", order_date="12.09.2022", period_start="01.09.2023", period_end="31.08.2025"
        ),
    )
    assert [r.match_reason for r in response.context["staged"].matches] == ["тот же приказ"]
    response = client.post(reverse("roadmaps:import_confirm"), {"token": staged.token, "replaces": old.pk})
    new = Roadmap.objects.exclude(pk__in=[old.pk, foreign.pk]).get()
    old.refresh_from_db()
    assert new.replaces_id == old.pk and old.status == RoadmapStatus.ARCHIVED
    assert response.url == reverse("roadmaps:detail", args=[new.pk])
    foreign.refresh_from_db()
    assert foreign.status == RoadmapStatus.DRAFT


def test_replaces_must_be_one_of_the_matches(client_for, world, samples_dir, import_sample):
    foreign = import_sample(SAMPLE, world.foreign.municipality)
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes())
    token = response.context["staged"].token
    response = client.post(reverse("roadmaps:import_confirm"), {"token": token, "replaces": foreign.pk})
    assert response.status_code == 302 and "import/preview" in response.url
    assert Roadmap.objects.count() == 1  # only the foreign one
    foreign.refresh_from_db()
    assert foreign.status == RoadmapStatus.DRAFT


def test_twin_on_purpose_is_allowed(client_for, world, samples_dir, import_sample):
    old = import_sample(SAMPLE, world.home.municipality)
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes())
    client.post(reverse("roadmaps:import_confirm"), {"token": response.context["staged"].token, "replaces": ""})
    assert Roadmap.objects.count() == 2
    old.refresh_from_db()
    assert old.status == RoadmapStatus.DRAFT


def test_preview_of_someone_elses_or_unknown_token(client_for, world, samples_dir):
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes())
    token = response.context["staged"].token
    other = client_for(world.foreign.coordinator)
    response = other.get(reverse("roadmaps:import_preview"), {"token": token})
    assert response.status_code == 302 and response.url == reverse("roadmaps:import")
    response = other.post(reverse("roadmaps:import_preview"), {"token": token, "period_start": "01.01.2030"})
    assert response.status_code == 302
    response = client.get(reverse("roadmaps:import_preview"))
    assert response.status_code == 302 and response.url == reverse("roadmaps:import")


def test_admin_preview_corrects_and_confirms(client_for, world, samples_dir):
    client = client_for(world.home.coordinator)
    response = _upload(client, world, SAMPLE, (samples_dir / SAMPLE).read_bytes(), url="admin:roadmaps_roadmap_import")
    token = response.context["staged"].token
    response = client.post(
        reverse("admin:roadmaps_roadmap_import_preview"),
        _form_data(response, period_start="01.01.2023", period_end="31.12.2025"),
    )
    assert response.status_code == 200 and "01.01.2023–31.12.2025" in response.content.decode()
    client.post(reverse("admin:roadmaps_roadmap_import_confirm"), {"token": token})
    assert Roadmap.objects.get().period_end == dt.date(2025, 12, 31)


@pytest.mark.parametrize("new_period", [True, False])
def test_derive_from_an_ended_roadmap_warns_first(client_for, world, import_sample, new_period):
    roadmap = import_sample(SAMPLE, world.home.municipality)  # 2022–2024: over
    url = reverse("roadmaps:derive", args=[roadmap.pk])
    client = client_for(world.home.coordinator)
    page = client.get(url).content.decode()
    assert 'data-testid="derive-period-over"' in page and "31.12.2024" in page
    data = {"organizations": [world.home.school.pk]}
    if new_period:
        data["period_start"] = "01.01.2027"  # moved to a new period: nothing to confirm
    response = client.post(url, data)
    if new_period:
        assert response.status_code == 302
        assert Roadmap.objects.get(parent=roadmap).period_start == dt.date(2027, 1, 1)
    else:
        assert response.status_code == 200 and not Roadmap.objects.filter(parent=roadmap).exists()
        response = client.post(url, {**data, "confirm_period_over": "on"})
        assert response.status_code == 302 and Roadmap.objects.filter(parent=roadmap).count() == 1


def test_derive_from_a_current_roadmap_asks_nothing(client_for, world, import_sample):
    roadmap = import_sample(SAMPLE, world.home.municipality)
    roadmap.period_end = dt.date.today() + dt.timedelta(days=400)
    roadmap.save()
    client = client_for(world.home.coordinator)
    url = reverse("roadmaps:derive", args=[roadmap.pk])
    assert 'data-testid="derive-period-over"' not in client.get(url).content.decode()
    assert client.post(url, {"organizations": [world.home.school.pk]}).status_code == 302
