"""`python -m bench` (or `make bench`): measure «Наставник» on the current DATABASE_URL.

Prints a table and writes bench/results.json: every main page as coordinator, curator and
methodologist (p50/p95 server time, queries), the .xlsx import of 10,000 mentors three ways, the
annual report of one municipality and of the whole region (time, peak memory), the reminder sweep
(twice), and a 60-second wrk load test against gunicorn on 127.0.0.1. With an empty database it
first runs `seed_scale` (regional size unless --scale says otherwise).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from accounts.models import local_today

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results.json"
SECTIONS = ("pages", "import", "report", "sweep", "load")

TARGETS = {
    "page_p95_ms": 150,
    "page_queries": 15,
    "import_vs_stock": 10,
    "import_vs_floor": 0.5,
    "region_report_s": 20,
    "region_report_mb": 300,
    "sweep_s": 10,
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # production-like: no debug toolbar of queries kept in memory, no template debugging
    os.environ.setdefault("DEBUG", "false")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def machine() -> dict:
    from django.db import connection

    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    db = connection.vendor
    if db == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            db = f"PostgreSQL {cursor.fetchone()[0]}"
            cursor.execute("SHOW autovacuum")
            db += f" (autovacuum {cursor.fetchone()[0]})"
    else:
        db = f"{db} (цели заданы для PostgreSQL)"
    import django

    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "database": db,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpu": _cpu_model(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def vacuum() -> None:
    """VACUUM ANALYZE before measuring: the import section leaves 30,000 rolled-back rows behind per
    run, and a server with autovacuum off (as this one) keeps them — index-only scans then read the
    heap for every dead row (a count of 4,800 people went from 2 to 23 ms)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE: {time.monotonic() - started:.1f} с")


def dataset() -> dict:
    from django.apps import apps

    names = [
        "accounts.Municipality",
        "accounts.Organization",
        "accounts.User",
        "mentorship.Person",
        "mentorship.Pair",
        "mentorship.Program",
        "mentorship.Meeting",
        "roadmaps.Roadmap",
        "roadmaps.ExecutionRecord",
        "monitoring.Assignment",
        "monitoring.Answer",
    ]
    return {name.split(".")[1]: apps.get_model(name).objects.count() for name in names}


