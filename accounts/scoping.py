"""The one place that decides what a user may see and change.

Every view, form choice list, admin queryset, import, export, report and task asks this module;
nothing else filters by organization or municipality on its own, and nothing else names roles to
decide a right. Scopes follow the hierarchy (municipality → organization), never per-object
grants, so checks stay cheap at regional volume.

Rules (the grant tables below are the whole policy; a new role is a new row there):
- administrator (or superuser): everything;
- municipal coordinator: sees and edits every organization of the municipality and its municipal
  data, runs monitoring, accepts school reports, manages the municipality's users;
- methodologist: sees every organization of the municipality; runs monitoring and accepts reports;
- school curator: sees and edits their organization; reads their municipality's municipal data;
- school head: sees their organization (read and approve); reads the municipal data;
- regional coordinator (regional mentoring centre, regional ministry): reads every municipality of
  its region and every organization there, read-mostly; runs the region's own monitoring (the
  regional dashboards, the municipalities' ranking and the regional annual report), never a
  municipality's.
- participant (mentor or mentee with an account): sees only their own pairs, programs, meetings,
  questionnaires and personal data, never an organization's or a municipality's data as such
  (the "Participants" section at the end of this module).

Choice lists: `choices_for(user, model)` answers the rows of any model a form may offer the user;
apps register the scope of their own models with `register_choice_scope` in `AppConfig.ready`
(accounts knows no domain app). `accounts.admin_mixins.ScopedAdminMixin` and
`accounts.forms.ScopedFormMixin` apply it to every relation field and prefill.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Aggregate, JSONField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import JSONArray
from django.http import Http404

from accounts.models import (
    MUNICIPAL_ROLES,
    Municipality,
    Organization,
    Region,
    Role,
    RoleAssignment,
    User,
    local_today,
)

_CACHE_ATTR = "_nastavnik_scope"
_M = TypeVar("_M", bound=Model)

# Grants ---------------------------------------------------------------------------------------------
VIEW = "view"  # read the data of the scope
EDIT = "edit"  # change the data of the scope (people, pairs, roadmaps, records)
APPROVE = "approve"  # approve the school's roadmap and orders
MONITOR = "monitor"  # run monitoring: campaigns, criteria, website checks, annual report
ACCEPT_REPORTS = "accept_reports"  # accept or return the schools' reports
MANAGE_USERS = "manage_users"  # create the municipality's users and their roles
REGION_MONITOR = "region_monitor"  # the region's dashboards, ranking of municipalities, regional report

#: grants of a role assigned to a municipality (over the municipality and all its organizations)
MUNICIPAL_GRANTS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({VIEW, EDIT, MONITOR, ACCEPT_REPORTS, MANAGE_USERS}),
    Role.METHODOLOGIST: frozenset({VIEW, MONITOR, ACCEPT_REPORTS}),
}
#: grants of a role assigned to a region (over every municipality of the region and its organizations;
#: REGION_MONITOR over the region itself)
REGIONAL_GRANTS: dict[str, frozenset[str]] = {
    Role.REGIONAL: frozenset({VIEW, REGION_MONITOR}),
}
#: grants of a role assigned to an organization (over that organization; its municipality's
#: municipal data is readable by every organization role)
ORGANIZATION_GRANTS: dict[str, frozenset[str]] = {
    Role.CURATOR: frozenset({VIEW, EDIT}),
    Role.HEAD: frozenset({VIEW, APPROVE}),
}


def roles_with(grant: str) -> frozenset[str]:
    """Roles that carry `grant` (menu items name them instead of listing roles by hand)."""
    return frozenset(
        role
        for table in (MUNICIPAL_GRANTS, ORGANIZATION_GRANTS, REGIONAL_GRANTS)
        for role, grants in table.items()
        if grant in grants
    )


@dataclass(frozen=True)
class Scope:
    is_authenticated: bool = False
    is_admin: bool = False
    roles: frozenset[str] = frozenset()
    # role -> ids of municipalities (municipal roles) or organizations (school roles)
    municipality_ids_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    organization_ids_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    # municipalities that school-level roles belong to: they may read municipal data there
    parent_municipality_ids: frozenset[int] = frozenset()
    # role -> ids of regions (regional roles), and the municipalities of those regions
    region_ids_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    region_municipality_ids_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    # time zones of the municipalities the user works in (read with the roles, no extra query)
    timezones: frozenset[str] = frozenset()
    # «Роль: место» of each role, for the header and the home page
    role_labels: tuple[str, ...] = ()

    @property
    def home_timezone(self) -> str | None:
        """The time zone of the user's municipalities when they share one (see `user_today`)."""
        return next(iter(self.timezones)) if len(self.timezones) == 1 else None

    def _municipalities(self, grant: str) -> frozenset[int]:
        return frozenset().union(
            *(ids for role, ids in self.municipality_ids_by_role.items() if grant in MUNICIPAL_GRANTS.get(role, ())),
            *(
                ids
                for role, ids in self.region_municipality_ids_by_role.items()
                if grant in REGIONAL_GRANTS.get(role, ())
            ),
        )

    def _regions(self, grant: str) -> frozenset[int]:
        return frozenset().union(
            *(ids for role, ids in self.region_ids_by_role.items() if grant in REGIONAL_GRANTS.get(role, ()))
        )

    @property
    def region_monitor_ids(self) -> frozenset[int]:
        """Regions whose region-wide pages (municipalities as rows, regional report) the user opens."""
        return self._regions(REGION_MONITOR)

    @property
    def is_regional(self) -> bool:
        return self.is_admin or bool(self.region_monitor_ids)

    @property
    def region_wide(self) -> bool:
        """Reads whole regions and nothing narrower (a regional user without a municipal or school
        role): its summaries are the region's stored aggregates (monitoring.stats), never a count
        or a list of every person, pair and organization of the region."""
        return (
            bool(self.region_monitor_ids)
            and not self.is_admin
            and not any(self.municipality_ids_by_role.values())
            and not any(self.organization_ids_by_role.values())
        )

    def region_q(self, path: str = "region") -> Q:
        """Q selecting rows (at `path` to Region) of the regions whose region pages the user opens."""
        if self.is_admin:
            return Q()
        ids = self.region_monitor_ids
        return Q(**{f"{path}_id__in" if path else "pk__in": ids}) if ids else Q(pk__in=[])

    def _organizations(self, grant: str) -> frozenset[int]:
        return frozenset().union(
            *(ids for role, ids in self.organization_ids_by_role.items() if grant in ORGANIZATION_GRANTS.get(role, ()))
        )

    # What the user may see ------------------------------------------------------------------
    @property
    def view_municipality_ids(self) -> frozenset[int]:
        """Municipalities whose every organization is visible."""
        return self._municipalities(VIEW)

    @property
    def view_organization_ids(self) -> frozenset[int]:
        """Organizations visible one by one (outside the whole-municipality grants)."""
        return self._organizations(VIEW)

    @property
    def readable_municipality_ids(self) -> frozenset[int]:
        """Municipalities whose municipal-level data (roadmap, campaigns) the user may read."""
        return self.view_municipality_ids | self.parent_municipality_ids

    # What the user may change ---------------------------------------------------------------
    @property
    def edit_municipality_ids(self) -> frozenset[int]:
        return self._municipalities(EDIT)

    @property
    def edit_organization_ids(self) -> frozenset[int]:
        return self._organizations(EDIT)

    @property
    def approve_organization_ids(self) -> frozenset[int]:
        return self._organizations(APPROVE)

    @property
    def methodology_municipality_ids(self) -> frozenset[int]:
        """Municipalities whose monitoring (campaigns, criteria, reports) the user may run."""
        return self._municipalities(MONITOR)

    @property
    def accept_municipality_ids(self) -> frozenset[int]:
        """Municipalities whose schools' reports the user may accept or return."""
        return self._municipalities(ACCEPT_REPORTS)

    @property
    def user_admin_municipality_ids(self) -> frozenset[int]:
        """Municipalities whose users the user manages."""
        return self._municipalities(MANAGE_USERS)

    @property
    def runs_monitoring(self) -> bool:
        """May run monitoring somewhere (opens the monitoring pages and forms)."""
        return self.is_admin or bool(self.methodology_municipality_ids)

    @property
    def manages_users(self) -> bool:
        return self.is_admin or bool(self.user_admin_municipality_ids)

    @property
    def edits_municipal_data(self) -> bool:
        """May change municipal-level data somewhere (municipal roadmaps, events, communities)."""
        return self.is_admin or bool(self.edit_municipality_ids)

    @property
    def edits_anything(self) -> bool:
        """May change data of at least one organization or municipality (no query needed)."""
        return self.is_admin or bool(self.edit_organization_ids or self.edit_municipality_ids)

    def has_role(self, *roles: str) -> bool:
        return self.is_admin or bool(self.roles.intersection(roles))

    @property
    def is_municipal(self) -> bool:
        return self.is_admin or bool(self.roles & MUNICIPAL_ROLES)

    def monitoring_q(self, path: str = "municipality") -> Q:
        """Q selecting rows of the municipalities whose monitoring the user runs."""
        if self.is_admin:
            return Q()
        ids = self.methodology_municipality_ids
        return Q(**{f"{path}_id__in" if path else "pk__in": ids}) if ids else Q(pk__in=[])

    # Queryset filters -----------------------------------------------------------------------
    def organization_q(self, path: str = "", *, edit: bool = False, municipality_path: str | None = None) -> Q:
        """Q selecting rows whose organization (reached by `path`) the user may see or edit.

        `path` is the lookup from the filtered model to Organization ("" for Organization itself,
        "organization", "pair__organization", ...). `municipality_path` names the row's own
        municipality column where the model keeps one that always equals its organization's
        (execution records do): whole-municipality grants then filter on it, an indexed column,
        instead of joining the organization for every row.
        """
        if self.is_admin:
            return Q()
        prefix = f"{path}__" if path else ""
        municipalities = self.edit_municipality_ids if edit else self.view_municipality_ids
        organizations = self.edit_organization_ids if edit else self.view_organization_ids
        if not municipalities and not organizations:
            return Q(pk__in=[])
        q = Q(pk__in=[])
        if municipalities and municipality_path:
            q |= Q(**{f"{municipality_path}_id__in": municipalities})
        elif municipalities:
            q |= Q(**{f"{prefix}municipality_id__in": municipalities})
        if organizations:
            q |= Q(**{f"{path}_id__in" if path else "pk__in": organizations})
        return q

    def own_organization_q(self, path: str = "organization") -> Q:
        """Q selecting rows (at `path` to Organization) of the organizations the user holds a school
        role in with edit rights: what «your organization» means (a coordinator may edit every school
        of the municipality, but none of them is theirs)."""
        ids = self.edit_organization_ids
        return Q(**{f"{path}_id__in" if path else "pk__in": ids}) if ids else Q(pk__in=[])

    def municipality_q(self, path: str = "", *, edit: bool = False) -> Q:
        """Q selecting rows of municipal-level data (reached by `path` to Municipality)."""
        if self.is_admin:
            return Q()
        ids = self.edit_municipality_ids if edit else self.readable_municipality_ids
        if not ids:
            return Q(pk__in=[])
        return Q(**{f"{path}_id__in" if path else "pk__in": ids})


