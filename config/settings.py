"""Settings for «Наставник». Everything that differs between machines comes from the environment.

NASTAVNIK_MODE=production turns on the hardening that `manage.py check --deploy` expects and
requires a real SECRET_KEY; with nothing set the app runs on SQLite with eager Celery tasks.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab as _crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_database,
    env_dotted,
    env_float,
    env_int,
    env_list,
    env_origins,
    env_redis_url,
    env_str,
    env_timezone,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("NASTAVNIK_VAR_DIR", str(BASE_DIR / "var")))

MODE = env_choice("NASTAVNIK_MODE", "development", ("development", "production"))
PRODUCTION = MODE == "production"

_DEV_SECRET = "dev-insecure-secret-key-only-for-local-development-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", None if PRODUCTION else _DEV_SECRET, required=PRODUCTION)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters in production mode.")

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production mode (NASTAVNIK_MODE=production).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production mode.")
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "django_celery_beat",
    "simple_history",
    "axes",
    "accounts",
    "roadmaps",
    "mentorship",
    "monitoring",
    "notifications",
    "participants",
    "bench",  # seed_scale: benchmark data generator (no models)
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.ParticipantBoundaryMiddleware",
    # Axes goes last so that it sees the authentication result of the request.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
            ],
            "builtins": ["accounts.templatetags.org_links"],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", str(VAR_DIR / "nastavnik.sqlite3"))}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles a query when its estimated cost is high; the dashboards' grouped
    # queries over a regional centre spent 330 of 400 ms compiling and 70 ms running. Short OLTP
    # queries never gain from it, so the application's sessions turn it off.
    # random_page_cost 1.1 (PostgreSQL's default 4 prices a page read from a spinning disk): the
    # database is in memory or on SSD, and at 4 the planner preferred reading every pair or
    # assignment of the region and hashing them to a municipality's 240 organizations over the
    # index on organization, so a municipal page slowed down as the region grew.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off -c random_page_cost=1.1")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # SQLite locks the whole file on write; a timeout keeps the eager tasks and the dev server from
    # failing with "database is locked" when they overlap.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend; the session's user is read with its scope and the header's figures in one query
    "accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0, minimum=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
# Users write dates as дд.мм.гггг; accept that everywhere a date is typed.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
# and see them so: config/formats/ru (Django's own Russian format is «30 ноября 2026 г.»)
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from the npm registry (package.json) and are served from node_modules
# under a vendor/ prefix: nothing third-party is committed and nothing is fetched from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/tom-select", NODE_MODULES / "tom-select" / "dist"),
]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # uploads are served only by views that check scope
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# what the parts of an uploaded .xlsx/.docx may unpack to (a «zip bomb» is refused before it is read)
UPLOAD_MAX_UNPACKED_BYTES = env_int("UPLOAD_MAX_UNPACKED_BYTES", 200 * 1024 * 1024, minimum=1024 * 1024)
# LibreOffice reads .doc/.rtf/.odt/.xls/.ods roadmaps: its binary (found on PATH when empty) and
# the seconds one conversion may take before it is killed
SOFFICE_BINARY = env_str("SOFFICE_BINARY", "") or ""
ROADMAP_CONVERT_TIMEOUT = env_int("ROADMAP_CONVERT_TIMEOUT", 90, minimum=5)
# 152-ФЗ: personal data of people who left the program is anonymized after this many days
PERSONAL_DATA_RETENTION_DAYS = env_int("PERSONAL_DATA_RETENTION_DAYS", 365, minimum=1)

STORAGES = {
    "default": {"BACKEND": "accounts.storage.UploadStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# Excel is the lingua franca of our users: the admin offers .xlsx only (see accounts.admin_mixins).

# E-mail: to the log by default (stderr), so that a fresh machine shows letters in the terminal
# while commands' standard output stays theirs (`seed_demo --json` prints only JSON).
EMAIL_BACKEND = env_dotted("EMAIL_BACKEND", "notifications.mail_backends.LogEmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Наставник <noreply@nastavnik.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", require_https=PRODUCTION)
# The file-based e-mail backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes here.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# Reminders (notifications app). Per-municipality rules live in the database (ReminderSettings);
# this only slows each letter down for the worker-kill test and must stay 0 elsewhere.
# A sweep also catches up the days since the last completed sweep (overdue and escalation reminders
# that were due then), at most this many days back.
NOTIFICATIONS_CATCHUP_DAYS = env_int("NOTIFICATIONS_CATCHUP_DAYS", 14, minimum=0)
NOTIFICATIONS_TEST_SEND_DELAY = env_float("NOTIFICATIONS_TEST_SEND_DELAY", 0.0, minimum=0.0)

# Celery: no broker means tasks run eagerly in-process, so the app works on its embedded default.
CELERY_BROKER_URL = env_redis_url("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ROUTES = {"monitoring.build_annual_report": {"queue": "reports"}}
CELERY_BEAT_SCHEDULER = "jobs.beat:Scheduler"  # django-celery-beat's, plus a heartbeat for /health/
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]

# Background jobs (jobs app): recorded in the database, sent after commit with a short broker
# timeout, and by the periodic dispatcher when the broker was away; a running job renews a lease.
JOBS_BROKER_TIMEOUT = env_float("JOBS_BROKER_TIMEOUT", 1.0, minimum=0.1)
JOBS_LEASE_SECONDS = env_int("JOBS_LEASE_SECONDS", 120, minimum=1)
JOBS_DISPATCH_INTERVAL = env_int("JOBS_DISPATCH_INTERVAL", 30, minimum=1)
JOBS_RESEND_AFTER_SECONDS = env_int("JOBS_RESEND_AFTER_SECONDS", 15 * 60, minimum=1)
JOBS_WORKER_STALE_SECONDS = env_int("JOBS_WORKER_STALE_SECONDS", 3 * JOBS_DISPATCH_INTERVAL + 30, minimum=1)
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 90, minimum=1)
JOBS_BEAT_STALE_SECONDS = env_int("JOBS_BEAT_STALE_SECONDS", 120, minimum=1)
# Slows each stage of an annual report build for the worker-kill test; stays 0 everywhere else.
MONITORING_TEST_STAGE_DELAY = env_float("MONITORING_TEST_STAGE_DELAY", 0.0, minimum=0.0)
CELERY_BEAT_SCHEDULE = {
    "jobs-dispatch": {"task": "jobs.tick", "schedule": float(JOBS_DISPATCH_INTERVAL), "options": {"expires": 60}},
    # the region pages' aggregates: deadlines become due and overdue at midnight (monitoring/stats.py)
    "monitoring-rebuild-stats": {
        "task": "monitoring.rebuild_stats",
        "schedule": _crontab(hour=0, minute=20),
        "options": {"expires": 6 * 3600},
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_REDIS_CACHE = env_str("REDIS_CACHE_URL")
if _REDIS_CACHE:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_CACHE}}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
