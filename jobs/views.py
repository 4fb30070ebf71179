"""/health/: the database, the broker, the last worker heartbeat and the last beat run."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from jobs import selectors


@never_cache
def health(request):
    """Public and cheap, with no personal data. 503 only when the database is down: without a
    broker or a worker the site still serves pages and records work (status «degraded»)."""
    body, database_ok = selectors.health()
    return JsonResponse(body, status=200 if database_ok else 503, json_dumps_params={"ensure_ascii": False})
