"""A clock pinned to the middle of the year, for tests whose world is "this year, deadline ahead".

A report test builds its data from today (pairs started today, a campaign due in five days, meetings
on 15 January) and asserts the figures of "this year". On 27-31 December no real day gives all of it:
five days on is next year, and in Norilsk or Moscow it is already 1 January while UTC is still on
31 December. Such a test is not about the day's or the year's edge (those have their own tests with
an explicit moment: tests/accounts/test_scoping.py::test_one_today_per_municipality,
tests/notifications/test_sweep.py::test_today_is_the_municipality_s_own,
tests/monitoring/test_workflow.py::test_deadline_ends_at_local_midnight), so its module runs on
15 June of the current year, 09:00 UTC, with the clock ticking on from there.

Which modules: tests/monitoring/test_reports.py, test_region_report.py, test_report_print.py,
test_stats.py, test_browser.py and tests/accounts/test_organization_page.py. The rest of the suite
passes on 31 December 12:00 and 20:30 UTC, 1 January 03:00 UTC and 29 February (README, «Тесты и CI»).

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
