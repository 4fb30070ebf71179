"""One report build in a process of its own, so that its peak memory (VmHWM) is its own.

`python -m bench.report_child --municipality ID --year Y` — the annual report (.xlsx and .docx)
of one municipality; `--region` — the regional annual report (the region with the most
organizations; its municipalities are the rows, counted by queries grouped by municipality);
`--regional-export` — the regional
monitoring workbook (one row per organization of the region). Prints one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time


def _rss_mb() -> float:
    """This process's peak resident memory, in MB: the high-water mark of its own memory map
    (VmHWM). Not ru_maxrss: Linux carries ru_maxrss over exec, so a child started by a 300 MB
    parent reported the parent's 300 MB whatever the report itself used."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--municipality", type=int)
    parser.add_argument("--region", action="store_true")
    parser.add_argument("--regional-export", action="store_true")
    parser.add_argument("--year", type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    import datetime as dt

    from django.db.models import Count

    from accounts.models import Municipality, Region
    from monitoring.reports.annual import build_files, build_report
    from monitoring.reports.regional import build_regional_xlsx

    # imports and the first queries are not the report's: measure from a warm process
    Municipality.objects.first()
    baseline = _rss_mb()
    started = time.perf_counter()
    size = 0
    if args.regional_export:
        municipalities = list(Municipality.objects.select_related("region").order_by("region__name", "name"))
        size = len(build_regional_xlsx(municipalities, dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)))
        count = len(municipalities)
    elif args.region:
        region = Region.objects.annotate(n=Count("municipalities__organizations")).order_by("-n", "pk").first()
        files = build_report(region=region, year=args.year)
        size = len(files.xlsx) + len(files.docx)
        count = Municipality.objects.filter(region=region).count()
    else:
        municipality = Municipality.objects.get(pk=args.municipality)
        xlsx, docx = build_files(municipality=municipality, year=args.year)
        size = len(xlsx) + len(docx)
        count = 1
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(_rss_mb(), 1),
                "baseline_rss_mb": round(baseline, 1),
                "municipalities": count,
                "bytes": size,
            }
        )
    )


if __name__ == "__main__":
    main()