def scope_for(user) -> Scope:
    """The user's scope, computed once per user object (one query)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Scope()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    preloaded: Any = getattr(user, _ROWS_ATTR, _ABSENT)
    if preloaded is not _ABSENT:  # read with the user (see `with_scope_rows`): no query of its own
        rows = [tuple(row[1:]) for row in sorted(_json(preloaded), key=lambda row: row[0])]
        region_rows = [tuple(row) for row in _json(getattr(user, _REGION_ROWS_ATTR, None))]
        _drop_preloaded(user)
        scope = _build_scope(user, rows, region_rows=region_rows)
    else:
        queried = RoleAssignment.objects.filter(user=user).order_by("pk").values_list(*_SCOPE_COLUMNS)
        scope = _build_scope(user, queried)
    setattr(user, _CACHE_ATTR, scope)
    return scope


_ABSENT = object()
_ROWS_ATTR = "_nastavnik_scope_rows"
_REGION_ROWS_ATTR = "_nastavnik_scope_region_rows"


def _json(value) -> list:
    """The rows of a JSON column: decoded by a queryset, text when read by a raw query."""
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return value or []


def _drop_preloaded(user, attrs: tuple[str, ...] = (_ROWS_ATTR, _REGION_ROWS_ATTR)) -> None:
    """Remove the rows read with the user (also through request.user's lazy wrapper)."""
    for attr in attrs:
        if hasattr(user, attr):
            delattr(user, attr)


class _JSONRows(Aggregate):
    """The grouped rows as one JSON array (JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY on SQLite)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def with_scope_rows(users: QuerySet[User]) -> QuerySet[User]:
    """Users read together with the rows their Scope is built from (their role assignments and,
    for regional roles, the municipalities of their regions), in the same query: `scope_for` then
    builds the scope without a query of its own. The session's user is read this way on every
    request (accounts.backends), so the user, the roles and the region cost one query, not two or
    three. The rows are used once: `forget_scope` and a role change read them afresh."""
    roles = (
        RoleAssignment.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(rows=_JSONRows(JSONArray("pk", *_SCOPE_COLUMNS)))
        .values("rows")
    )
    regions = RoleAssignment.objects.filter(user=OuterRef(OuterRef("pk")), region__isnull=False).values("region")
    region_municipalities = (
        Municipality.objects.filter(region__in=regions)
        .order_by()
        .annotate(_all=Value(1))  # a constant groups nothing: one array of every matching row
        .values("_all")
        .annotate(rows=_JSONRows(JSONArray("pk", "region_id", "timezone")))
        .values("rows")
    )
    return users.annotate(
        **{_ROWS_ATTR: Subquery(roles, output_field=JSONField())},
        **{_REGION_ROWS_ATTR: Subquery(region_municipalities, output_field=JSONField())},
    )


def scopes_for(users: Iterable) -> None:
    """Compute and cache the scopes of many users with one query.

    The reminder sweep and its preview check every curator of a municipality: one query per
    user there grows with the number of schools (240 in a regional centre).
    """
    pending: dict[int, list] = {}
    for u in users:
        if (
            u is not None
            and getattr(u, "is_authenticated", False)
            and u.is_active
            and getattr(u, _CACHE_ATTR, None) is None
        ):
            pending.setdefault(u.pk, []).append(u)
    if not pending:
        return
    rows_by_user: dict[int, list[tuple]] = {pk: [] for pk in pending}
    for user_id, *row in (
        RoleAssignment.objects.filter(user_id__in=pending).order_by("pk").values_list("user_id", *_SCOPE_COLUMNS)
    ):
        rows_by_user[user_id].append(tuple(row))
    for pk, same_user in pending.items():
        scope = _build_scope(same_user[0], rows_by_user[pk])
        for user in same_user:
            setattr(user, _CACHE_ATTR, scope)


_SCOPE_COLUMNS = (
    "role",
    "municipality_id",
    "organization_id",
    "organization__municipality_id",
    "region_id",
    "municipality__timezone",
    "organization__municipality__timezone",
    # the names shown in the header («Куратор: МБОУ «СШ № 1»»): read with the roles, no query of their own
    "organization__short_name",
    "municipality__name",
    "region__name",
)


def _build_scope(user, rows: Iterable[tuple], *, region_rows: Iterable[tuple] | None = None) -> Scope:
    """`region_rows`: (municipality id, region id, time zone) of the municipalities of the user's
    regions when already read (`with_scope_rows`); otherwise read here for regional users."""
    municipalities: dict[str, set[int]] = {}
    timezones: set[str] = set()
    organizations: dict[str, set[int]] = {}
    parents: set[int] = set()
    roles: set[str] = set()
    regions: dict[str, set[int]] = {}
    labels: list[str] = [Role.ADMIN.label] if user.is_superuser else []
    for role, municipality_id, organization_id, parent_id, region_id, tz, parent_tz, *names in rows:
        place = next((name for name in names if name), "")
        label = f"{Role(role).label}: {place}" if place else Role(role).label
        if label not in labels:
            labels.append(label)
        roles.add(role)
        timezones.update(t for t in (tz, parent_tz) if t)
        if municipality_id:
            municipalities.setdefault(role, set()).add(municipality_id)
        if organization_id:
            organizations.setdefault(role, set()).add(organization_id)
            if role != Role.PARTICIPANT:  # a participant reads no municipal data (see below)
                parents.add(parent_id)
        if region_id:
            regions.setdefault(role, set()).add(region_id)
    region_municipalities: dict[str, frozenset[int]] = {}
    if regions:  # one more query, only for regional users (none when read with the user)
        by_region: dict[int, set[int]] = {}
        all_regions = set().union(*regions.values())
        if region_rows is None:
            region_rows = Municipality.objects.filter(region_id__in=all_regions).values_list(
                "pk", "region_id", "timezone"
            )
        for municipality_id, region_id, tz in region_rows:
            by_region.setdefault(region_id, set()).add(municipality_id)
            timezones.add(tz)
        region_municipalities = {
            role: frozenset().union(*(by_region.get(r, set()) for r in ids)) for role, ids in regions.items()
        }
    return Scope(
        region_ids_by_role={k: frozenset(v) for k, v in regions.items()},
        region_municipality_ids_by_role=region_municipalities,
        is_authenticated=True,
        is_admin=user.is_superuser or Role.ADMIN in roles,
        roles=frozenset(roles),
        municipality_ids_by_role={k: frozenset(v) for k, v in municipalities.items()},
        organization_ids_by_role={k: frozenset(v) for k, v in organizations.items()},
        parent_municipality_ids=frozenset(parents),
        timezones=frozenset(timezones),
        role_labels=tuple(labels),
    )


def user_today(user, now: dt.datetime | None = None) -> dt.date:
    """Today for the user: in the time zone of the municipalities they work in (an organization's
    staff and participants: their municipality's; a regional user: the region's when it has one);
    the site's date for an admin or a user whose municipalities lie in different time zones."""
    return local_today(timezone_name=scope_for(user).home_timezone, now=now)


def forget_scope(user) -> None:
    """Drop the cached scope after the user's roles change."""
    _drop_preloaded(user, (_CACHE_ATTR, _ROWS_ATTR, _REGION_ROWS_ATTR))


def municipal_editors(municipality: Municipality | int) -> QuerySet[RoleAssignment]:
    """The role rows that let an active user edit the municipality (a municipal role with EDIT) or
    one of its active organizations (an organization role with EDIT): who is told of the
    municipality's and its schools' reminders. Each such row grants the edit by itself, so no
    user's whole scope is built to check it (the sweep and its preview read 240 curators at once)."""
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    organization_roles = [role for role, grants in ORGANIZATION_GRANTS.items() if EDIT in grants]
    municipal_roles = [role for role, grants in MUNICIPAL_GRANTS.items() if EDIT in grants]
    return RoleAssignment.objects.filter(
        Q(
            role__in=organization_roles,
            organization__municipality_id=municipality_id,
            organization__is_active=True,
        )
        | Q(role__in=municipal_roles, municipality_id=municipality_id),
        user__is_active=True,
    )


# Organizations and municipalities ---------------------------------------------------------------
def visible_organizations(user) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_for(user).organization_q())


