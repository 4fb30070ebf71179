"""Per-organization, per-year aggregates behind the region pages (`OrganizationStats`).

A region page sums stored rows grouped by municipality instead of counting every person, pair,
meeting and deadline of the region on each view, so its cost does not grow with the region's
people and meetings. The rows hold the annual report's own counts: they are computed by
`monitoring.reports.data.collect_rows` (the same grouped queries as a municipality's report, the
indicators of monitoring/indicators.py on top), never by a second formula.

Kept fresh in three ways:
- after a write: model signals (people, pairs, their participants and programs, meetings, roadmap
  deadlines' records, school reports, campaigns, organizations) and `accounts.events.
  organizations_changed` (bulk writes that send no model signals) collect the organizations a
  transaction touched; after it commits one background job (`jobs.services.job_enqueue`: the Job
  row is the outbox, a dead broker only delays it) recomputes their rows;
- every night (`monitoring.rebuild_stats` on beat, `manage.py rebuild_stats`): every row, since
  deadlines become due and overdue with the date alone;
- `seed_demo` / `seed_scale` rebuild at the end (`accounts.events.seeding()` keeps their
  thousands of writes from sending a job each).
The page says when its figures were computed (`Freshness`).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields

from django.db import connection, transaction
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from accounts.models import Municipality, Organization, local_today
from monitoring.models import OrganizationStats
from monitoring.reports.data import COUNTS, OrgRow, Period, collect_rows, sum_rows
from monitoring.reports.data import municipality_rows as data_municipality_rows
from monitoring.selectors import OrgFigures
from monitoring.selectors import organization_figures as live_figures

log = logging.getLogger(__name__)

JOB_KIND = "monitoring.stats_refresh"

#: the summable counts kept per organization and year: the report's own (one definition)
FIELDS: tuple[str, ...] = COUNTS

#: organizations refreshed in one transaction by the nightly rebuild
CHUNK = 500


def stat_years(today: dt.date | None = None) -> list[int]:
    """The years kept: those the monitoring forms offer (monitoring.forms.year_choices)."""
    from monitoring.forms import year_choices

    return sorted(year for year, _label in year_choices())


# Computing and storing ----------------------------------------------------------------------------
def _compute(organizations: list[Organization], years: list[int], today: dt.date) -> list[OrganizationStats]:
    now = timezone.now()
    out = []
    for year in years:
        rows = collect_rows(organizations, Period(year), today, details=False)
        for org, row in zip(organizations, rows, strict=True):
            out.append(
                OrganizationStats(
                    organization_id=org.pk,
                    municipality_id=org.municipality_id,
                    is_active=org.is_active,
                    year=year,
                    as_of=today,
                    refreshed_at=now,
                    pairs_by_form=dict(row.pairs_by_form),
                    **{name: getattr(row, name) for name in FIELDS},
                )
            )
    return out


def stats_refresh(*, organization_ids: Iterable[int] = (), pair_ids: Iterable[int] = ()) -> int:
    """Recompute every kept year of these organizations (and of the organizations of these pairs);
    idempotent. The organizations' rows are locked first (FOR NO KEY UPDATE: writes of their
    people and pairs go on), so two refreshes of one organization run one after the other and the
    second reads what the first could not see yet. Returns how many organizations were refreshed."""
    from mentorship.models import Pair

    ids = set(organization_ids)
    pairs = list(pair_ids)
    if pairs:
        ids.update(Pair.objects.filter(pk__in=pairs).values_list("organization_id", flat=True))
    ids.discard(None)  # type: ignore[arg-type]
    if not ids:
        return 0
    today = local_today()  # the region spans time zones: the site's date, as on the region page
    years = stat_years(today)
    with transaction.atomic():
        organizations = list(
            Organization.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .only("pk", "municipality_id", "is_active", "short_name", "full_name", "kind")
            .order_by("pk")
        )
        rows = _compute(organizations, years, today)
        OrganizationStats.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["organization", "year"],
            update_fields=["municipality", "is_active", *FIELDS, "pairs_by_form", "as_of", "refreshed_at"],
        )
    return len(organizations)


def stats_rebuild(*, municipality_ids: Iterable[int] | None = None, log_progress=None) -> int:
    """Every organization's rows (or those of some municipalities), a chunk per transaction."""
    qs = Organization.objects.order_by("pk")
    if municipality_ids is not None:
        qs = qs.filter(municipality_id__in=list(municipality_ids))
    ids = list(qs.values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), CHUNK):
        done += stats_refresh(organization_ids=ids[start : start + CHUNK])
        if log_progress:
            log_progress(f"сводные показатели: {done} из {len(ids)} организаций")
    return done


# After writes ------------------------------------------------------------------------------------
def paused():
    """No job per write inside (bulk seeding); the caller rebuilds afterwards."""
    from accounts.events import seeding

    return seeding()


