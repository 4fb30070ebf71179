from celery import shared_task

from accounts.models import Organization


@shared_task(name="accounts.count_organizations")
def count_organizations(municipality_id: int) -> int:
    """How many active organizations a municipality has: a cheap task that proves the worker
    reaches the same database as the web process."""
    return Organization.objects.filter(municipality_id=municipality_id, is_active=True).count()


@shared_task(name="accounts.purge_stale_uploads")
def purge_stale_uploads() -> int:
    """Hourly: uploaded files nobody confirmed within a day are removed (idempotent)."""
    from accounts.imports import purge_stale_uploads as purge

    return purge()


def purge_schedule_sync():
    """An hourly beat schedule for the removal of unconfirmed uploads."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every_hour, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    task, _ = PeriodicTask.objects.update_or_create(
        name="Загрузки: удаление неподтверждённых файлов старше суток",
        defaults={
            "task": "accounts.purge_stale_uploads",
            "interval": every_hour,
            "crontab": None,
            "enabled": True,
            "description": "Создано командой setup_periodic_tasks.",
        },
    )
    return task