def _child_report(args: list[str]) -> dict:
    env = dict(os.environ)
    out = subprocess.run(
        [sys.executable, "-m", "bench.report_child", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def reports(subjects, *, log=print) -> dict:
    year = local_today().year
    one = _child_report(["--municipality", str(subjects.municipality.pk), "--year", str(year)])
    log(f"  {subjects.municipality.name}: {one['seconds']} с, пик памяти процесса {one['peak_rss_mb']} МБ")
    region = _child_report(["--region", "--year", str(year)])
    log(
        f"  годовой отчёт региона ({region['municipalities']} муниципалитетов): {region['seconds']} с, "
        f"пик {region['peak_rss_mb']} МБ"
    )
    export = _child_report(["--regional-export", "--year", str(year)])
    log(f"  региональная выгрузка мониторинга: {export['seconds']} с, пик {export['peak_rss_mb']} МБ")
    return {
        "year": year,
        "municipality": {"name": subjects.municipality.name, **one},
        "region": region,
        "regional_export": export,
    }


def evaluate(results: dict) -> list[dict]:
    rows = []

    def add(name: str, value, target, ok: bool, note: str = "") -> None:
        rows.append({"target": name, "value": value, "limit": target, "met": ok, "note": note})

    pages = [p for p in results.get("pages", []) if p["status"] == 200]
    if pages:
        worst = max(pages, key=lambda p: p["p95_ms"])
        add(
            "p95 страницы ≤ 150 мс (худшая)",
            f"{worst['p95_ms']} мс — {worst['page']}, {worst['role']}",
            "150 мс",
            all(p["p95_ms"] <= TARGETS["page_p95_ms"] for p in pages),
        )
        most = max(pages, key=lambda p: p["queries"])
        add(
            "запросов на страницу ≤ 15 (наибольшее)",
            f"{most['queries']} — {most['page']}, {most['role']}",
            "15",
            all(p["queries"] <= TARGETS["page_queries"] for p in pages),
        )
        bad = [p for p in results.get("pages", []) if p["status"] != 200]
        if bad:
            add(
                "все страницы отвечают 200",
                ", ".join(f"{p['page']}/{p['role']}: {p['status']}" for p in bad),
                "200",
                False,
            )
    imp = results.get("import")
    if imp:
        add(
            "импорт ≥ 10× стандартного django-import-export",
            f"{imp['ours_vs_stock']}×",
            "10×",
            imp["ours_vs_stock"] >= TARGETS["import_vs_stock"],
        )
        add(
            "импорт ≥ 50 % «пола» (openpyxl + bulk_create)",
            f"{round(imp['ours_vs_floor'] * 100)} %",
            "50 %",
            imp["ours_vs_floor"] >= TARGETS["import_vs_floor"],
        )
    rep = results.get("report")
    if rep:
        region = rep["region"]
        add(
            "годовой отчёт региона ≤ 20 с",
            f"{region['seconds']} с",
            "20 с",
            region["seconds"] <= TARGETS["region_report_s"],
        )
        add(
            "годовой отчёт региона ≤ 300 МБ",
            f"{region['peak_rss_mb']} МБ",
            "300 МБ",
            region["peak_rss_mb"] <= TARGETS["region_report_mb"],
        )
    sweep = results.get("sweep")
    if sweep:
        add(
            "рассылка напоминаний ≤ 10 с (подряд, один процесс)",
            f"{sweep['seconds']} с ({sweep['sent']} напоминаний)",
            "10 с",
            sweep["seconds"] <= TARGETS["sweep_s"],
        )
        par = sweep.get("parallel")
        if par:
            add(
                f"рассылка ≤ 10 с ({par['processes']} процесса, как воркер Celery)",
                f"{par['seconds']} с",
                "10 с",
                par["seconds"] <= TARGETS["sweep_s"],
            )
            add("повторная параллельная рассылка отправляет 0", str(par["second_sent"]), "0", par["second_sent"] == 0)
            add(
                "после рассылки все строки «отправлено», уведомлений столько же",
                f"не отправлено {par['not_sent_rows']}, уведомлений {par['notifications']} из {par['sent']}",
                "0",
                par["not_sent_rows"] == 0 and par["notifications"] == par["sent"],
            )
        add("повторная рассылка отправляет 0", str(sweep["second_sent"]), "0", sweep["second_sent"] == 0)
    load = results.get("load")
    if load:
        add("нагрузка: ошибок 0", str(load["errors"]), "0", load["errors"] == 0)
    return rows


def print_tables(results: dict) -> None:
    m = results["machine"]
    print()
    print(
        f"«Наставник», замеры {m['date']}: {m['nproc']} ядра ({m['cpu']}), {m['ram_gb']} ГБ, {m['database']}, "
        f"Python {m['python']}, Django {m['django']}"
    )
    print("Данные: " + ", ".join(f"{k} {v}" for k, v in results["dataset"].items()))
    pages = results.get("pages")
    if pages:
        print()
        print(f"{'Страница':<32} {'роль':<14} {'p50, мс':>8} {'p95, мс':>8} {'запросов':>9}")
        for p in pages:
            if p["status"] != 200:
                print(f"{p['page']:<32} {p['role']:<14} {'HTTP ' + str(p['status']):>17}")
                continue
            print(f"{p['page']:<32} {p['role']:<14} {p['p50_ms']:>8.1f} {p['p95_ms']:>8.1f} {p['queries']:>9}")
    imp = results.get("import")
    if imp:
        print()
        print(
            f"Импорт .xlsx, {imp['rows']} наставников: наш {imp['ours']['rows_per_s']} строк/с ({imp['ours']['seconds']} с), "
            f"стандартный django-import-export {imp['stock']['rows_per_s']} строк/с ({imp['stock']['seconds']} с), "
            f"«пол» {imp['floor']['rows_per_s']} строк/с ({imp['floor']['seconds']} с); "
            f"наш/стандартный {imp['ours_vs_stock']}×, наш/пол {round(imp['ours_vs_floor'] * 100)} %"
        )
    rep = results.get("report")
    if rep:
        print()
        print(
            f"Годовой отчёт {rep['year']}: {rep['municipality']['name']} — {rep['municipality']['seconds']} с, "
            f"пик {rep['municipality']['peak_rss_mb']} МБ; отчёт региона ({rep['region']['municipalities']} муниципалитетов) — "
            f"{rep['region']['seconds']} с, пик {rep['region']['peak_rss_mb']} МБ; региональная выгрузка — "
            f"{rep['regional_export']['seconds']} с, пик {rep['regional_export']['peak_rss_mb']} МБ"
        )
    sweep = results.get("sweep")
    if sweep:
        print()
        print(
            f"Рассылка напоминаний (все муниципалитеты подряд, один процесс): {sweep['seconds']} с, отправлено "
            f"{sweep['sent']} (писем {sweep['emails']}); повторно — {sweep['second_sent']} за {sweep['second_seconds']} с"
        )
        par = sweep.get("parallel")
        if par:
            print(
                f"  так же, как в работе (задача на муниципалитет, {par['processes']} процесса): {par['seconds']} с, "
                f"отправлено {par['sent']}; повторно — {par['second_sent']}"
            )
    load = results.get("load")
    if load:
        print()
        print(
            f"Нагрузка (wrk, {load['connections']} соединений, {load['duration_s']} с, gunicorn {load['gunicorn_workers']} "
            f"воркера на 127.0.0.1): {load['requests']} запросов, {load['requests_per_s']} в секунду, "
            f"p50 {load['p50_ms']} мс, p95 {load['p95_ms']} мс, p99 {load['p99_ms']} мс, ошибок {load['errors']}"
        )
    print()
    print("Цели:")
    for row in results["targets"]:
        print(f"  [{'да ' if row['met'] else 'НЕТ'}] {row['target']}: {row['value']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help="разделы через запятую: " + ",".join(SECTIONS))
    parser.add_argument("--skip", default="", help="пропустить разделы (через запятую)")
    parser.add_argument("--repeat", type=int, default=20, help="запросов на страницу для p50/p95")
    parser.add_argument("--rows", type=int, default=10000, help="строк в файле импорта")
    parser.add_argument("--duration", type=int, default=60, help="секунд нагрузки")
    parser.add_argument("--scale", type=float, default=1.0, help="масштаб seed_scale для пустой базы")
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    sections = [s for s in args.only.split(",") if s and s not in args.skip.split(",")]
    _setup()
    from accounts.models import Region
    from bench import imports, load, pages, sweep
    from bench.scale import REGION_NAME, ScaleConfig, generate

    if not Region.objects.filter(name=REGION_NAME).exists():
        print(f"В базе нет нагрузочных данных: seed_scale --scale {args.scale} …")
        generate(ScaleConfig.scaled(args.scale), log=lambda s: print("  " + s))
    vacuum()
    results: dict = {"machine": machine(), "dataset": dataset()}
    subjects = pages.pick_subjects()
    results["subjects"] = {
        "municipality": subjects.municipality.name,
        **{role: u.username for role, u in subjects.users.items()},
    }
    started = time.monotonic()
    if "pages" in sections:
        print(f"Страницы ({subjects.municipality.name}; по {args.repeat} запросов):")
        results["pages"] = [r.as_dict() for r in pages.measure(subjects, repeat=args.repeat)]
    if "import" in sections:
        print("Импорт наставников из .xlsx:")
        results["import"] = imports.measure(subjects, rows=args.rows)
    if "report" in sections:
        print("Годовой аналитический отчёт:")
        results["report"] = reports(subjects)
    if "sweep" in sections:
        print("Рассылка напоминаний:")
        results["sweep"] = sweep.measure()
        results["sweep"]["parallel"] = sweep.measure_parallel()
    if "load" in sections:
        print("Нагрузка:")
        page_list = [p for p in pages.page_urls(subjects)]
        if results.get("pages"):
            ok = {(p["role"], p["url"]) for p in results["pages"] if p["status"] == 200}
            page_list = [p for p in page_list if (p[1], p[2]) in ok]
        results["load"] = load.run(subjects, page_list, duration=args.duration)
    results["bench_seconds"] = round(time.monotonic() - started, 1)
    results["targets"] = evaluate(results)
    Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print_tables(results)
    print(f"\nРезультаты: {args.output}")
    return 0