def editable_organizations(user) -> QuerySet[Organization]:
    return Organization.objects.filter(scope_for(user).organization_q(edit=True))


def visible_municipalities(user) -> QuerySet[Municipality]:
    """Municipalities the user may read municipal-level data of."""
    return Municipality.objects.filter(scope_for(user).municipality_q())


def editable_municipalities(user) -> QuerySet[Municipality]:
    return Municipality.objects.filter(scope_for(user).municipality_q(edit=True))


def can_view_organization(user, organization: Organization | int) -> bool:
    scope = scope_for(user)
    if scope.is_admin:
        return True
    org_id, municipality_id = _org_ids(organization)
    return org_id in scope.view_organization_ids or municipality_id in scope.view_municipality_ids


def can_edit_organization(user, organization: Organization | int) -> bool:
    scope = scope_for(user)
    if scope.is_admin:
        return True
    org_id, municipality_id = _org_ids(organization)
    return org_id in scope.edit_organization_ids or municipality_id in scope.edit_municipality_ids


def can_view_municipality(user, municipality: Municipality | int) -> bool:
    scope = scope_for(user)
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    return scope.is_admin or municipality_id in scope.readable_municipality_ids


def can_edit_municipality(user, municipality: Municipality | int) -> bool:
    scope = scope_for(user)
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    return scope.is_admin or municipality_id in scope.edit_municipality_ids


