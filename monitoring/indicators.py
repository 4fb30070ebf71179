"""One definition of each indicator of the annual report, computed from summable counts.

Every figure the report, its conclusions, the regional export and the page preview show is one of
these functions applied to counts (per organization, or the sum over a municipality or a region), so
the same share is never computed twice in two ways. Shares are percentages with one decimal.
"""

from __future__ import annotations

from typing import Protocol


class Counts(Protocol):
    mentors: int
    mentees: int
    mentees_matched: int
    pairs: int
    programs: int
    young_total: int
    young_covered: int
    roadmap_due: int
    roadmap_done: int
    roadmap_on_time: int
    roadmap_overdue: int
    reports_expected: int
    reports_submitted: int
    reports_on_time: int


def share(part: float | int | None, whole: float | int | None) -> float | None:
    """part / whole in percent, one decimal; None when there is nothing to divide by."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def young_coverage(c: Counts) -> float | None:
    """Охват молодых специалистов: young specialists in an open pair / all young specialists, %."""
    return share(c.young_covered, c.young_total)


def mentees_matched(c: Counts) -> float | None:
    """Наставляемые, закреплённые за наставником (в формируемой или действующей паре), %."""
    return share(c.mentees_matched, c.mentees)


def mentees_unmatched(c: Counts) -> int:
    return max(0, c.mentees - c.mentees_matched)


def programs_share(c: Counts) -> float | None:
    """Действующие пары и группы с персонализированной программой, % (не больше 100)."""
    return share(min(c.programs, c.pairs), c.pairs)


def mentor_load(c: Counts) -> float | None:
    """Наставляемых на одного наставника."""
    return round(c.mentees / c.mentors, 1) if c.mentors else None


def roadmap_late(c: Counts) -> int:
    """Done, but after the due date."""
    return max(0, c.roadmap_done - c.roadmap_on_time)


def roadmap_on_time(c: Counts) -> float | None:
    """Сроки исполнения мероприятий дорожной карты, выполненные в срок, % от наступивших сроков."""
    return share(c.roadmap_on_time, c.roadmap_due)


def reporting_rate(c: Counts) -> float | None:
    """Сданные отчёты (справки, учёт, анкеты) / ожидавшиеся, %."""
    return share(c.reports_submitted, c.reports_expected)


def reports_on_time(c: Counts) -> float | None:
    return share(c.reports_on_time, c.reports_expected)


def mean(total: float, n: int) -> float | None:
    """A mean kept as (sum, count) so that municipalities and regions can be summed exactly."""
    return round(total / n, 2) if n else None
