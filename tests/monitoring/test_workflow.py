"""Campaign → assignments → report workflow: submit, return, resubmit, accept, lock; rates."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from monitoring import selectors, services
from monitoring.models import Assignment, AssignmentStatus, CampaignKind, CampaignStatus, Response, SchoolReport
from tests.monitoring import factories as f


def test_open_creates_one_assignment_per_organization_and_is_idempotent(world):
    c = f.campaign(world.home, open_=False)
    assert c.status == CampaignStatus.DRAFT
    assert services.campaign_open(user=world.home.methodologist, campaign=c) == 2
    assert services.campaign_open(user=world.home.methodologist, campaign=c) == 0
    assert set(c.assignments.values_list("organization_id", flat=True)) == {
        world.home.school.pk,
        world.home.other_school.pk,
    }
    assert SchoolReport.objects.filter(assignment__campaign=c).count() == 2
    c.refresh_from_db()
    assert c.status == CampaignStatus.OPEN


def test_foreign_methodologist_and_curator_cannot_open(world):
    c = f.campaign(world.home, open_=False)
    for user in (world.foreign.methodologist, world.home.curator, world.home.head):
        with pytest.raises(PermissionDenied):
            services.campaign_open(user=user, campaign=c)


def test_auto_indicators_come_from_the_data(world):
    f.pair(world.home.school, young=True)
    f.pair(world.home.school, young=False, program=False)
    f.person(world.home.school, mentee=True, young=True)  # a young specialist still without a pair
    f.pair(world.foreign.school)  # never counted for home
    c = f.campaign(world.home)
    report = Assignment.objects.get(campaign=c, organization=world.home.school).report
    assert (report.mentors, report.mentees, report.pairs, report.programs) == (2, 3, 2, 1)
    assert (report.young_total, report.young_covered, report.young_share) == (2, 1, 50)
    assert sum(report.pairs_by_form.values()) == 2


def test_submit_return_resubmit_accept_and_lock(world):
    c = f.campaign(world.home)
    a = Assignment.objects.get(campaign=c, organization=world.home.school)
    curator, metod = world.home.curator, world.home.methodologist
    services.report_update(
        user=curator, report=a.report, data={"local_acts": True, "website_url": "https://s1.example.ru/n"}
    )
    with pytest.raises(ValidationError) as refused:  # local acts ticked, but which ones?
        services.assignment_submit(user=curator, assignment=a)
    assert "local_acts_list" in refused.value.message_dict
    assert Assignment.objects.get(pk=a.pk).status == AssignmentStatus.DRAFT
    services.report_update(user=curator, report=a.report, data={"local_acts_list": "Приказ № 4 от 01.09.2026"})
    services.assignment_submit(user=curator, assignment=a)
    first = a.first_submitted_at
    assert a.status == AssignmentStatus.SUBMITTED and first is not None
    with pytest.raises(ValidationError):  # locked while on review
        services.report_update(user=curator, report=a.report, data={"problems": "x"})
    with pytest.raises(ValidationError):  # a return needs a comment
        services.assignment_return(user=metod, assignment=a, comment="  ")
    services.assignment_return(user=metod, assignment=a, comment="Добавьте ссылку на приказ")
    assert a.status == AssignmentStatus.RETURNED and a.return_comment == "Добавьте ссылку на приказ"
    services.report_update(user=curator, report=a.report, data={"local_acts_list": "Приказ № 5 от 01.09.2026"})
    services.assignment_submit(user=curator, assignment=a)
    assert a.first_submitted_at == first  # resubmission keeps the first date for "on time"
    with pytest.raises(PermissionDenied):
        services.assignment_accept(user=curator, assignment=a)
    with pytest.raises(PermissionDenied):
        services.assignment_accept(user=world.foreign.methodologist, assignment=a)
    services.assignment_accept(user=metod, assignment=a)
    assert a.status == AssignmentStatus.ACCEPTED and a.reviewed_by == metod
    with pytest.raises(ValidationError):
        services.report_update(user=curator, report=a.report, data={"problems": "after"})
    with pytest.raises(ValidationError):
        services.assignment_submit(user=curator, assignment=a)


def test_curator_of_other_school_and_head_cannot_submit(world):
    c = f.campaign(world.home)
    a = Assignment.objects.get(campaign=c, organization=world.home.other_school)
    for user in (world.home.curator, world.home.head, world.foreign.curator, world.home.methodologist):
        with pytest.raises(PermissionDenied):
            services.assignment_submit(user=user, assignment=a)
    services.assignment_submit(user=world.home.coordinator, assignment=a)  # phone reports
    assert a.status == AssignmentStatus.SUBMITTED


def test_reporting_and_on_time_rates(world):
    c = f.campaign(world.home, deadline=timezone.localdate() + dt.timedelta(days=3))
    a1, a2 = Assignment.objects.filter(campaign=c).order_by("organization__short_name")
    services.assignment_submit(user=world.home.coordinator, assignment=a1)
    services.assignment_submit(user=world.home.coordinator, assignment=a2)
    late = c.due_at + dt.timedelta(hours=1)
    Assignment.objects.filter(pk=a2.pk).update(first_submitted_at=late)
    row = selectors.campaign_detail(world.home.methodologist, c.pk)
    assert (row.expected, row.submitted, row.on_time) == (2, 2, 1)


def test_deadline_ends_at_local_midnight(world):
    c = f.campaign(world.home, deadline=dt.date(2026, 5, 31))
    assert c.due_at == dt.datetime(2026, 5, 31, 17, 0, tzinfo=dt.UTC)  # Asia/Krasnoyarsk is UTC+7


def test_questionnaire_campaign_creates_responses_per_participant(world):
    f.pair(world.home.school)
    f.person(world.home.other_school, mentor=True)
    c = f.campaign(world.home, kind=CampaignKind.ENTRY)
    assert c.questionnaires.count() == 2  # standard growth questionnaires for mentors and mentees
    roles = sorted(Response.objects.filter(assignment__campaign=c).values_list("role", flat=True))
    assert roles == ["mentee", "mentor", "mentor"]


def test_impossible_figures_block_the_submission_with_the_reason_by_field(world):
    c = f.campaign(world.home)
    a = Assignment.objects.get(campaign=c, organization=world.home.school)
    report = a.report
    report.pairs, report.mentees, report.mentors = 3, 1, 0
    report.young_total, report.young_covered = 1, 2
    problems = services.report_problems(report)
    assert set(problems) == {"pairs", "mentors", "young_covered"}
    assert "больше, чем наставляемых" in problems["pairs"]
    report.pairs, report.mentees, report.mentors, report.young_covered = 1, 1, 1, 1
    assert services.report_problems(report) == {}