def can_run_monitoring(user, municipality: Municipality | int) -> bool:
    scope = scope_for(user)
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    return scope.is_admin or municipality_id in scope.methodology_municipality_ids


def can_view_region(user, region) -> bool:
    """May open the region-wide pages of `region` (a Region or its id)."""
    scope = scope_for(user)
    region_id = region if isinstance(region, int) else region.pk
    return scope.is_admin or region_id in scope.region_monitor_ids


def filter_by_region(user, queryset: QuerySet, path: str = "region") -> QuerySet:
    """Rows (at `path` to Region) of the regions whose region-wide pages the user opens
    (REGION_MONITOR: the regional report, regional campaigns, the municipalities' annual reports)."""
    return queryset.filter(scope_for(user).region_q(path))


def visible_regions(user) -> QuerySet[Region]:
    scope = scope_for(user)
    if scope.is_admin:
        return Region.objects.all()
    return Region.objects.filter(pk__in=scope.region_monitor_ids)


def can_accept_reports(user, municipality: Municipality | int) -> bool:
    """May accept or return the reports of the municipality's schools."""
    scope = scope_for(user)
    municipality_id = municipality if isinstance(municipality, int) else municipality.pk
    return scope.is_admin or municipality_id in scope.accept_municipality_ids


def can_approve_organization(user, organization: Organization | int) -> bool:
    """May approve the organization's roadmap and orders (its head; admin)."""
    scope = scope_for(user)
    org_id = organization if isinstance(organization, int) else organization.pk
    return scope.is_admin or org_id in scope.approve_organization_ids


