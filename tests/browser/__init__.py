"""Browser-test helpers shared by every app's browser tests."""

from __future__ import annotations

from typing import Any


def click_and_load(page: Any, target: Any) -> None:
    """Click something that loads a new page and return once that page has loaded.

    A bare `click` returns as soon as the navigation starts: reading the page right after it can
    read the old page, which often carries the same elements (a status badge, a form). Every click
    that submits a form or follows a link goes through here before the test reads the result."""
    with page.expect_navigation():
        if isinstance(target, str):
            page.click(target)
        else:
            target.click()
