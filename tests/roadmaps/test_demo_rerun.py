"""`seed_demo` run again on the same database later (a year on: the demo's current edition of the
municipal roadmap moves with the municipality's today) keeps the edition already there instead of
adding a second one whose period overlaps it; without an overlap a new year's edition is added."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.demo import DemoContext
from accounts.models import Municipality
from roadmaps import demo as roadmaps_demo
from roadmaps.models import Roadmap, RoadmapLevel

pytestmark = pytest.mark.django_db


def _moved(days: int):
    """The clock `days` ahead: Municipality.today() / local_today read django.utils.timezone.now."""
    real = timezone.now
    return mock.patch("django.utils.timezone.now", lambda: real() + dt.timedelta(days=days))


def _days_to_years_on(today: dt.date, years: int) -> int:
    """Days from `today` to the same date `years` on (29 February to the 28th): a fixed 365 days
    from 31 December, or across a leap year, lands in another calendar year than meant."""
    try:
        later = today.replace(year=today.year + years)
    except ValueError:
        later = today.replace(year=today.year + years, day=28)
    return (later - today).days


def _editions(municipality: Municipality) -> list[tuple[dt.date, dt.date]]:
    return list(
        Roadmap.objects.filter(municipality=municipality, level=RoadmapLevel.MUNICIPAL, is_template=False)
        .order_by("period_start")
        .values_list("period_start", "period_end")
    )


def _overlaps(periods: list[tuple[dt.date, dt.date]]) -> list[tuple]:
    return [(a, b) for i, a in enumerate(periods) for b in periods[i + 1 :] if a[0] <= b[1] and b[0] <= a[1]]


@pytest.mark.slow(seconds=10)
def test_seed_a_year_later_adds_no_overlapping_municipal_edition():
    ctx = accounts_demo.seed(DemoContext())
    norilsk = ctx.municipalities["norilsk"]
    first = roadmaps_demo._current_edition(ctx, "norilsk")
    assert first is not None
    today = norilsk.today()
    assert first.period_start <= today <= first.period_end
    before = _editions(norilsk)

    for years in (1, 2):  # a year and two years on: 3-year periods that would overlap
        ctx.log.clear()
        with _moved(_days_to_years_on(today, years)):
            later = norilsk.today()
            assert later.year == today.year + years
            kept = roadmaps_demo._current_edition(ctx, "norilsk")
        assert kept is not None and kept.pk == first.pk
        assert _editions(norilsk) == before
        assert any("уже есть" in line and "не добавлена" in line for line in ctx.log), ctx.log
    assert not _overlaps(_editions(norilsk))


def test_seed_a_year_later_adds_a_new_one_year_edition_that_does_not_overlap():
    ctx = accounts_demo.seed(DemoContext())
    nv = ctx.municipalities["nizhnevartovsk"]
    first = roadmaps_demo._current_edition(ctx, "nizhnevartovsk")
    assert first is not None
    with _moved(_days_to_years_on(nv.today(), 1)):
        second = roadmaps_demo._current_edition(ctx, "nizhnevartovsk")
        again = roadmaps_demo._current_edition(ctx, "nizhnevartovsk")
    assert second is not None and second.pk != first.pk and again.pk == second.pk
    assert second.period_start.year == first.period_start.year + 1
    assert not _overlaps(_editions(nv))
