"""Typed readers for settings that come from the environment.

Each reader fails loudly with ImproperlyConfigured naming the variable and the accepted values,
in Russian: a typo in production must stop the start, not run with a default. The entry points
(manage.py, config/wsgi.py, config/celery.py) print that message as one line and exit with code 2
instead of a traceback (`exit_on_bad_settings`).
"""

from __future__ import annotations

import os
import zoneinfo

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"переменная окружения {name} обязательна, но не задана.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"переменная окружения {name}={value!r} — не логическое значение; допустимо: 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"переменная окружения {name}={value!r} — не целое число.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"переменная окружения {name}={number} должна быть не меньше {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(
            f"переменная окружения {name}={value!r} должна быть одним из значений: {', '.join(choices)}."
        )
    return value


def env_timezone(name: str, default: str) -> str:
    value = os.environ.get(name, default).strip()
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"переменная окружения {name}={value!r} — неизвестный часовой пояс IANA (например, Europe/Moscow)."
        ) from None
    return value


def env_database(name: str, default_sqlite_path: str) -> dict:
    """DATABASE_URL for PostgreSQL or SQLite; absent means an embedded SQLite file."""
    import dj_database_url

    value = os.environ.get(name)
    if not value:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": default_sqlite_path}
    scheme = value.split(":", 1)[0]
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"переменная окружения {name}: схема {scheme!r} не поддерживается; "
            "используйте postgres://пользователь:пароль@сервер:5432/база или sqlite:///путь/к/файлу.sqlite3."
        )
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except ValueError:
        raise ImproperlyConfigured(f"переменная окружения {name} не разбирается как адрес базы данных.") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"в переменной окружения {name} не указано имя базы данных.")
    return config


def env_redis_url(name: str) -> str | None:
    value = env_str(name)
    if value is None:
        return None
    if not value.startswith(("redis://", "rediss://", "amqp://", "memory://")):
        raise ImproperlyConfigured(
            f"переменная окружения {name}={value!r} должна быть адресом брокера, например redis://127.0.0.1:6379/0."
        )
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise ImproperlyConfigured(f"переменная окружения {name}={value!r} — не число.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"переменная окружения {name}={value} должна быть не меньше {minimum}.")
    return number


def env_url(name: str, default: str, *, require_https: bool = False) -> str:
    """An absolute http(s) address such as SITE_URL, without a trailing slash."""
    from urllib.parse import urlsplit

    value = (os.environ.get(name) or default).strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"переменная окружения {name}={value!r} должна быть адресом сайта вида https://nastavnik.example.ru."
        )
    if require_https and parts.scheme != "https":
        raise ImproperlyConfigured(
            f"переменная окружения {name}={value!r}: в режиме production адрес должен начинаться с https://."
        )
    return value.rstrip("/")


def env_origins(name: str) -> list[str]:
    """CSRF_TRUSTED_ORIGINS: scheme://host[:port], comma-separated."""
    from urllib.parse import urlsplit

    origins = env_list(name, [])
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            raise ImproperlyConfigured(
                f"переменная окружения {name}: {origin!r} должен быть вида https://nastavnik.example.ru."
            )
    return origins


def env_dotted(name: str, default: str) -> str:
    """A dotted import path (EMAIL_BACKEND): checked when settings load, not at the first letter."""
    from importlib import import_module

    value = (os.environ.get(name) or default).strip()
    module_name, _, attr = value.rpartition(".")
    try:
        if not module_name or not hasattr(import_module(module_name), attr):
            raise ImportError(value)
    except ImportError:
        raise ImproperlyConfigured(
            f"переменная окружения {name}={value!r} не найдена (например, django.core.mail.backends.smtp.EmailBackend)."
        ) from None
    return value


def exit_on_bad_settings() -> None:
    """Load the settings now; on a bad environment print one Russian line and exit with code 2."""
    import sys

    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - forces the settings module to load
    except ImproperlyConfigured as exc:
        print(f"«Наставник» не запущен. Ошибка настройки: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
