"""Reports, questionnaires, website check and trend of a school's page (MonitoringConfig.ready)."""

from __future__ import annotations

from accounts.navigation import PageSection
from monitoring import selectors


def monitoring_section(user, organization) -> PageSection:
    return PageSection(
        "monitoring/_organization_section.html",
        {"monitoring": selectors.organization_monitoring(user, organization), "organization": organization},
    )
