"""Every screen as insider, read-only user and outsider (the `world` fixture)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.models import ExecutionRecord, ExecutionStatus, Roadmap, RoadmapLevel, RoadmapStatus

pytestmark = pytest.mark.django_db


def _copy(roadmap, organization):
    return Roadmap.objects.get(parent=roadmap, organization=organization)


def _record(roadmap, organization, number="1.1"):
    return (
        ExecutionRecord.objects.filter(activity__roadmap=_copy(roadmap, organization), activity__number=number)
        .select_related("due")
        .first()
    )


# Lists and pages ---------------------------------------------------------------------------------
def test_list_is_scoped(client_for, world, home_roadmap, import_sample):
    foreign = import_sample("003_9600eaf07fc5e7ca.docx", world.foreign.municipality)
    page = client_for(world.home.coordinator).get(reverse("roadmaps:list"))
    ids = {r.pk for r in page.context["page"].object_list}
    assert home_roadmap.pk in ids and foreign.pk not in ids
    assert _copy(home_roadmap, world.home.school).pk in ids and _copy(home_roadmap, world.home.other_school).pk in ids

    curator_ids = {
        r.pk for r in client_for(world.home.curator).get(reverse("roadmaps:list")).context["page"].object_list
    }
    assert home_roadmap.pk in curator_ids, "curators read their municipality's roadmap"
    assert _copy(home_roadmap, world.home.school).pk in curator_ids
    assert _copy(home_roadmap, world.home.other_school).pk not in curator_ids


def test_list_filters(client_for, world, home_roadmap):
    page = client_for(world.home.coordinator).get(reverse("roadmaps:list"), {"level": RoadmapLevel.MUNICIPAL})
    assert [r.pk for r in page.context["page"].object_list] == [home_roadmap.pk]


@pytest.mark.parametrize("name", ["roadmaps:detail", "roadmaps:timeline", "roadmaps:matrix"])
def test_roadmap_pages_insider_readonly_outsider(client_for, world, home_roadmap, name):
    url = reverse(name, args=[home_roadmap.pk])
    response = client_for(world.home.coordinator).get(url)
    assert response.status_code == 200
    assert "Нормативно–правовое регулирование" in response.content.decode() or name != "roadmaps:detail"
    assert client_for(world.home.methodologist).get(url).status_code == 200
    assert client_for(world.foreign.coordinator).get(url).status_code == 404
    assert client_for(world.foreign.curator).get(url).status_code == 404


def test_detail_shows_edit_controls_only_to_editors(client_for, world, home_roadmap):
    url = reverse("roadmaps:detail", args=[home_roadmap.pk])
    assert client_for(world.home.coordinator).get(url).context["can_edit"] is True
    assert client_for(world.home.methodologist).get(url).context["can_edit"] is False
    assert client_for(world.home.curator).get(url).context["can_edit"] is False


def test_matrix_rows_and_rates(client_for, world, home_roadmap):
    record = _record(home_roadmap, world.home.school)
    record.status, record.completed_on, record.document_number = ExecutionStatus.DONE, record.due.date, "1-од"
    record.save()
    response = client_for(world.home.coordinator).get(reverse("roadmaps:matrix", args=[home_roadmap.pk]))
    matrix = response.context["matrix"]
    assert [row.organization for row in matrix.rows] == sorted(
        [world.home.school, world.home.other_school], key=lambda o: o.short_name
    )
    assert all(a.for_schools for a in matrix.activities)
    assert matrix.total.expected > 0 and matrix.total.done == 1 and matrix.total.on_time == 1
    first = matrix.activities.index(record.activity.source_activity)
    school_row = next(r for r in matrix.rows if r.organization == world.home.school)
    assert school_row.cells[first].state == "done"
    other_row = next(r for r in matrix.rows if r.organization == world.home.other_school)
    assert other_row.cells[first].state == "overdue", "2022 deadlines are long past"
    # a curator sees only the own school's row
    curator_rows = (
        client_for(world.home.curator).get(reverse("roadmaps:matrix", args=[home_roadmap.pk])).context["matrix"].rows
    )
    assert [r.organization for r in curator_rows] == [world.home.school]


def test_matrix_cell_opens_its_record_with_the_evidence(client_for, world, home_roadmap):
    record = _record(home_roadmap, world.home.school)
    record.status, record.completed_on, record.document_number = ExecutionStatus.DONE, record.due.date, "17-од"
    record.save()
    client = client_for(world.home.coordinator)
    response = client.get(reverse("roadmaps:matrix", args=[home_roadmap.pk]))
    matrix = response.context["matrix"]
    cell = next(r for r in matrix.rows if r.organization == world.home.school).cells[
        matrix.activities.index(record.activity.source_activity)
    ]
    assert cell.record_id == record.pk
    url = reverse("roadmaps:record", args=[record.pk])
    assert f'href="{url}"' in response.content.decode()
    assert "17-од" in client.get(url).content.decode()
    # an overdue cell opens its overdue record, the one that needs a look
    other = next(r for r in matrix.rows if r.organization == world.home.other_school)
    overdue = [c for c in other.cells if c.state == "overdue"]
    assert overdue and ExecutionRecord.objects.get(pk=overdue[0].record_id).status != ExecutionStatus.DONE


def test_matrix_only_for_municipal_roadmaps(client_for, world, home_roadmap):
    copy = _copy(home_roadmap, world.home.school)
    assert client_for(world.home.coordinator).get(reverse("roadmaps:matrix", args=[copy.pk])).status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_export_scoped(client_for, world, home_roadmap, fmt):
    url = reverse("roadmaps:export", args=[home_roadmap.pk, fmt])
    response = client_for(world.home.methodologist).get(url)
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client_for(world.foreign.methodologist).get(url).status_code == 404


# School roadmaps ---------------------------------------------------------------------------------
def test_derive_insider_readonly_outsider(client_for, world, import_sample):
    roadmap = import_sample("000_567cfd1ce6be8eda.docx", world.home.municipality)
    url = reverse("roadmaps:derive", args=[roadmap.pk])
    assert client_for(world.home.methodologist).get(url).status_code == 403
    assert client_for(world.home.curator).get(url).status_code == 403
    assert client_for(world.foreign.coordinator).get(url).status_code == 404
    # the sample's period (2022–2024) is over: the coordinator is warned and must confirm first
    response = client_for(world.home.coordinator).post(url, {"organizations": [world.home.school.pk]})
    assert response.status_code == 200 and not Roadmap.objects.filter(parent=roadmap).exists()
    assert "Период дорожной карты закончился 31.12.2024" in response.content.decode()
    assert 'data-testid="derive-period-over"' in response.content.decode()
    response = client_for(world.home.coordinator).post(
        url, {"organizations": [world.home.school.pk], "confirm_period_over": "on"}
    )
    assert response.status_code == 302
    copy = _copy(roadmap, world.home.school)
    school_numbers = list(roadmap.activities.filter(for_schools=True).values_list("number", flat=True))
    assert list(copy.activities.order_by("order").values_list("number", flat=True)) == school_numbers
    assert "2.1" not in school_numbers, "municipal-only activities stay out of school roadmaps"
    assert ExecutionRecord.objects.filter(activity__roadmap=copy, organization=world.home.school).exists()
    # running again changes nothing
    client_for(world.home.coordinator).post(url, {"organizations": [world.home.school.pk], "confirm_period_over": "on"})
    assert Roadmap.objects.filter(parent=roadmap).count() == 1


def test_derive_foreign_organization_not_offered(client_for, world, import_sample):
    roadmap = import_sample("000_567cfd1ce6be8eda.docx", world.home.municipality)
    response = client_for(world.home.coordinator).post(
        reverse("roadmaps:derive", args=[roadmap.pk]), {"organizations": [world.foreign.school.pk]}
    )
    assert response.status_code == 200 and not Roadmap.objects.filter(parent=roadmap).exists()


def test_template_moved_to_another_year(world, import_sample):
    from roadmaps import services

    template = import_sample("001_cfbfa34cfe2624be.xlsx", world.home.municipality)
    (copy,) = services.roadmap_derive_school(
        roadmap=template,
        organizations=[world.home.school],
        user=world.home.coordinator,
        period_start=dt.date(2026, 9, 1),
    )
    # «на 2022-2023 уч. год»: the academic year 01.09.2022–31.08.2023, moved to 2026/2027
    assert (copy.period_start, copy.period_end) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    activity = copy.activities.get(number="1.5.")
    original = template.activities.get(number="1.5.")
    assert activity.deadline_text == original.deadline_text == "Сентябрь 2022", "the printed text stays"
    assert [d.date for d in activity.due_dates.all()] == [dt.date(2026, 9, 30)]


def test_curator_adjusts_own_copy_only(client_for, world, home_roadmap):
    own = _copy(home_roadmap, world.home.school).activities.get(number="1.1")
    other = _copy(home_roadmap, world.home.other_school).activities.get(number="1.1")
    municipal = home_roadmap.activities.get(number="1.1")
    client = client_for(world.home.curator)
    data = {
        "title": own.title,
        "result": own.result,
        "deadline_text": "Март 2023",
        "responsible_text": own.responsible_text,
        "participants_text": "",
    }
    assert client.post(reverse("roadmaps:activity_edit", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert own.deadline_text == "Март 2023" and [d.date for d in own.due_dates.all()][-1] == dt.date(2023, 3, 31)
    assert client.post(reverse("roadmaps:activity_edit", args=[other.pk]), data).status_code == 404
    assert client.post(reverse("roadmaps:activity_edit", args=[municipal.pk]), data).status_code == 403


def test_status_approve_by_head_not_by_methodologist(client_for, world, home_roadmap):
    copy = _copy(home_roadmap, world.home.school)
    data = {"status": RoadmapStatus.APPROVED, "order_number": "12-од", "order_date": "01.09.2022"}
    client_for(world.home.head).post(reverse("roadmaps:status", args=[copy.pk]), data)
    copy.refresh_from_db()
    assert copy.status == RoadmapStatus.APPROVED and copy.order_date == dt.date(2022, 9, 1)
    response = client_for(world.home.methodologist).post(reverse("roadmaps:status", args=[home_roadmap.pk]), data)
    assert response.status_code == 403


# Upload: preview → confirm ------------------------------------------------------------------------
def _upload(samples_dir, name):
    return SimpleUploadedFile(name, (samples_dir / name).read_bytes())


def test_upload_preview_then_confirm(client_for, world, samples_dir):
    client = client_for(world.home.coordinator)
    response = client.post(
        reverse("roadmaps:import"),
        {
            "file": _upload(samples_dir, "000_567cfd1ce6be8eda.docx"),
            "municipality": world.home.municipality.pk,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Разделов:</strong> 6" in body and "мероприятий:</strong> 26" in body
    assert "Реквизиты приказа не распознаны" in body, "the placeholder order is a warning"
    assert Roadmap.objects.count() == 0, "nothing is written before confirmation"
    token = response.context["staged"].token
    response = client.post(reverse("roadmaps:import_confirm"), {"token": token})
    roadmap = Roadmap.objects.get()
    assert response.status_code == 302 and response.url == reverse("roadmaps:detail", args=[roadmap.pk])
    assert roadmap.activities.count() == 26 and roadmap.source_file
    # the token is spent
    assert client.post(reverse("roadmaps:import_confirm"), {"token": token}).status_code == 302
    assert Roadmap.objects.count() == 1


def test_upload_token_of_another_user_is_refused(client, world, samples_dir):
    client.force_login(world.home.coordinator)
    response = client.post(
        reverse("roadmaps:import"),
        {
            "file": _upload(samples_dir, "000_567cfd1ce6be8eda.xlsx"),
            "municipality": world.home.municipality.pk,
        },
    )
    token = response.context["staged"].token
    client.force_login(world.foreign.coordinator)
    client.post(reverse("roadmaps:import_confirm"), {"token": token})
    assert Roadmap.objects.count() == 0


def test_upload_bad_file_shows_russian_error(client_for, world):
    response = client_for(world.home.coordinator).post(
        reverse("roadmaps:import"),
        {
            "file": SimpleUploadedFile("plan.xlsx", b"this is not excel"),
            "municipality": world.home.municipality.pk,
        },
    )
    assert response.status_code == 200
    assert "повреждён или не является файлом .xlsx" in response.content.decode()
    response = client_for(world.home.coordinator).post(
        reverse("roadmaps:import"),
        {
            "file": SimpleUploadedFile("plan.xlsx", b"PK\x03\x04 but not a workbook"),
            "municipality": world.home.municipality.pk,
        },
    )
    assert "«plan.xlsx» не читается как Excel (.xlsx)" in response.content.decode()
    assert Roadmap.objects.count() == 0


def test_upload_permissions(client_for, world, samples_dir):
    assert client_for(world.home.methodologist).get(reverse("roadmaps:import")).status_code == 403
    assert client_for(world.home.head).get(reverse("roadmaps:import")).status_code == 403
    curator = client_for(world.home.curator)
    # a curator cannot upload the municipal roadmap…
    response = curator.post(
        reverse("roadmaps:import"),
        {
            "file": _upload(samples_dir, "001_cfbfa34cfe2624be.docx"),
            "municipality": world.home.municipality.pk,
        },
    )
    assert "муниципальную карту загружает координатор" in response.content.decode()
    # …nor another municipality's, but may upload the own school's roadmap
    response = curator.post(
        reverse("roadmaps:import"),
        {
            "file": _upload(samples_dir, "001_cfbfa34cfe2624be.docx"),
            "municipality": world.home.municipality.pk,
            "organization": world.home.school.pk,
        },
    )
    curator.post(reverse("roadmaps:import_confirm"), {"token": response.context["staged"].token})
    roadmap = Roadmap.objects.get()
    assert roadmap.level == RoadmapLevel.SCHOOL and roadmap.organization == world.home.school
    assert ExecutionRecord.objects.filter(activity__roadmap=roadmap, organization=world.home.school).exists()
    response = curator.post(
        reverse("roadmaps:import"),
        {
            "file": _upload(samples_dir, "001_cfbfa34cfe2624be.docx"),
            "municipality": world.home.municipality.pk,
            "organization": world.home.other_school.pk,
        },
    )
    assert "organization" in response.context["form"].errors


def test_admin_import_preview_and_confirm(client_for, world, samples_dir):
    client = client_for(world.home.coordinator)
    response = client.post(
        reverse("admin:roadmaps_roadmap_import"),
        {
            "file": _upload(samples_dir, "003_9600eaf07fc5e7ca.xlsx"),
            "municipality": world.home.municipality.pk,
        },
    )
    assert response.status_code == 200 and "мероприятий:</strong> 28" in response.content.decode()
    client.post(reverse("admin:roadmaps_roadmap_import_confirm"), {"token": response.context["staged"].token})
    assert Roadmap.objects.get().activities.count() == 28
    assert client.get(reverse("admin:roadmaps_roadmap_changelist")).status_code == 200


# Needs attention ----------------------------------------------------------------------------------
def test_attention_list_and_manual_dates(client_for, world, import_sample):
    roadmap = import_sample("003_9600eaf07fc5e7ca.docx", world.home.municipality)
    client = client_for(world.home.coordinator)
    listed = [a.number for a in client.get(reverse("roadmaps:attention")).context["page"].object_list]
    assert "6.2." in listed and "4.3." in listed
    activity = roadmap.activities.get(number="6.2.")
    response = client.post(reverse("roadmaps:activity_dates", args=[activity.pk]), {"dates": "01.07.2030"})
    assert "вне периода" in response.content.decode()
    response = client.post(reverse("roadmaps:activity_dates", args=[activity.pk]), {"dates": "15.12.2021, 30.06.2021"})
    assert response.status_code == 302
    assert [d.date for d in activity.due_dates.all()] == [dt.date(2021, 6, 30), dt.date(2021, 12, 15)]
    assert ExecutionRecord.objects.filter(activity=activity).count() == 2
    listed = [a.number for a in client.get(reverse("roadmaps:attention")).context["page"].object_list]
    assert "6.2." not in listed
    # read-only and outsiders
    assert (
        client_for(world.home.methodologist)
        .post(reverse("roadmaps:activity_dates", args=[activity.pk]), {"dates": "01.03.2021"})
        .status_code
        == 403
    )
    assert (
        client_for(world.foreign.coordinator)
        .post(reverse("roadmaps:activity_dates", args=[activity.pk]), {"dates": "01.03.2021"})
        .status_code
        == 404
    )
    assert (
        list(client_for(world.foreign.coordinator).get(reverse("roadmaps:attention")).context["page"].object_list) == []
    )


# Execution: tasks, marking done with evidence, history ------------------------------------------------
def test_curator_marks_done_with_file(client_for, world, home_roadmap, settings):
    record = _record(home_roadmap, world.home.school)
    client = client_for(world.home.curator)
    url = reverse("roadmaps:record", args=[record.pk])
    response = client.post(
        url,
        {
            "status": ExecutionStatus.DONE,
            "completed_on": "20.12.2022",
            "evidence_file": SimpleUploadedFile("prikaz.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == ExecutionStatus.DONE and record.completed_on == dt.date(2022, 12, 20)
    assert record.marked_by == world.home.curator and record.on_time
    assert not record.evidence_file.url.startswith("/media/")
    evidence = reverse("roadmaps:record_evidence", args=[record.pk])
    download = client.get(evidence)
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert client_for(world.home.coordinator).get(evidence).status_code == 200
    assert client_for(world.home.head).get(evidence).status_code == 200
    assert client_for(world.foreign.coordinator).get(evidence).status_code == 404
    # history shows who changed what
    history = client_for(world.home.curator).get(reverse("roadmaps:record_history", args=[record.pk]))
    assert history.status_code == 200 and len(history.context["history"]) >= 1
    assert history.context["history"][0].history_user == world.home.curator


def test_record_permissions(client_for, world, home_roadmap):
    record = _record(home_roadmap, world.home.school)
    url = reverse("roadmaps:record", args=[record.pk])
    data = {"status": ExecutionStatus.IN_PROGRESS}
    head = client_for(world.home.head)
    assert head.get(url).status_code == 200
    assert head.post(url, data).status_code == 403
    assert client_for(world.home.methodologist).post(url, data).status_code == 403
    other_curator_record = _record(home_roadmap, world.home.other_school)
    curator = client_for(world.home.curator)
    assert curator.get(reverse("roadmaps:record", args=[other_curator_record.pk])).status_code == 404
    assert client_for(world.foreign.curator).get(url).status_code == 404
    assert client_for(world.home.coordinator).post(url, data).status_code == 302
    record.refresh_from_db()
    assert record.status == ExecutionStatus.IN_PROGRESS


def test_done_needs_evidence_and_upload_limits(client_for, world, home_roadmap, settings):
    record = _record(home_roadmap, world.home.school)
    client = client_for(world.home.curator)
    url = reverse("roadmaps:record", args=[record.pk])
    response = client.post(url, {"status": ExecutionStatus.DONE})
    assert "приложите файл, ссылку или реквизиты" in response.content.decode()
    response = client.post(
        url, {"status": ExecutionStatus.DONE, "evidence_file": SimpleUploadedFile("virus.exe", b"MZ")}
    )
    assert "не принимается" in response.content.decode()
    settings.UPLOAD_MAX_BYTES = 1024
    response = client.post(
        url, {"status": ExecutionStatus.DONE, "evidence_file": SimpleUploadedFile("big.pdf", b"x" * 2048)}
    )
    assert "больше" in response.content.decode()
    response = client.post(
        url, {"status": ExecutionStatus.DONE, "evidence_file": SimpleUploadedFile("renamed.pdf", b"MZ\x90 not a pdf")}
    )
    assert "повреждён" in response.content.decode()
    record.refresh_from_db()
    assert record.status == ExecutionStatus.NOT_STARTED


def test_tasks_are_the_users_own_sorted_by_due_date(client_for, world, home_roadmap):
    page = client_for(world.home.curator).get(reverse("roadmaps:tasks")).context["page"]
    records = list(page.object_list)
    assert records and {r.organization for r in records} == {world.home.school}
    assert [r.due.date for r in records] == sorted(r.due.date for r in records)
    overdue = client_for(world.home.curator).get(reverse("roadmaps:tasks"), {"state": "overdue"}).context["rows"]
    assert overdue and all(state == "overdue" for _, state in overdue)
    assert list(client_for(world.foreign.curator).get(reverse("roadmaps:tasks")).context["page"].object_list) == []


def test_home_cards_and_menu(client_for, world, home_roadmap):
    response = client_for(world.home.curator).get(reverse("home"))
    titles = [c.title for c in response.context["cards"]]
    assert "Просрочено мероприятий" in titles
    assert reverse("roadmaps:tasks") in response.content.decode()


def test_tasks_level_filter(client_for, world, home_roadmap):
    client = client_for(world.home.coordinator)
    municipal = client.get(reverse("roadmaps:tasks"), {"level": "municipal"}).context["page"].object_list
    schools = client.get(reverse("roadmaps:tasks"), {"level": "schools"}).context["page"].object_list
    assert municipal and all(r.organization_id is None for r in municipal)
    assert schools and all(r.organization_id for r in schools)


def test_school_roadmap_page_shows_own_execution(client_for, world, home_roadmap):
    copy = _copy(home_roadmap, world.home.school)
    response = client_for(world.home.curator).get(reverse("roadmaps:detail", args=[copy.pk]))
    activities = [a for group in response.context["sections"] for a in group["activities"]]
    states = {state for a in activities for _, state in a.executions}
    assert states == {"overdue"}, "2022–2024 deadlines with nothing marked are overdue"
    assert 'data-testid="executions"' in response.content.decode()
