"""Dates as people here write them, дд.мм.гггг, wherever Django formats one without an explicit
format (the admin's lists and read-only fields, history, {{ date }} in a template): Django's
Russian default is «30 ноября 2026 г.». Everything else is Django's Russian locale."""

from django.conf.locale.ru.formats import *  # noqa: F403

DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
