"""Demo roadmaps: the three sample documents, school copies and execution in every state.

Idempotent: a roadmap is recognised by its municipality and title, school copies by their parent
and organization, and execution is marked only on copies created in this run.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import local_today
from roadmaps import services
from roadmaps.importers import RoadmapImportError, read_roadmap
from roadmaps.models import (
    ExecutionRecord,
    ExecutionStatus,
    Indicator,
    Roadmap,
    RoadmapLevel,
    RoadmapStatus,
)

SAMPLES = [
    # file, municipality key, is_template, status
    ("000_567cfd1ce6be8eda.docx", "norilsk", False, RoadmapStatus.APPROVED),
    ("001_cfbfa34cfe2624be.xlsx", "norilsk", True, RoadmapStatus.APPROVED),
    ("003_9600eaf07fc5e7ca.docx", "nizhnevartovsk", False, RoadmapStatus.APPROVED),
]


def samples_dir() -> Path:
    """The sample orders shipped with the app (real roadmaps of three municipalities)."""
    return Path(__file__).resolve().parent / "fixtures" / "samples"


def _load(ctx, filename: str, key: str, is_template: bool, status: str) -> Roadmap | None:
    path = samples_dir() / filename
    if not path.exists():
        ctx.log.append(f"Дорожные карты: нет образца {path}, пропущено.")
        return None
    municipality = ctx.municipalities[key]
    try:
        with path.open("rb") as fh:
            document = read_roadmap(fh, filename)
    except RoadmapImportError as exc:
        ctx.log.append(f"Дорожные карты: {filename} не прочитан: {exc}")
        return None
    existing = Roadmap.objects.filter(
        municipality=municipality, level=RoadmapLevel.MUNICIPAL, title=document.title
    ).first()
    if existing:
        return existing
    with path.open("rb") as fh:
        roadmap = services.roadmap_import(
            document=document,
            user=None,
            municipality=municipality,
            source_file=fh,
            source_name=filename,
            is_template=is_template,
            status=status,
        )
    ctx.log.append(
        f"Дорожная карта «{roadmap.short_title}» ({municipality}): разделов {roadmap.sections.count()}, "
        f"мероприятий {roadmap.activities.count()}."
    )
    return roadmap


#: The current editions: the sample order of the municipality moved to a period around the
#: municipality's today, approved by an order, with target indicators by year. Per municipality:
#: file, first year of the period relative to today's year, length in years, order number, and the
#: indicators as (activity number, target by year of the period, actual for the years already
#: reached, what confirms the fact).
CURRENT_EDITIONS = {
    "norilsk": (
        "000_567cfd1ce6be8eda.docx",
        -1,
        3,
        "280-мо",
        [
            ("1.1", (12, 13, 13), (12, 12), "Приказы ОО об утверждении дорожных карт наставничества."),
            ("2.4", (4, 4, 4), (4, 3), "Планы и протоколы муниципальных семинаров."),
            ("4.1", (6, 8, 10), (6, 8), "Реестр успешных практик на сайте МБУ «Методический центр»."),
        ],
    ),
    "nizhnevartovsk": (
        "003_9600eaf07fc5e7ca.docx",
        0,
        1,
        "512",
        [("1.1", (2,), (2,), "Приказы ОО об утверждении программ наставничества.")],
    ),
}

_YEAR = re.compile(r"\b(20\d\d)\b")


def _shift_text(text: str, years: int) -> str:
    return _YEAR.sub(lambda m: str(int(m.group(1)) + years), text)


def _current_edition(ctx, key: str) -> Roadmap | None:
    """The sample municipal roadmap as a new edition whose period covers the municipality's today:
    the years in its title and deadlines move with the period, so the annual report of the current
    year has its normative basis (the approving order) and target indicators to compare."""
    filename, offset, length, order_number, targets = CURRENT_EDITIONS[key]
    path = samples_dir() / filename
    municipality = ctx.municipalities.get(key)
    if municipality is None or not path.exists():
        return None
    with path.open("rb") as fh:
        document = read_roadmap(fh, filename)
    if document.period_start is None:
        return None
    first = local_today(municipality).year + offset
    shift = first - document.period_start.year
    document.title = _shift_text(document.title, shift)
    document.set_period(dt.date(first, 1, 1), dt.date(first + length - 1, 12, 31))
    document.order_number = order_number
    document.order_date = dt.date(first - 1, 12, 20)
    existing = Roadmap.objects.filter(
        municipality=municipality, level=RoadmapLevel.MUNICIPAL, is_template=False, title=document.title
    ).first()
    if existing:
        return existing
    # seed_demo run again later (a year on, the period moves with today): the demo's edition already
    # there keeps its period when the new one would overlap it — a municipality has one roadmap in force
    overlapping = (
        Roadmap.objects.filter(
            municipality=municipality,
            level=RoadmapLevel.MUNICIPAL,
            is_template=False,
            order_number=order_number,
            period_start__lte=document.period_end,
            period_end__gte=document.period_start,
        )
        .order_by("-period_start")
        .first()
    )
    if overlapping:
        ctx.log.append(
            f"Дорожная карта «{overlapping.short_title}» ({municipality}) на "
            f"{overlapping.period_start.year}–{overlapping.period_end.year} гг. уже есть: новая редакция "
            f"на {document.period_start.year}–{document.period_end.year} гг. пересекалась бы с ней и не добавлена."
        )
        return overlapping
    years = range(first, first + length)
    wanted = {number: (plan, fact, evidence) for number, plan, fact, evidence in targets}
    for section in document.sections:
        for activity in section.activities:
            activity.deadline_text = _shift_text(activity.deadline_text, shift)
            if activity.number.strip(".") in wanted:
                plan = wanted[activity.number.strip(".")][0]
                activity.indicator_text = "; ".join(f"{y} г. – {v}" for y, v in zip(years, plan, strict=True))
    with path.open("rb") as fh:
        roadmap = services.roadmap_import(
            document=document,
            user=None,
            municipality=municipality,
            source_file=fh,
            source_name=filename,
            status=RoadmapStatus.APPROVED,
        )
    for indicator in Indicator.objects.filter(activity__roadmap=roadmap).select_related("activity"):
        _, fact, evidence = wanted[indicator.activity.number.strip(".")]
        index = indicator.year - first
        if index < len(fact):
            indicator.actual_manual, indicator.evidence = Decimal(fact[index]), evidence
            indicator.save(update_fields=["actual_manual", "evidence"])
    ctx.log.append(
        f"Дорожная карта «{roadmap.short_title}» ({municipality}), приказ № {roadmap.order_number}: "
        f"мероприятий {roadmap.activities.count()}, целевых показателей "
        f"{Indicator.objects.filter(activity__roadmap=roadmap).count()}."
    )
    return roadmap


def _evidence(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% demo evidence\n", name=name)


def _mark(records: list[ExecutionRecord], user, pattern: list[str]) -> dict[str, int]:
    """Walk the records in due order and mark them as the pattern says (it repeats)."""
    counts: dict[str, int] = {}
    for index, record in enumerate(records):
        kind = pattern[index % len(pattern)]
        due = record.due.date
        if kind == "done":
            services.record_update(
                record=record,
                user=user,
                status=ExecutionStatus.DONE,
                completed_on=due - dt.timedelta(days=3),
                evidence_file=_evidence(f"prikaz-{record.activity.number.strip('.')}-{due:%Y%m%d}.pdf"),
                document_number=f"{100 + index}-од",
                document_date=due - dt.timedelta(days=3),
                comment="Документ размещён на сайте ОО.",
            )
        elif kind == "late":
            services.record_update(
                record=record,
                user=user,
                status=ExecutionStatus.DONE,
                completed_on=due + dt.timedelta(days=20),
                evidence_url="https://example.ru/nastavnichestvo/otchet",
                comment="Выполнено с опозданием.",
            )
        elif kind == "progress":
            services.record_update(
                record=record,
                user=user,
                status=ExecutionStatus.IN_PROGRESS,
                comment="Работа идёт, проект документа готов.",
            )
        counts[kind] = counts.get(kind, 0) + 1
    return counts


@transaction.atomic
def seed(ctx) -> None:
    loaded = [_load(ctx, *sample) for sample in SAMPLES]
    norilsk_map, template, nv_map = loaded
    coordinator, coordinator_nv = ctx.users.get("koordinator"), ctx.users.get("koordinator_nv")
    norilsk_orgs = ctx.organizations.get("norilsk", [])
    nv_orgs = ctx.organizations.get("nizhnevartovsk", [])
    curators = {
        "МБОУ «СШ № 1»": ctx.users.get("kurator"),
        "МБОУ «СШ № 3»": ctx.users.get("kurator3"),
        "МБДОУ «ДС № 14 «Умка»": ctx.users.get("kurator_ds14"),
        "МБОУ «СШ № 2»": ctx.users.get("kurator_nv"),
    }
    patterns = [
        ["done", "done", "late", "progress", "none"],
        ["done", "none", "progress", "late"],
        ["late", "done", "none"],
        ["none"],
    ]
    if norilsk_map and coordinator:
        first = Indicator.objects.filter(activity__roadmap=norilsk_map).first()
        if first is None:
            activity = norilsk_map.activities.order_by("order").first()
            activity.indicator_text = "2022 г. – 13; 2023 г. – 13; 2024 г. – 13"
            activity.save(update_fields=["indicator_text"])
            for year in (2022, 2023, 2024):
                Indicator.objects.create(
                    activity=activity, year=year, target=Decimal(13), metric=Indicator.Metric.SCHOOL_ROADMAPS
                )
        created = services.roadmap_derive_school(roadmap=norilsk_map, organizations=norilsk_orgs[:6], user=coordinator)
        for index, copy in enumerate(created):
            user = curators.get(copy.organization.short_name) or coordinator
            records = list(
                ExecutionRecord.objects.filter(activity__roadmap=copy)
                .select_related("due", "activity")
                .order_by("due__date", "activity__order")
            )
            counts = _mark(records, user, patterns[index % len(patterns)])
            if index < 3:
                services.roadmap_set_status(roadmap=copy, user=coordinator, status=RoadmapStatus.APPROVED)
            ctx.log.append(f"Дорожная карта ОО {copy.organization}: отметок {counts}.")
        municipal = list(
            ExecutionRecord.objects.filter(
                activity__roadmap=norilsk_map, status=ExecutionStatus.NOT_STARTED, marked_by__isnull=True
            )
            .select_related("due", "activity")
            .order_by("due__date")[:12]
        )
        if created:
            _mark(municipal, coordinator, ["done", "done", "late", "progress"])
    if template and coordinator and norilsk_orgs:
        # The typical roadmap moved to the current academic year for every school of the city: due
        # dates around today, so the matrix shows schools ahead, on track and behind (not all overdue).
        today = local_today(template.municipality)
        start_year = today.year if today.month >= 9 else today.year - 1
        created = services.roadmap_derive_school(
            roadmap=template,
            organizations=norilsk_orgs,
            user=coordinator,
            period_start=dt.date(start_year, 9, 1),
        )
        school_patterns = [
            ["done", "done", "done", "late"],  # ahead: everything due is done, with evidence
            ["done", "late", "progress", "none"],
            ["done", "done", "none"],
            ["late", "progress", "none", "none"],  # behind
            ["done", "done", "done", "progress"],
        ]
        for index, copy in enumerate(created):
            user = curators.get(copy.organization.short_name) or coordinator
            records = list(
                ExecutionRecord.objects.filter(activity__roadmap=copy)
                .select_related("due", "activity")
                .order_by("due__date", "activity__order")
            )
            past = [r for r in records if r.due.date < today]
            future = [r for r in records if r.due.date >= today]
            counts = _mark(past, user, school_patterns[index % len(school_patterns)])
            # some tasks already started ahead of their date: "in progress" that is not overdue
            _mark(future[: 1 + index % 3], user, ["progress", "none"])
            services.roadmap_set_status(roadmap=copy, user=coordinator, status=RoadmapStatus.APPROVED)
            ctx.log.append(
                f"Типовая карта на 2026/2027 для {copy.organization}: отметок {counts}, остальные — срок не наступил."
            )
    for key, user in (("norilsk", coordinator), ("nizhnevartovsk", coordinator_nv)):
        current = _current_edition(ctx, key)
        if current is None or user is None:
            continue
        # the municipality's own share done so far (what was due three weeks ago and earlier; a late
        # mark is dated 20 days after its due date, never in the future), mostly on time
        today = local_today(current.municipality)
        past = list(
            ExecutionRecord.objects.filter(
                activity__roadmap=current,
                organization__isnull=True,
                due__date__lt=today - dt.timedelta(days=21),
                status=ExecutionStatus.NOT_STARTED,
                marked_by__isnull=True,
            )
            .select_related("due", "activity")
            .order_by("due__date", "activity__order")
        )
        _mark(past, user, ["done", "done", "done", "late", "done", "progress"])
    if nv_map and coordinator_nv and nv_orgs:
        created = services.roadmap_derive_school(roadmap=nv_map, organizations=nv_orgs[:2], user=coordinator_nv)
        for index, copy in enumerate(created):
            user = curators.get(copy.organization.short_name) or coordinator_nv
            records = list(
                ExecutionRecord.objects.filter(activity__roadmap=copy)
                .select_related("due", "activity")
                .order_by("due__date", "activity__order")
            )
            _mark(records, user, patterns[index % len(patterns)])
