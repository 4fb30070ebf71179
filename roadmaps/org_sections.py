"""The roadmap section of a school's page (registered in RoadmapsConfig.ready)."""

from __future__ import annotations

from accounts.navigation import PageSection
from roadmaps import selectors


def roadmap_section(user, organization) -> PageSection:
    return PageSection(
        "roadmaps/_organization_section.html",
        {"execution": selectors.organization_execution(user, organization), "organization": organization},
    )
