from celery import shared_task

from accounts.models import Organization


@shared_task(name="accounts.count_organizations")
def count_organizations(municipality_id: int) -> int:
    """How many active organizations a municipality has: a cheap task that proves the worker
    reaches the same database as the web process."""
    return Organization.objects.filter(municipality_id=municipality_id, is_active=True).count()
