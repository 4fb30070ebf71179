"""The participant-account block of the person card."""

from __future__ import annotations

from django import template

from accounts import scoping
from accounts.models import User
from mentorship.participants import account_state, invite_refusal

register = template.Library()


@register.inclusion_tag("mentorship/participants/_account.html", takes_context=True)
def participant_account(context, person):
    user = context["request"].user
    can_edit = scoping.can_edit_organization(user, person.organization_id)
    # one query whether or not the person has an account (the card keeps a constant query count)
    account = User.objects.filter(pk=person.user_id).only("username", "is_active", "password").first()
    return {
        "person": person,
        "account": account,
        "can_edit": can_edit,
        "state": account_state(account),
        "refusal": invite_refusal(person) if can_edit else "",
        "csrf_token": context.get("csrf_token"),
    }
