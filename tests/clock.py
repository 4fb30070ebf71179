"""A clock pinned to the middle of the year, for tests whose world is "this year, deadline ahead".

A report test builds its data from today (pairs started today, a campaign due in five days, meetings
on 15 January) and asserts the figures of "this year". On 27-31 December no real day gives all of it:
five days on is next year, and in Norilsk or Moscow it is already 1 January while UTC is still on
31 December. Such a test is not about the year's edge (the edge has its own tests, which pass `now`
explicitly: tests/test_today.py, tests/roadmaps/test_demo_rerun.py), so its module runs on 15 June
of the current year, 09:00 UTC, with the clock ticking on from there.

    pytestmark = pytest.mark.usefixtures("mid_year_clock")
    YEAR = MID_YEAR.year
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import time_machine

MID_YEAR = dt.datetime(dt.datetime.now(dt.UTC).year, 6, 15, 9, 0, tzinfo=dt.UTC)


def travel_to_mid_year() -> Iterator[dt.date]:
    """Body of the module-scoped `mid_year_clock` fixture (tests/conftest.py)."""
    with time_machine.travel(MID_YEAR, tick=True):
        yield MID_YEAR.date()
