from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Durable background work: a job row is the outbox, the lease and the state the user sees."""

    name = "jobs"
    verbose_name = "Фоновые задачи"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jobs import signals  # noqa: F401  (worker heartbeat on start)
