"""What a job of each kind runs, registered by the apps that own the work (AppConfig.ready).

`jobs` imports no domain app: an entry names its functions by dotted path, resolved when a job runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Entry:
    kind: str
    run: str  # dotted path: run(**params)
    label: str  # «Аналитический отчёт»
    outcome: str = "задача будет выполнена"  # «отчёт будет построен»
    queue: str = "celery"
    max_attempts: int = 3
    on_failed: str | None = None  # dotted path: on_failed(reason=..., **params), the domain's own status
    on_retry: str | None = None  # dotted path: on_retry(**params), back to «в очереди» before a retry

    def call(self, attr: str, **kwargs):
        path = getattr(self, attr)
        if not path:
            return None
        func: Callable = import_string(path)
        return func(**kwargs)


_registry: dict[str, Entry] = {}


def register(entry: Entry) -> Entry:
    _registry[entry.kind] = entry
    return entry


def get(kind: str) -> Entry | None:
    return _registry.get(kind)


def label_for(kind: str) -> str:
    entry = _registry.get(kind)
    return entry.label if entry else "Фоновая задача"
