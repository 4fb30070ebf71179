from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = (
        "Создаёт расписания django-celery-beat: ежедневная рассылка напоминаний каждого муниципалитета "
        "в его местный час, еженедельная сводка координаторам и ночное обезличивание ПД по сроку хранения. "
        "Повторный запуск ничего не дублирует."
    )

    def handle(self, *args, **options):
        from mentorship.privacy import retention_schedule_sync

        result = services.schedules_sync_all()
        retention_schedule_sync()
        from accounts.tasks import purge_schedule_sync

        purge_schedule_sync()
        self.stdout.write(
            f"Расписаний рассылки: {result['tasks']}, удалено устаревших: {result['removed']}; "
            "ночное обезличивание ПД по сроку хранения и ежечасное удаление неподтверждённых загрузок — включены."
        )
