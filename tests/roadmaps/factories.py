"""Factories for roadmaps, activities, due dates and execution records."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from roadmaps.models import Activity, DueDate, ExecutionRecord, Roadmap, RoadmapLevel, RoadmapStatus, Section
from tests.factories import MunicipalityFactory


class RoadmapFactory(DjangoModelFactory):
    class Meta:
        model = Roadmap

    level = RoadmapLevel.MUNICIPAL
    municipality = factory.SubFactory(MunicipalityFactory)
    organization = None
    title = factory.Sequence(lambda n: f"Муниципальная дорожная карта № {n} на 2026–2027 гг.")
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2027, 12, 31)
    status = RoadmapStatus.APPROVED


class SchoolRoadmapFactory(RoadmapFactory):
    level = RoadmapLevel.SCHOOL
    organization = factory.SubFactory("tests.factories.OrganizationFactory")
    municipality = factory.LazyAttribute(lambda o: o.organization.municipality)


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    roadmap = factory.SubFactory(RoadmapFactory)
    number = factory.Sequence(lambda n: f"{n + 1}.")
    title = "Нормативно-правовое регулирование"
    order = factory.Sequence(lambda n: n)


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    roadmap = factory.SubFactory(RoadmapFactory)
    section = factory.LazyAttribute(lambda o: SectionFactory(roadmap=o.roadmap))
    number = factory.Sequence(lambda n: f"1.{n + 1}")
    order = factory.Sequence(lambda n: n)
    title = "Разработка локальных актов"
    result = "Приказ"
    deadline_text = "Декабрь 2026"
    deadline_parsed = True
    recurrence = "once"
    responsible_text = "Руководители ОО, кураторы в ОУ"
    responsible_roles = ["head", "curator"]
    for_schools = True


class DueDateFactory(DjangoModelFactory):
    class Meta:
        model = DueDate

    activity = factory.SubFactory(ActivityFactory)
    date = dt.date(2026, 12, 31)


class ExecutionRecordFactory(DjangoModelFactory):
    class Meta:
        model = ExecutionRecord

    due = factory.SubFactory(DueDateFactory)
    activity = factory.LazyAttribute(lambda o: o.due.activity)
    organization = None
    municipality = factory.LazyAttribute(
        lambda o: o.organization.municipality if o.organization else o.activity.roadmap.municipality
    )
