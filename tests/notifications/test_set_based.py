"""The sweep is set-based: choosing who is reminded of what, and claiming the keys, takes the same
number of queries for 2 schools as for 20 (every kind has its candidates in every school); only
the letters are claimed one by one (at most one unconfirmed row when a worker dies), so on
PostgreSQL a whole sweep costs that constant plus one statement per letter."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Municipality, User
from mentorship.models import PairParticipant, ParticipantRole, Person
from monitoring.models import Assignment, Campaign
from notifications import providers, services
from notifications.kinds import Kind
from notifications.models import Notification, ReminderLog, ReminderStatus
from tests.factories import MunicipalityFactory, OrganizationFactory, UserFactory, user_with_role
from tests.notifications.factories import meeting, mentee, pair, record_due, roadmap_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)  # a Monday: the weekly digest joins the day's sweep
ALL_KINDS = {
    Kind.ROADMAP_DUE_SOON,
    Kind.ROADMAP_DUE_TODAY,
    Kind.ROADMAP_OVERDUE,
    Kind.ROADMAP_ESCALATION,
    Kind.CAMPAIGN_REPORT_OVERDUE,
    Kind.MEETING_FEEDBACK_MISSING,
    Kind.FEEDBACK_TO_GIVE,
    Kind.MENTEE_WAITING,
    Kind.PAIR_INACTIVE,
    Kind.WEEKLY_DIGEST,
}


def municipality_with(schools: int):
    """`schools` schools, each with a curator and something due today of every kind."""
    municipality = MunicipalityFactory()
    user_with_role("coordinator", municipality=municipality)
    campaign = Campaign.objects.create(
        municipality=municipality,
        kind="annual",
        title="Справка о наставничестве",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        deadline=TODAY - dt.timedelta(days=2),
        status="open",
    )
    for _ in range(schools):
        school = OrganizationFactory(municipality=municipality)
        user_with_role("curator", organization=school)
        roadmap = roadmap_for(municipality, school)
        for offset in (7, 0, -1, -8):  # due soon, today, overdue, escalated (past the 7 days)
            record_due(TODAY + dt.timedelta(days=offset), organization=school, roadmap=roadmap)
        mentee(school, since=TODAY - dt.timedelta(days=15))
        pair(school, started_on=TODAY - dt.timedelta(days=30))  # quiet since it started
        # a meeting three days ago without feedback: the mentor has an account (reminded first),
        # nobody is on the mentee's side (the curator is told at once)
        with_meeting = pair(school, started_on=TODAY - dt.timedelta(days=10))
        mentor = Person.objects.create(
            organization=school, last_name="Петрова", first_name="Ольга", is_mentor=True, user=UserFactory()
        )
        PairParticipant.objects.create(pair=with_meeting, person=mentor, role=ParticipantRole.MENTOR)
        meeting(with_meeting, held_on=TODAY - dt.timedelta(days=3))
        Assignment.objects.create(campaign=campaign, organization=school, status="draft")
    return municipality


def selection_and_claim(municipality) -> tuple[int, int, list[ReminderLog]]:
    """Choosing the day's reminders and claiming their keys: (queries other than the insert of the
    keys, the insert's batches, the claimed rows)."""
    providers._table_names()  # read once a minute, not per sweep: not part of the comparison
    with CaptureQueriesContext(connection) as ctx:
        planned = services.reminders_collect(
            municipality=municipality, today=TODAY, kinds=services.kinds_for_date(municipality, TODAY)
        )
        rows = services.reminder_rows(municipality=municipality, today=TODAY, planned=planned)
        services.reminders_claim(rows=rows)
    table = ReminderLog._meta.db_table
    inserts = sum(1 for q in ctx.captured_queries if q["sql"].lstrip().startswith("INSERT") and table in q["sql"])
    return len(ctx.captured_queries) - inserts, inserts, rows


def insert_batches(rows: list) -> int:
    """How many INSERT statements the claim needs for `rows`: one on PostgreSQL (arrays), else
    bulk_create's batches (the database's parameter limit)."""
    if connection.vendor == "postgresql":
        return 1
    fields = [f for f in ReminderLog._meta.concrete_fields if not f.primary_key]
    batch = min(services.CLAIM_BATCH_SIZE, connection.ops.bulk_batch_size(fields, rows))
    return math.ceil(len(rows) / batch)


def test_choosing_and_claiming_take_the_same_queries_for_2_and_20_schools():
    small, large = municipality_with(2), municipality_with(20)
    small_queries, small_inserts, small_rows = selection_and_claim(small)
    large_queries, large_inserts, large_rows = selection_and_claim(large)
    assert {r.kind for r in small_rows} == {r.kind for r in large_rows} == ALL_KINDS
    assert len(large_rows) > 5 * len(small_rows)
    assert ReminderLog.objects.count() == len(small_rows) + len(large_rows)
    assert large_queries == small_queries, f"queries grow with the schools: {small_queries} → {large_queries}"
    # the keys are written in bulk: one statement (per batch the database allows)
    assert (small_inserts, large_inserts) == (insert_batches(small_rows), insert_batches(large_rows))


def test_a_whole_sweep_adds_one_statement_per_letter_only():
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite every row is delivered in its own transaction (PostgreSQL claims in bulk)")
    providers._table_names()  # read once a minute, not per sweep
    services._prepare_claim_letter()  # once per database session, not per sweep
    counts = {}
    for schools in (2, 20):
        municipality = municipality_with(schools)
        mail.outbox = []
        with CaptureQueriesContext(connection) as ctx:
            result = services.sweep_run(municipality=municipality, today=TODAY)
        assert result.total == ReminderLog.objects.filter(municipality=municipality).count()
        counts[schools] = (len(ctx.captured_queries), len(mail.outbox))
    (small_queries, small_letters), (large_queries, large_letters) = counts[2], counts[20]
    assert large_letters > 5 * small_letters
    assert large_queries - small_queries == large_letters - small_letters
    # and the rows without a letter cost nothing per row: the same sweep with e-mail off everywhere
    ReminderLog.objects.all().delete()
    Notification.objects.all().delete()
    User.objects.update(email="")
    without = {}
    for municipality in Municipality.objects.order_by("pk"):
        mail.outbox = []
        with CaptureQueriesContext(connection) as ctx:
            result = services.sweep_run(municipality=municipality, today=TODAY)
        assert mail.outbox == [] and result.total > 0
        without[municipality.pk] = len(ctx.captured_queries)
    assert len(set(without.values())) == 1, without
    assert not ReminderLog.objects.exclude(status=ReminderStatus.SENT).exists()
