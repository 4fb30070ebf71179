import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

if sys.argv and "celery" in os.path.basename(os.path.dirname(sys.argv[0]) + "/" + os.path.basename(sys.argv[0])):
    # `celery -A config worker|beat`: a bad environment is one Russian line and exit code 2
    from config.env import exit_on_bad_settings

    exit_on_bad_settings()

app = Celery("nastavnik")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
