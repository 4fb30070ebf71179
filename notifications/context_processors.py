from django.utils.functional import SimpleLazyObject


def unread_notifications(request):
    """The bell's count, computed only if a template shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notifications.selectors import unread_count

    return {"notifications_unread": SimpleLazyObject(lambda: unread_count(user))}
