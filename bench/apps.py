from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark tooling: the regional-scale data generator (`manage.py seed_scale`) and `python -m bench`.

    It knows every domain app; no app imports it.
    """

    name = "bench"
    verbose_name = "Нагрузочные данные"
