"""Read queries for organizations and users, always through the scoping module."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.models import Organization, OrganizationKind, Role, RoleAssignment, User
from accounts.scoping import (
    MONITOR,
    REGION_MONITOR,
    roles_with,
    scope_for,
    user_ids_in_scope,
    visible_organizations,
)


def organization_list(user, *, filters: dict | None = None) -> QuerySet[Organization]:
    qs = visible_organizations(user).select_related("municipality", "municipality__region")
    filters = filters or {}
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(short_name__icontains=q) | Q(full_name__icontains=q) | Q(address__icontains=q))
    return qs.order_by("municipality__name", "short_name")


def organization_counts_by_kind(user) -> dict[str, int]:
    """Visible organizations by kind, computed once per request's user object (the home page's
    breakdown and its «Организаций» card both read it)."""
    cached = getattr(user, "_nastavnik_org_counts", None)
    if cached is not None:
        return cached
    rows = visible_organizations(user).values("kind").annotate(n=Count("id")).order_by()
    labels = dict(OrganizationKind.choices)
    counts = {labels[row["kind"]]: row["n"] for row in rows}
    user._nastavnik_org_counts = counts
    return counts


def users_in_scope(user) -> QuerySet[User]:
    scope = scope_for(user)
    qs = User.objects.filter(is_active=True)
    if not scope.is_admin:
        qs = qs.filter(pk__in=user_ids_in_scope(user))
    return qs


def user_role_labels(user) -> list[str]:
    """Human labels of the user's roles with their scope, for the header and home page (read with
    the user's scope: no query of their own)."""
    return list(scope_for(user).role_labels)


def organization_staff(organization: Organization) -> list[RoleAssignment]:
    """The school's curators and heads with their contacts (the caller has scoped the organization)."""
    return list(
        RoleAssignment.objects.filter(
            organization=organization, role__in=[Role.CURATOR, Role.HEAD], user__is_active=True
        )
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )


def municipality_coordinators(municipality_id: int) -> list[User]:
    """Active coordinators of a municipality (who review its schools' reports)."""
    return list(
        User.objects.filter(
            is_active=True, roles__role=Role.COORDINATOR, roles__municipality_id=municipality_id
        ).distinct()
    )


def organization_people(organization_id: int, roles: tuple[str, ...] = (Role.CURATOR, Role.HEAD)) -> list[User]:
    """Active users holding one of `roles` in the organization (curator and head by default)."""
    return list(
        User.objects.filter(is_active=True, roles__role__in=roles, roles__organization_id=organization_id).distinct()
    )


def organizations_people(organization_ids, roles: tuple[str, ...] = (Role.CURATOR, Role.HEAD)) -> dict[int, list[User]]:
    """`organization_people` for many organizations in one query: organization id → its active users."""
    people: dict[int, list[User]] = {}
    rows = (
        RoleAssignment.objects.filter(organization_id__in=list(organization_ids), role__in=roles, user__is_active=True)
        .select_related("user")
        .order_by("organization_id", "user_id")
    )
    for row in rows:
        if row.organization_id is None:
            continue
        users = people.setdefault(row.organization_id, [])
        if all(u.pk != row.user_id for u in users):
            users.append(row.user)
    return people


def municipality_monitors(municipality_id: int) -> list[User]:
    """Active users who run the municipality's monitoring (coordinator, methodologist): they answer
    the region's requests for the annual report."""
    return list(
        User.objects.filter(
            is_active=True, roles__role__in=roles_with(MONITOR), roles__municipality_id=municipality_id
        ).distinct()
    )


def region_monitors(region_id: int) -> list[User]:
    """Active regional users of the region (they review the municipalities' annual reports)."""
    return list(
        User.objects.filter(
            is_active=True, roles__role__in=roles_with(REGION_MONITOR), roles__region_id=region_id
        ).distinct()
    )
