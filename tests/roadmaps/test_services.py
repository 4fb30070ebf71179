"""Rules that live in services and selectors: overdue by local time, indicators, demo seeding."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from roadmaps import selectors, services
from roadmaps.models import (
    ExecutionRecord,
    ExecutionState,
    ExecutionStatus,
    Indicator,
    Roadmap,
    RoadmapStatus,
    local_today,
)
from tests.roadmaps.factories import ActivityFactory, DueDateFactory, ExecutionRecordFactory, RoadmapFactory

pytestmark = pytest.mark.django_db


def test_overdue_is_derived_in_the_municipality_time_zone(world):
    # 18:30 UTC on 31 December: already 1 January in Norilsk (UTC+7), still 31 December in Nizhnevartovsk (UTC+5)
    moment = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC)
    home = ExecutionRecordFactory(
        due__date=dt.date(2026, 12, 31), due__activity__roadmap__municipality=world.home.municipality
    )
    foreign = ExecutionRecordFactory(
        due__date=dt.date(2026, 12, 31), due__activity__roadmap__municipality=world.foreign.municipality
    )
    with mock.patch.object(timezone, "now", return_value=moment):
        assert local_today(world.home.municipality) == dt.date(2027, 1, 1)
        assert home.state_for_municipality() == ExecutionState.OVERDUE
        assert foreign.state_for_municipality() == ExecutionState.NOT_DUE
        municipalities = [world.home.municipality, world.foreign.municipality]
        overdue = ExecutionRecord.objects.filter(selectors.state_q(ExecutionState.OVERDUE, municipalities))
        assert list(overdue) == [home]
    assert "overdue" not in [f.name for f in ExecutionRecord._meta.fields], "never stored"


def test_done_late_counts_as_reported_but_not_on_time(world):
    record = ExecutionRecordFactory(
        due__date=dt.date(2026, 3, 31), due__activity__roadmap__municipality=world.home.municipality
    )
    services.record_update(
        record=record,
        user=world.home.coordinator,
        status=ExecutionStatus.DONE,
        completed_on=dt.date(2026, 4, 10),
        document_number="5-од",
    )
    rate = selectors.Rate()
    rate.add(record.status, record.due.date, record.completed_on, dt.date(2026, 11, 21))
    assert (rate.reporting, rate.timely) == (100, 0)
    assert record.state(dt.date(2026, 11, 21)) == ExecutionState.DONE and not record.on_time


def test_record_update_checks_scope(world):
    record = ExecutionRecordFactory(due__activity__roadmap__municipality=world.home.municipality)
    with pytest.raises(PermissionDenied):
        services.record_update(record=record, user=world.foreign.coordinator, status=ExecutionStatus.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        services.record_update(record=record, user=world.home.methodologist, status=ExecutionStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):
        services.record_update(record=record, user=world.home.coordinator, status=ExecutionStatus.DONE)


def test_indicators_target_against_actual(world):
    roadmap = RoadmapFactory(municipality=world.home.municipality)
    activity = ActivityFactory(roadmap=roadmap, indicator_text="2026 г. – 2; 2027 г. – 2")
    DueDateFactory(activity=activity, date=dt.date(2026, 12, 31))
    services._apply_indicators(activity)
    assert list(activity.indicators.values_list("year", "target")) == [(2026, Decimal(2)), (2027, Decimal(2))]
    activity.indicators.update(metric=Indicator.Metric.SCHOOL_ROADMAPS)
    copies = services.roadmap_derive_school(
        roadmap=roadmap, organizations=[world.home.school, world.home.other_school], user=world.home.coordinator
    )
    services.roadmap_set_status(roadmap=copies[0], user=world.home.head, status=RoadmapStatus.APPROVED)
    rows = selectors.indicator_rows(roadmap)
    assert [(r["indicator"].year, r["actual"], r["reached"]) for r in rows] == [(2026, 1, False), (2027, 1, False)]
    manual = activity.indicators.get(year=2027)
    manual.metric = Indicator.Metric.MANUAL
    manual.save()
    services.indicator_set_actual(indicator=manual, user=world.home.coordinator, actual=Decimal(3), evidence="справка")
    assert selectors.indicator_rows(roadmap)[1]["reached"] is True
    with pytest.raises(PermissionDenied):
        services.indicator_set_actual(indicator=manual, user=world.home.methodologist, actual=Decimal(1), evidence="")


def test_demo_seed_is_idempotent_and_covers_every_state(db, samples_dir):
    from accounts import demo as accounts_demo
    from roadmaps import demo

    def run():
        ctx = accounts_demo.DemoContext()
        accounts_demo.seed(ctx)
        demo.seed(ctx)
        return ctx

    ctx = run()
    counts = (
        Roadmap.objects.count(),
        ExecutionRecord.objects.count(),
        ExecutionRecord.objects.filter(status=ExecutionStatus.DONE).count(),
    )
    run()
    assert (
        Roadmap.objects.count(),
        ExecutionRecord.objects.count(),
        ExecutionRecord.objects.filter(status=ExecutionStatus.DONE).count(),
    ) == counts
    norilsk = ctx.municipalities["norilsk"]
    # the sample order, the typical roadmap and the sample's edition for the current period
    assert Roadmap.objects.filter(municipality=norilsk, parent__isnull=True).count() == 3
    assert Roadmap.objects.filter(municipality=ctx.municipalities["nizhnevartovsk"], parent__isnull=True).count() == 2
    for key in ("norilsk", "nizhnevartovsk"):
        municipality = ctx.municipalities[key]
        today = local_today(municipality)
        current = Roadmap.objects.filter(
            municipality=municipality,
            parent__isnull=True,
            is_template=False,
            period_start__lte=today,
            period_end__gte=today,
        ).get()
        assert current.order_number and current.order_date and current.status == RoadmapStatus.APPROVED
        assert Indicator.objects.filter(
            activity__roadmap=current, year=today.year, actual_manual__isnull=False
        ).exists()
    states = {r.state_for_municipality() for r in ExecutionRecord.objects.select_related("due", "municipality")}
    assert states == {ExecutionState.DONE, ExecutionState.IN_PROGRESS, ExecutionState.NOT_DUE, ExecutionState.OVERDUE}
    assert ExecutionRecord.objects.exclude(evidence_file="").filter(status=ExecutionStatus.DONE).exists()


def test_typical_roadmap_has_no_records_of_its_own(world, import_sample):
    template = import_sample("001_cfbfa34cfe2624be.xlsx", world.home.municipality)
    template.is_template = True
    template.save()
    ExecutionRecord.objects.filter(activity__roadmap=template).delete()
    from roadmaps import services as s

    assert s.roadmap_sync_records(roadmap=template) == 0
    (copy,) = s.roadmap_derive_school(roadmap=template, organizations=[world.home.school], user=world.home.coordinator)
    assert ExecutionRecord.objects.filter(activity__roadmap=copy, organization=world.home.school).count() > 0


def test_record_keeps_its_due_date_and_follows_a_change(world, import_sample):
    """ExecutionRecord.due_on is the due date's own date: set when a record is created (one by one or
    by the roadmap's sync) and moved with the due date, so lists by date need no join to due dates."""
    record = ExecutionRecordFactory(
        due__date=dt.date(2026, 3, 31), due__activity__roadmap__municipality=world.home.municipality
    )
    assert record.due_on == dt.date(2026, 3, 31)
    due = record.due
    due.date = dt.date(2026, 5, 15)
    due.save()
    record.refresh_from_db()
    assert record.due_on == dt.date(2026, 5, 15) == record.due_date
    assert record.state(dt.date(2026, 4, 1)) == ExecutionState.NOT_DUE

    roadmap = import_sample("001_cfbfa34cfe2624be.xlsx", world.home.municipality)
    (copy,) = services.roadmap_derive_school(
        roadmap=roadmap, organizations=[world.home.school], user=world.home.coordinator
    )
    synced = list(ExecutionRecord.objects.filter(activity__roadmap=copy).select_related("due"))
    assert synced and all(r.due_on == r.due.date for r in synced)
