"""A clock pinned to the middle of the year, for tests whose world is "this year, deadline ahead".

A report test builds its data from today (pairs started today, a campaign due in five days, meetings
on 15 January) and asserts the figures of "this year". On 27-31 December no real day gives all of it:
five days on is next year, and in Norilsk or Moscow it is already 1 January while UTC is still on
31 December. Such a test is not about the day's or the year's edge (those have their own tests with
an explicit moment: tests/accounts/test_scoping.py::test_one_today_per_municipality,
tests/notifications/test_sweep.py::test_today_is_the_municipality_s_own,
tests/monitoring/test_workflow.py::test_deadline_ends_at_local_midnight), so its module runs on
15 June of the current year, 09:00 UTC, with the clock ticking on from there.

A module asks for it (the fixture `mid_year_clock`, tests/conftest.py; `grep -r mid_year_clock tests`
lists them) and takes its year from here:

    pytestmark = pytest.mark.usefixtures("mid_year_clock")
    YEAR = MID_YEAR.year
"""

from __future__ import annotations

import datetime as dt

MID_YEAR = dt.datetime(dt.datetime.now(dt.UTC).year, 6, 15, 9, 0, tzinfo=dt.UTC)
