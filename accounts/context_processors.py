from accounts.navigation import nav_for
from accounts.scoping import scope_for


def navigation(request):
    """Menu, scope and role labels for base.html. Callables, so that a fragment (an htmx partial)
    that does not show the menu costs no query for it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_groups": lambda: nav_for(user),
        "scope": lambda: scope_for(user),
        "role_labels": lambda: role_labels(user),
    }


def role_labels(user) -> list[str]:
    from accounts.selectors import user_role_labels

    return user_role_labels(user)