class _Flush:
    """The organizations and pairs one transaction touched, sent as one job after it commits.

    Found again among the connection's on-commit callbacks, so a rolled-back transaction (or
    savepoint) takes its own with it and never leaves a stale set behind."""

    def __init__(self) -> None:
        self.organizations: set[int] = set()
        self.pairs: set[int] = set()

    def __call__(self) -> None:
        stats_enqueue(organization_ids=self.organizations, pair_ids=self.pairs)


def stats_enqueue(*, organization_ids: Iterable[int] = (), pair_ids: Iterable[int] = ()) -> None:
    """Record one refresh job (sent to the broker after commit; left pending if it is away)."""
    from jobs.services import job_enqueue

    organizations, pairs = sorted(set(organization_ids)), sorted(set(pair_ids))
    if not organizations and not pairs:
        return
    job_enqueue(
        kind=JOB_KIND,
        key=f"{JOB_KIND}:{uuid.uuid4().hex}",
        params={k: v for k, v in (("organization_ids", organizations), ("pair_ids", pairs)) if v},
    )


def stats_changed(*, organization_ids: Iterable[int] = (), pair_ids: Iterable[int] = ()) -> None:
    """Some organizations' counts changed in the current transaction: refresh them after commit."""
    from accounts.events import is_seeding

    if is_seeding():
        return
    organizations = {pk for pk in organization_ids if pk}
    pairs = {pk for pk in pair_ids if pk}
    if not organizations and not pairs:
        return
    if not connection.in_atomic_block:
        stats_enqueue(organization_ids=organizations, pair_ids=pairs)
        return
    flush = next((f for _sids, f, _robust in connection.run_on_commit if isinstance(f, _Flush)), None)
    if flush is None:
        flush = _Flush()
        # robust: a failed enqueue never turns the user's committed write into an error page
        # (the nightly rebuild catches up)
        transaction.on_commit(flush, robust=True)
    flush.organizations |= organizations
    flush.pairs |= pairs


# Signal receivers (connected in MonitoringConfig.ready) ---------------------------------------------
def _on_organization_field(sender, instance, **kwargs) -> None:
    stats_changed(organization_ids=[instance.organization_id])


def _on_pair_field(sender, instance, **kwargs) -> None:
    stats_changed(pair_ids=[instance.pair_id])


def _on_organization(sender, instance, **kwargs) -> None:
    stats_changed(organization_ids=[instance.pk])


def _on_campaign(sender, instance, created=False, **kwargs) -> None:
    if created or not instance.pk:
        return  # its assignments are written afterwards (and signal themselves)
    from monitoring.models import Assignment

    stats_changed(
        organization_ids=Assignment.objects.filter(campaign_id=instance.pk).values_list("organization_id", flat=True)
    )


def _on_bulk(sender, organization_ids=(), **kwargs) -> None:
    if organization_ids is None:  # a seeder has finished: every organization, now
        stats_rebuild()
        return
    stats_changed(organization_ids=organization_ids)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from accounts.events import organizations_changed
    from mentorship.models import Meeting, Pair, PairParticipant, Person, Program
    from monitoring.models import Assignment, Campaign
    from roadmaps.models import ExecutionRecord

    for model in (Person, Pair, ExecutionRecord, Assignment):
        post_save.connect(_on_organization_field, sender=model, dispatch_uid=f"stats-{model.__name__}-save")
        post_delete.connect(_on_organization_field, sender=model, dispatch_uid=f"stats-{model.__name__}-delete")
    for model in (PairParticipant, Meeting, Program):
        post_save.connect(_on_pair_field, sender=model, dispatch_uid=f"stats-{model.__name__}-save")
        post_delete.connect(_on_pair_field, sender=model, dispatch_uid=f"stats-{model.__name__}-delete")
    post_save.connect(_on_organization, sender=Organization, dispatch_uid="stats-Organization-save")
    post_save.connect(_on_campaign, sender=Campaign, dispatch_uid="stats-Campaign-save")
    organizations_changed.connect(_on_bulk, dispatch_uid="stats-bulk")


# Reading ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Freshness:
    """When the figures shown were computed (the oldest row), and for which date deadlines count."""

    refreshed_at: dt.datetime | None
    as_of: dt.date | None


def _row(values: dict, **names) -> OrgRow:
    return OrgRow(**names, **{name: values.get(name) or 0 for name in FIELDS})


