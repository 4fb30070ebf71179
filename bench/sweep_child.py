"""One worker's share of the parallel sweep: `python -m bench.sweep_child ID ID …` sweeps those
municipalities for real (committed, letters written out to bytes and dropped: bench.mail) and prints one line of JSON."""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ["EMAIL_BACKEND"] = "bench.mail.SerializingBackend"
    import django

    django.setup()
    from accounts.models import Municipality
    from notifications import services

    ids = [int(x) for x in sys.argv[1:]]
    municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("pk"))
    started = time.perf_counter()
    sent = 0
    for municipality in municipalities:
        today = services.local_today(municipality)
        result = services.sweep_run(
            municipality=municipality, today=today, kinds=services.kinds_for_date(municipality, today)
        )
        sent += result.total
    print(json.dumps({"seconds": round(time.perf_counter() - started, 2), "sent": sent}))


if __name__ == "__main__":
    main()
