"""The participant role in accounts.scoping: no organization or municipal grants, own rows only."""

from __future__ import annotations

from accounts import scoping
from mentorship.models import Pair


def test_participant_role_grants_nothing_through_the_hierarchy(world, participants):
    user = participants.home.mentee_user
    scope = scoping.scope_for(user)
    assert scope.roles == frozenset({"participant"})
    assert not scope.view_organization_ids and not scope.edit_organization_ids
    assert not scope.readable_municipality_ids and not scope.is_municipal
    assert not scoping.visible_organizations(user).exists()
    assert not scoping.visible_municipalities(user).exists()
    assert not scoping.can_view_organization(user, world.home.school)
    assert scoping.is_participant_only(user)


def test_filter_own_returns_only_own_pairs(world, participants):
    user = participants.home.mentor_user
    own = scoping.filter_own(user, Pair.objects.all(), "participants__person__user")
    assert list(own) == [participants.home.pair]
    # a staff user without the participant role owns nothing
    assert not scoping.filter_own(world.home.curator, Pair.objects.all(), "participants__person__user").exists()
    assert not scoping.is_participant_only(world.home.curator)
