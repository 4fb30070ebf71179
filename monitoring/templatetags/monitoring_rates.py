"""Response rates of participants' questionnaires on the campaign and school pages."""

from __future__ import annotations

from django import template

from accounts import scoping
from monitoring import selectors as monitoring_selectors

register = template.Library()


@register.inclusion_tag("monitoring/_response_rates.html", takes_context=True)
def campaign_response_rates(context, campaign):
    user = context["request"].user
    if not campaign.is_questionnaire:
        return {"show": False}
    by_org, by_questionnaire, total = monitoring_selectors.campaign_response_rates(user, campaign)
    can_remind = campaign.status == "open" and (
        scoping.can_run_monitoring(user, campaign.municipality_id)
        or any(scoping.can_edit_organization(user, row.key) for row in by_org)
    )
    return {
        "show": True,
        "campaign": campaign,
        "by_org": by_org,
        "by_questionnaire": by_questionnaire,
        "total": total,
        "can_remind": can_remind,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("monitoring/_assignment_rates.html", takes_context=True)
def assignment_response_rates(context, assignment):
    """The school's page of a questionnaire campaign: its rates per questionnaire."""
    user = context["request"].user
    campaign = assignment.campaign
    if not campaign.is_questionnaire:
        return {"show": False}
    _by_org, by_questionnaire, total = monitoring_selectors.response_rates(
        monitoring_selectors.responses_in(user, assignment)
    )
    return {
        "show": True,
        "assignment": assignment,
        "campaign": campaign,
        "by_questionnaire": by_questionnaire,
        "total": total,
        "can_remind": campaign.status == "open" and scoping.can_edit_organization(user, assignment.organization_id),
        "csrf_token": context.get("csrf_token"),
    }
