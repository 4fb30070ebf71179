from accounts.navigation import nav_for
from accounts.scoping import scope_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    return {"nav_groups": nav_for(user), "scope": scope, "role_labels": role_labels(user)}


def role_labels(user) -> list[str]:
    from accounts.selectors import user_role_labels

    return user_role_labels(user)