def municipality_rows(municipalities: list[Municipality], year: int) -> tuple[list[OrgRow], Freshness] | None:
    """One row per municipality: the sum of its active organizations' stored rows for the year
    (one grouped query over the stored rows), or None when the year has none stored yet."""
    keys = [m.pk for m in municipalities]
    sums = {
        r["municipality_id"]: r
        for r in OrganizationStats.objects.filter(year=year, municipality_id__in=keys, is_active=True)
        .values("municipality_id")
        .annotate(
            n=Count("pk"),
            oldest=Min("refreshed_at"),
            as_of_min=Min("as_of"),
            **{name: Sum(name) for name in FIELDS},
        )
        .order_by()
    }
    if not sums and any(getattr(m, "active_organizations", 1) for m in municipalities):
        return None
    if any(sums.get(m.pk, {}).get("n", 0) < getattr(m, "active_organizations", 0) for m in municipalities):
        return None  # some organization has no row yet (created since the last rebuild)
    rows = [
        _row(
            sums.get(m.pk, {}),
            organization_id=None,
            name=m.name,
            full_name=m.name,
            municipality=m.name,
            organizations=getattr(m, "active_organizations", sums.get(m.pk, {}).get("n", 0)),
        )
        for m in municipalities
    ]
    oldest = [r["oldest"] for r in sums.values() if r["oldest"]]
    as_of = [r["as_of_min"] for r in sums.values() if r["as_of_min"]]
    return rows, Freshness(min(oldest) if oldest else None, min(as_of) if as_of else None)


def organization_rows(organizations: list[Organization], year: int) -> tuple[dict[int, OrgRow], Freshness]:
    """Each organization's stored row for the year; one without a row yet is counted live."""
    stored = {
        r["organization_id"]: r
        for r in OrganizationStats.objects.filter(year=year, organization_id__in=[o.pk for o in organizations]).values(
            "organization_id", "refreshed_at", "as_of", *FIELDS
        )
    }
    rows = {o.pk: _row(stored[o.pk], organization_id=o.pk, name=o.short_name) for o in organizations if o.pk in stored}
    missing = [o for o in organizations if o.pk not in stored]
    if missing:
        for org, row in zip(missing, collect_rows(missing, Period(year), local_today(), details=False), strict=True):
            rows[org.pk] = row
    oldest = [r["refreshed_at"] for r in stored.values()]
    as_of = [r["as_of"] for r in stored.values()]
    return rows, Freshness(min(oldest) if oldest else None, min(as_of) if as_of else None)


def organization_figures(organizations: list[Organization], year: int) -> tuple[dict[int, OrgFigures], Freshness]:
    """A municipality's dashboard and ranking: each organization's figures for the calendar year
    from its stored row (one indexed read instead of counting the municipality's people, pairs,
    meetings and deadlines on every view: 25 of the dashboard's 40 ms of PostgreSQL at a regional
    centre). An organization without a row for the year (new since the last refresh, a year no
    longer kept, a row stored before `pairs_by_form` existed) is counted live by the same
    `monitoring.selectors.organization_figures`. The freshness says when the stored rows were
    computed (None: every figure is live)."""
    stored = {
        r["organization_id"]: r
        for r in OrganizationStats.objects.filter(
            year=year, organization_id__in=[o.pk for o in organizations], pairs_by_form__isnull=False
        ).values("organization_id", "refreshed_at", "as_of", "pairs_by_form", *FIGURES)
    }
    figures = {
        pk: OrgFigures(organization_id=pk, pairs_by_form=row["pairs_by_form"], **{name: row[name] for name in FIGURES})
        for pk, row in stored.items()
    }
    missing = [o.pk for o in organizations if o.pk not in stored]
    if missing:
        figures.update(live_figures(missing, dt.date(year, 1, 1), dt.date(year, 12, 31), keys=missing))
    if not stored:
        return figures, Freshness(None, None)
    return figures, Freshness(min(r["refreshed_at"] for r in stored.values()), min(r["as_of"] for r in stored.values()))


#: the stored counts that are an organization's figures (the fields of monitoring.selectors.OrgFigures)
FIGURES: tuple[str, ...] = tuple(f.name for f in dataclass_fields(OrgFigures) if f.name in FIELDS)


def totals(municipality_ids: list[int], year: int) -> tuple[OrgRow, Freshness]:
    """The sum of these municipalities' active organizations for the year (the regional user's home
    cards): one aggregate over the stored rows; counted live when none are stored yet."""
    agg = OrganizationStats.objects.filter(year=year, municipality_id__in=municipality_ids, is_active=True).aggregate(
        n=Count("pk"), oldest=Min("refreshed_at"), as_of_min=Min("as_of"), **{name: Sum(name) for name in FIELDS}
    )
    if agg["n"]:
        return _row(agg, organization_id=None, name="Итого", organizations=agg["n"]), Freshness(
            agg["oldest"], agg["as_of_min"]
        )
    municipalities = list(
        Municipality.objects.filter(pk__in=municipality_ids).annotate(
            active_organizations=Count("organizations", filter=Q(organizations__is_active=True))
        )
    )
    rows = data_municipality_rows(municipalities, Period(year), local_today(), details=False)
    return sum_rows(rows), Freshness(None, None)
