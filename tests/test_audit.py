"""Audit across apps (issue 7): bulk writes leave history, review steps are recorded with their
authors and shown on the object's page, and every upload field refuses files it must not take."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentorship.models import Consent, ImportJob, PracticeFile
from monitoring import services as monitoring_services
from monitoring.models import Assignment
from roadmaps.models import ExecutionRecord
from roadmaps.services import roadmap_sync_records
from tests.mentorship.factories import PersonFactory
from tests.monitoring.factories import campaign
from tests.roadmaps.factories import ActivityFactory, DueDateFactory, SchoolRoadmapFactory

pytestmark = pytest.mark.django_db


def test_execution_records_created_in_bulk_have_a_creation_entry(world):
    roadmap = SchoolRoadmapFactory(organization=world.home.school)
    activity = ActivityFactory(roadmap=roadmap)
    DueDateFactory(activity=activity, date=dt.date(2026, 12, 1))
    DueDateFactory(activity=activity, date=dt.date(2027, 5, 1))
    assert roadmap_sync_records(roadmap=roadmap) == 2
    assert roadmap_sync_records(roadmap=roadmap) == 0  # idempotent
    for record in ExecutionRecord.objects.filter(activity=activity):
        assert list(record.history.values_list("history_type", flat=True)) == ["+"]


def test_report_review_steps_are_in_the_history_with_their_authors(world, client_for):
    c = campaign(world.home)
    assignment = Assignment.objects.get(campaign=c, organization=world.home.school)
    assert assignment.history.filter(history_type="+").exists()
    monitoring_services.assignment_submit(user=world.home.curator, assignment=assignment)
    monitoring_services.assignment_return(
        user=world.home.methodologist, assignment=assignment, comment="Нет ссылки на сайт"
    )
    monitoring_services.assignment_submit(user=world.home.curator, assignment=assignment)
    monitoring_services.assignment_accept(user=world.home.methodologist, assignment=assignment)
    steps = list(
        assignment.history.order_by("history_date", "history_id").values_list("status", "history_user__username")
    )
    assert steps[1:] == [
        ("submitted", world.home.curator.username),
        ("returned", world.home.methodologist.username),
        ("submitted", world.home.curator.username),
        ("accepted", world.home.methodologist.username),
    ]
    page = (
        client_for(world.home.curator)
        .get(reverse("monitoring:assignment_detail", args=[assignment.pk]))
        .content.decode()
    )
    assert "История задания" in page and "Нет ссылки на сайт" in page


@pytest.mark.parametrize(
    ("model", "field", "name", "content", "message"),
    [
        (Consent, "scan", "согласие.exe", b"MZ\x90\x00", "не принимается"),
        (Consent, "scan", "согласие.pdf", b"GIF89a not a pdf", "не является файлом .pdf"),
        (PracticeFile, "file", "практика.bat", b"@echo off", "не принимается"),
        (ImportJob, "file", "наставники.csv", b"a;b", "Допустимо: .xlsx"),
        (ExecutionRecord, "evidence_file", "приказ.js", b"alert(1)", "не принимается"),
    ],
)
def test_every_upload_field_checks_type_and_content(world, model, field, name, content, message):
    instance = model()
    setattr(instance, field, SimpleUploadedFile(name, content))
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    assert message in " ".join(exc.value.message_dict[field])


def test_a_good_scan_passes(world):
    consent = Consent(person=PersonFactory(organization=world.home.school), given_on=dt.date(2026, 9, 1))
    consent.scan = SimpleUploadedFile("согласие.pdf", b"%PDF-1.7 scan")
    consent.full_clean()
