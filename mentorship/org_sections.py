"""The mentors, mentees and pairs section of a school's page (registered in MentorshipConfig.ready)."""

from __future__ import annotations

from accounts.navigation import PageSection
from mentorship import selectors


def mentorship_section(user, organization) -> PageSection:
    stats, pairs_by_status = selectors.organization_stats(user, organization)
    return PageSection(
        "mentorship/_organization_section.html",
        {"stats": stats, "pairs_by_status": pairs_by_status, "organization": organization},
    )