def monitoring_municipalities(user) -> QuerySet[Municipality]:
    """Municipalities whose monitoring the user runs (campaigns, criteria, annual report)."""
    return Municipality.objects.filter(scope_for(user).monitoring_q(""))


def filter_by_monitoring(user, queryset: QuerySet, path: str = "municipality") -> QuerySet:
    """Rows (at `path` to Municipality) of the municipalities whose monitoring the user runs."""
    return queryset.filter(scope_for(user).monitoring_q(path))


def _org_ids(organization: Organization | int) -> tuple[int, int | None]:
    if isinstance(organization, Organization):
        return organization.pk, organization.municipality_id
    municipality_id = Organization.objects.filter(pk=organization).values_list("municipality_id", flat=True).first()
    return organization, municipality_id


# Any model --------------------------------------------------------------------------------------
def filter_by_organization(user, queryset: QuerySet, path: str = "organization", *, edit: bool = False) -> QuerySet:
    """Rows whose organization (at `path`) the user may see (or edit)."""
    return queryset.filter(scope_for(user).organization_q(path, edit=edit))


def filter_by_municipality(user, queryset: QuerySet, path: str = "municipality", *, edit: bool = False) -> QuerySet:
    """Rows of municipal-level data (at `path`) the user may read (or edit)."""
    return queryset.filter(scope_for(user).municipality_q(path, edit=edit))


