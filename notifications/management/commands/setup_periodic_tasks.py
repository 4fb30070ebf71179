from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = (
        "Создаёт расписания django-celery-beat: ежедневная рассылка напоминаний каждого муниципалитета "
        "в его местный час и еженедельная сводка координаторам. Повторный запуск ничего не дублирует."
    )

    def handle(self, *args, **options):
        result = services.schedules_sync_all()
        self.stdout.write(f"Расписаний рассылки: {result['tasks']}, удалено устаревших: {result['removed']}.")
