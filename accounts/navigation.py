"""Menu items and home-page cards contributed by each app (registered in AppConfig.ready).

Keeping the registry here lets each app own its part of the navigation and of the home page
without touching the base template or the home view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, get_urlconf, reverse

from accounts.models import Role
from accounts.scoping import Scope, scope_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "circle"
    # None: every signed-in user; otherwise the roles that see the item (administrators see all but
    # the participant's own pages, which answer 403 to anyone who is not a participant)
    roles: frozenset[str] | None = None
    order: int = 100
    group: str = ""

    def visible_to(self, scope: Scope) -> bool:
        if not scope.is_admin and scope.roles == {Role.PARTICIPANT}:
            # a participant sees only the items made for participants (accounts.middleware)
            return self.roles is not None and Role.PARTICIPANT in self.roles
        if self.roles == {Role.PARTICIPANT}:
            return Role.PARTICIPANT in scope.roles
        return self.roles is None or scope.has_role(*self.roles)


@dataclass(frozen=True)
class Card:
    title: str
    value: int | str
    url: str = ""
    icon: str = "bar-chart"
    hint: str = ""
    tone: str = "primary"


CardProvider = Callable[[object, Scope], list[Card]]

_nav: list[NavItem] = []
_cards: list[tuple[int, CardProvider]] = []


def register_nav(*items: NavItem) -> None:
    for item in items:
        if item not in _nav:
            _nav.append(item)
    _menus.clear()


def register_cards(provider: CardProvider, order: int = 100) -> None:
    if all(p is not provider for _, p in _cards):
        _cards.append((order, provider))


def nav_for(user) -> list[dict]:
    """The menu of the user's roles. It depends on nothing but the roles (and the URL prefix), so
    each process builds it once per set of roles: 25 reverse() calls were 0.6 ms of every page."""
    scope = scope_for(user)
    key = (scope.is_admin, scope.roles, get_script_prefix(), get_urlconf())
    menu = _menus.get(key)
    if menu is None:
        groups: dict[str, list[dict]] = {}
        for item in sorted(_nav, key=lambda i: i.order):
            if item.visible_to(scope):
                groups.setdefault(item.group, []).append(
                    {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "url_name": item.url_name}
                )
        menu = _menus[key] = [{"group": name, "items": items} for name, items in groups.items()]
    return menu


#: built menus by (is_admin, roles, script prefix, urlconf); emptied when an item is registered
_menus: dict[tuple, list[dict]] = {}


def cards_for(user) -> list[Card]:
    scope = scope_for(user)
    cards: list[Card] = []
    for _, provider in sorted(_cards, key=lambda pair: pair[0]):
        cards.extend(provider(user, scope))
    return cards


# A school's page: each app contributes its sections (roadmap execution, pairs, reports…) -------------
@dataclass(frozen=True)
class PageSection:
    template: str
    context: dict


SectionProvider = Callable[[object, object], "PageSection | None"]
_org_sections: list[tuple[int, SectionProvider]] = []


def register_organization_section(provider: SectionProvider, order: int = 100) -> None:
    """`provider(user, organization)` returns a section of the organization's page, or None."""
    if all(p is not provider for _, p in _org_sections):
        _org_sections.append((order, provider))


def organization_sections_for(user, organization) -> list[PageSection]:
    sections = []
    for _, provider in sorted(_org_sections, key=lambda pair: pair[0]):
        section = provider(user, organization)
        if section is not None:
            sections.append(section)
    return sections