def get_scoped_or_404(queryset: QuerySet[_M], **lookup: object) -> _M:
    """Fetch one row from an already scoped queryset; a foreign row answers 404, never 403,
    so that the existence of another school's records is not revealed."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404("Объект не найден или недоступен.") from None


def organization_choices(user, *, edit: bool = True) -> QuerySet[Organization]:
    """Organizations a form may offer the user (edit scope by default)."""
    qs = editable_organizations(user) if edit else visible_organizations(user)
    return qs.select_related("municipality").order_by("municipality__name", "short_name")


def user_ids_in_scope(user) -> Iterable[int]:
    """Users whose role lies inside what `user` may see (for the admin user list)."""
    scope = scope_for(user)
    if scope.is_admin:
        return RoleAssignment.objects.values_list("user_id", flat=True)
    q = Q(pk__in=[])
    if scope.view_municipality_ids:
        q |= Q(municipality_id__in=scope.view_municipality_ids) | Q(
            organization__municipality_id__in=scope.view_municipality_ids
        )
    if scope.view_organization_ids:
        q |= Q(organization_id__in=scope.view_organization_ids)
    return RoleAssignment.objects.filter(q).values_list("user_id", flat=True)


def visible_users(user) -> QuerySet[User]:
    """Users a choice list may name to `user`: those whose role lies inside what `user` sees
    (administrators: everyone). «Создал», «отметил» and the like offer only these."""
    if scope_for(user).is_admin:
        return User.objects.all()
    return User.objects.filter(pk__in=user_ids_in_scope(user))


# Choice lists of any model ----------------------------------------------------------------------
ChoiceScope = Callable[..., QuerySet]
_choice_scopes: dict[type[Model], ChoiceScope] = {}


def register_choice_scope(model: type[Model], rows: ChoiceScope) -> None:
    """Register `rows(user, *, edit: bool) -> QuerySet` as the rows of `model` a form may offer
    a user. Each app registers its own models in `AppConfig.ready` (people, roadmaps, pairs...)."""
    _choice_scopes[model] = rows


def choices_for(user, model: type[Model], *, edit: bool = False) -> QuerySet | None:
    """The rows of `model` a form may offer `user` (None: `model` is not scoped, e.g. a shared
    reference list). Organizations and municipalities: the edit scope when `edit`."""
    if model is Organization:
        return organization_choices(user, edit=edit)
    if model is Municipality:
        return editable_municipalities(user) if edit else visible_municipalities(user)
    if model is User:
        return visible_users(user)
    rows = _choice_scopes.get(model)
    return rows(user, edit=edit) if rows is not None else None


def scoped_models() -> tuple[type[Model], ...]:
    """Every model whose choice lists are scoped."""
    return (Organization, Municipality, User, *_choice_scopes)


# Participants ------------------------------------------------------------------------------------
# A mentor or mentee with their own account holds the participant role in each organization where
# they take part. They are granted nothing through the organization/municipality filters above
# (their role is in neither `view_*` nor `edit_*` sets): what they see is reached through their own
# person records, which live in the mentorship app (Person.user). The queries name the path from a
# row to the owning user, so this module stays free of domain imports.
def is_participant(user) -> bool:
    return Role.PARTICIPANT in scope_for(user).roles


def is_participant_only(user) -> bool:
    """A participant with no staff role: kept to their own pages (see accounts.middleware)."""
    scope = scope_for(user)
    return scope.is_authenticated and not scope.is_admin and scope.roles == frozenset({Role.PARTICIPANT})


def participant_q(user, user_path: str) -> Q:
    """Rows whose owner (reached by `user_path`, e.g. "participants__person__user") is the user."""
    scope = scope_for(user)
    if Role.PARTICIPANT not in scope.roles:
        return Q(pk__in=[])
    return Q(**{user_path: user.pk})


def filter_own(user, queryset: QuerySet, user_path: str) -> QuerySet:
    """A participant's own rows (deduplicated: a path through many participants can repeat a row)."""
    return queryset.filter(participant_q(user, user_path)).distinct()
