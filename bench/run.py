"""`python -m bench` (or `make bench`): measure «Наставник» on the current DATABASE_URL, in one run.

Prints a table and writes bench/results.json: every main page as coordinator, curator, methodologist,
the school's head and the regional user — CPU per request (Django process + its PostgreSQL backend), wall time,
queries — on this database and on `<name>_x2` (seed_scale --scale 2: this region row for row plus as
many municipalities again; created, migrated and seeded when missing) with the ratio ×2 ÷ ×1, both
sizes of each page measured one right after the other (bench/pages_child.py); the .xlsx
import of 10,000 mentors four ways (ours, stock and bulk-mode django-import-export, calamine + COPY);
the annual reports, each in a process of its own (its own peak memory); the reminder sweep's CPU
(a day's sweep and its repeat, --sweep-repeat times on the same work, the median; letters written
out to bytes as SMTP would; and in parallel as the worker runs it); a 60-second wrk load test against gunicorn on
127.0.0.1 with the CPU per request. The load average at the start and the end is recorded: the
machine may be shared, CPU time is the figure to compare. With an empty database it first runs
`seed_scale` (regional size unless --scale says otherwise).
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
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results.json"
SECTIONS = ("pages", "import", "report", "sweep", "load")

TARGETS = {
    "page_cpu_p95_ms": 100,  # CPU per request (Django process + its PostgreSQL backend), p95
    "page_queries": 15,
    "ratio_municipal": 1.2,  # the same page at --scale 2 ÷ at --scale 1
    "ratio_regional": 1.5,
    "import_vs_tuned": 3,
    "import_vs_floor": 0.4,
    "region_report_s": 20,
    "region_report_mb": 300,
    "sweep_cpu_s": 5,
    "load_cpu_ms": 30,
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
        # the machine is shared: the load average says how busy it was (CPU time is the honest figure)
        "loadavg": [round(x, 2) for x in os.getloadavg()],
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


def x2_database_url(url: str) -> str:
    """The --scale 2 region lives beside the measured one: same server, database name + «_x2»."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_x2"))


def _ensure_database(url: str) -> None:
    """Create the database if the server has none of that name, and migrate it."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=dict(os.environ, DATABASE_URL=url),
        check=True,
    )


def pages_in_step(args, subjects, *, log=print) -> tuple[list[dict], dict]:
    """Every page on this database and on the region ×2, in step: for each page, a meter here and
    one in a child process on the ×2 database take turns request by request (which one first
    alternates), so both sizes are measured under the same load of the machine."""
    from bench import pages

    url = args.x2_url or x2_database_url(os.environ.get("DATABASE_URL", ""))
    _ensure_database(url)
    # both sides on one CPU, with their PostgreSQL backends: on a virtual machine the two cores need
    # not be equally fast (a neighbour on the host's sibling thread), and a process tends to stay on
    # the core it started on, so unpinned, ×1 and ×2 of one run differed by up to 30 % for the same
    # rows. They take turns, so one CPU serves both without either waiting for the other.
    all_cpus = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    cpu = min(all_cpus) if all_cpus else None
    pages.pin(cpu)
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.pages_child", *([str(cpu)] if cpu is not None else [])],
        cwd=BASE_DIR,
        env=dict(os.environ, DATABASE_URL=url, DEBUG="false"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    hello = json.loads(child.stdout.readline())
    there = {(label, role) for label, role, _url in hello["pages"]}

    def ask(message: dict) -> dict:
        child.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
        child.stdin.flush()
        return json.loads(child.stdout.readline())

    clients = pages.login_clients(subjects)
    log(f"  ×1 и ×2 ({urlsplit(url).path.lstrip('/')}) по очереди, запрос за запросом")
    here, x2 = [], []
    try:
        for i, (label, role, page_url) in enumerate(pages.page_urls(subjects)):
            if args.page and not any(p.lower() in label.lower() for p in args.page):
                continue
            if args.role and role not in args.role:
                continue
            meter = pages.PageMeter(clients[role], label, role, page_url)
            both = (label, role) in there and ask({"open": [label, role]}).get("status") == 200
            for k in range(args.repeat):
                if both and (i + k) % 2:
                    ask({"take": 1})
                meter.take(1)
                if both and not (i + k) % 2:
                    ask({"take": 1})
            here.append(meter.result(log).as_dict())
            if (label, role) in there:
                x2.append(ask({"result": True}))
                log(f"  {'':<32} {'':<14} ×2: ЦП p50 {x2[-1]['cpu_p50_ms']:7.1f} мс  запросов {x2[-1]['queries']}")
    finally:
        child.stdin.write("\n")
        child.stdin.close()
        child.wait(timeout=60)
        if all_cpus:  # the stages after the pages (imports, report, load) use every CPU again
            os.sched_setaffinity(0, all_cpus)
            pages.pin_with_this_process(pages.backend_pid())
    return here, {"pages": x2, "dataset": hello["dataset"], "machine": hello["machine"]}


def merge_x2(results: dict, x2: dict) -> None:
    """Each page's figures at ×2 and the ratios ×2 ÷ ×1 (CPU p50 and p95, queries)."""
    results["dataset_x2"] = x2.get("dataset", {})
    results["machine_x2"] = x2.get("machine", {})
    by_key = {(p["page"], p["role"]): p for p in x2.get("pages", [])}
    for page in results.get("pages", []):
        other = by_key.get((page["page"], page["role"]))
        if other is None or other["status"] != 200 or page["status"] != 200:
            continue
        page["x2"] = {k: other[k] for k in ("cpu_p50_ms", "cpu_p95_ms", "p50_ms", "p95_ms", "queries")}
        page["ratio_cpu_p50"] = round(other["cpu_p50_ms"] / page["cpu_p50_ms"], 2) if page["cpu_p50_ms"] else None
        page["ratio_cpu_p95"] = round(other["cpu_p95_ms"] / page["cpu_p95_ms"], 2) if page["cpu_p95_ms"] else None


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
    from accounts.models import local_today  # after django.setup(): run.py is imported before it

    year = local_today().year
    one = _child_report(["--municipality", str(subjects.municipality.pk), "--year", str(year)])
    log(f"  {subjects.municipality.name}: {one['seconds']} с, пик памяти процесса {one['peak_rss_mb']} МБ")
    # the region's own report (rows: municipalities), not the 60 municipal reports in a row it once was
    regional = _child_report(["--region", "--year", str(year)])
    log(
        f"  региональный годовой отчёт ({regional['municipalities']} муниципалитетов): {regional['seconds']} с, "
        f"пик памяти процесса {regional['peak_rss_mb']} МБ"
    )
    export = _child_report(["--regional-export", "--year", str(year)])
    log(f"  региональная выгрузка мониторинга: {export['seconds']} с, пик {export['peak_rss_mb']} МБ")
    return {
        "year": year,
        "municipality": {"name": subjects.municipality.name, **one},
        "regional_report": regional,
        "regional_export": export,
    }


REGIONAL_ROLES = ("regional",)


def evaluate(results: dict) -> list[dict]:
    rows = []

    def add(name: str, value, target, ok: bool, note: str = "") -> None:
        rows.append({"target": name, "value": value, "limit": target, "met": ok, "note": note})

    pages = [p for p in results.get("pages", []) if p["status"] == 200]
    if pages:
        worst = max(pages, key=lambda p: p["cpu_p95_ms"])
        over = [p for p in pages if p["cpu_p95_ms"] > TARGETS["page_cpu_p95_ms"]]
        add(
            "ЦП на запрос, p95, каждая страница и роль ≤ 100 мс (худшая)",
            f"{worst['cpu_p95_ms']} мс — {worst['page']}, {worst['role']}"
            + (f"; выше цели: {len(over)} из {len(pages)}" if over else ""),
            "100 мс",
            not over,
        )
        most = max(pages, key=lambda p: p["queries"])
        add(
            "запросов на страницу ≤ 15 (наибольшее)",
            f"{most['queries']} — {most['page']}, {most['role']}",
            "15",
            all(p["queries"] <= TARGETS["page_queries"] for p in pages),
        )
        for kind, roles_in, limit in (
            ("муниципальные", lambda r: r not in REGIONAL_ROLES, TARGETS["ratio_municipal"]),
            ("региональные", lambda r: r in REGIONAL_ROLES, TARGETS["ratio_regional"]),
        ):
            compared = [p for p in pages if roles_in(p["role"]) and p.get("ratio_cpu_p50") is not None]
            if not compared:
                continue
            top = max(compared, key=lambda p: p["ratio_cpu_p50"])
            grown = [p for p in compared if p["ratio_cpu_p50"] > limit]
            add(
                f"ЦП ×2 ÷ ×1 (p50), {kind} страницы ≤ {limit} (наибольшее)",
                f"{top['ratio_cpu_p50']} — {top['page']}, {top['role']}"
                + (f"; выше цели: {len(grown)} из {len(compared)}" if grown else ""),
                str(limit),
                not grown,
            )
        queries_grow = [p for p in pages if p.get("x2") and p["x2"]["queries"] != p["queries"]]
        if any(p.get("x2") for p in pages):
            add(
                "запросов столько же на ×2",
                ", ".join(f"{p['page']}/{p['role']}: {p['queries']}→{p['x2']['queries']}" for p in queries_grow)
                or "везде столько же",
                "равно",
                not queries_grow,
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
            "импорт ≥ 3× django-import-export в режиме bulk",
            f"{imp['ours_vs_tuned']}×",
            "3×",
            imp["ours_vs_tuned"] >= TARGETS["import_vs_tuned"],
        )
        add(
            "импорт ≥ 40 % «пола» (calamine + COPY)",
            f"{round(imp['ours_vs_floor'] * 100)} %",
            "40 %",
            imp["ours_vs_floor"] >= TARGETS["import_vs_floor"],
        )
    rep = results.get("report")
    if rep:
        region = rep.get("regional_report") or rep.get("region")
        label = "региональный годовой отчёт" if rep.get("regional_report") else "годовые отчёты всех муниципалитетов"
    if rep and region:
        add(
            f"{label} ≤ 20 с",
            f"{region['seconds']} с",
            "20 с",
            region["seconds"] <= TARGETS["region_report_s"],
        )
        add(
            f"{label}: пик памяти своего процесса ≤ 300 МБ",
            f"{region['peak_rss_mb']} МБ",
            "300 МБ",
            region["peak_rss_mb"] <= TARGETS["region_report_mb"],
        )
    sweep = results.get("sweep")
    if sweep:
        add(
            "рассылка напоминаний: ЦП всего ≤ 5 с (процесс + PostgreSQL, один процесс)",
            f"{sweep['cpu_seconds']} с ЦП ({sweep['cpu_ms_per_reminder']} мс на напоминание, {sweep['sent']} напоминаний"
            f"{sweep_runs_text(sweep)}), {sweep['seconds']} с по часам",
            "5 с",
            sweep["cpu_seconds"] <= TARGETS["sweep_cpu_s"],
        )
        add("повторная рассылка отправляет 0", str(sweep["second_sent"]), "0", sweep["second_sent"] == 0)
        if "same_work" in sweep:
            add(
                "каждый замер рассылки нашёл ту же работу",
                "да" if sweep["same_work"] else "нет",
                "да",
                sweep["same_work"],
            )
        par = sweep.get("parallel")
        if par:
            add("повторная параллельная рассылка отправляет 0", str(par["second_sent"]), "0", par["second_sent"] == 0)
            add(
                "после рассылки все строки «отправлено», уведомлений столько же",
                f"не отправлено {par['not_sent_rows']}, уведомлений {par['notifications']} из {par['sent']}",
                "0",
                par["not_sent_rows"] == 0 and par["notifications"] == par["sent"],
            )
    load = results.get("load")
    if load:
        add("нагрузка: ошибок 0", str(load["errors"]), "0", load["errors"] == 0)
        if load.get("cpu_ms_per_request") is not None:
            add(
                "нагрузка: ЦП на запрос в среднем ≤ 30 мс (gunicorn + PostgreSQL)",
                f"{load['cpu_ms_per_request']} мс",
                "30 мс",
                load["cpu_ms_per_request"] <= TARGETS["load_cpu_ms"],
            )
    return rows


def sweep_runs_text(sweep: dict) -> str:
    """«; медиана 3 замеров: 4.1, 4.3, 4.6 с» when the sweep was measured more than once."""
    runs = sweep.get("cpu_seconds_runs") or []
    return f"; медиана {len(runs)} замеров: {', '.join(map(str, sorted(runs)))} с" if len(runs) > 1 else ""


def print_tables(results: dict) -> None:
    m = results["machine"]
    print()
    print(
        f"«Наставник», замеры {m['date']}: {m['nproc']} ядра ({m['cpu']}), {m['ram_gb']} ГБ, {m['database']}, "
        f"Python {m['python']}, Django {m['django']}; загрузка машины (load average) {m.get('loadavg')}"
    )
    print("Данные: " + ", ".join(f"{k} {v}" for k, v in results["dataset"].items()))
    if results.get("dataset_x2"):
        print("Данные ×2: " + ", ".join(f"{k} {v}" for k, v in results["dataset_x2"].items()))
    pages = results.get("pages")
    if pages:
        print()
        print(
            f"{'Страница':<40} {'роль':<14} {'ЦП p50':>7} {'ЦП p95':>7} {'часы p95':>8} {'запр.':>5} "
            f"{'ЦП p50 ×2':>9} {'×2/×1':>6}"
        )
        for p in pages:
            if p["status"] != 200:
                print(f"{p['page']:<40} {p['role']:<14} {'HTTP ' + str(p['status']):>17}")
                continue
            x2 = p.get("x2") or {}
            ratio = p.get("ratio_cpu_p50")
            print(
                f"{p['page']:<40} {p['role']:<14} {p['cpu_p50_ms']:>7.1f} {p['cpu_p95_ms']:>7.1f} {p['p95_ms']:>8.1f} "
                f"{p['queries']:>5} {x2.get('cpu_p50_ms', 0):>9.1f} {ratio if ratio is not None else '—':>6}"
            )
    imp = results.get("import")
    if imp:
        print()
        print(f"Импорт .xlsx, {imp['rows']} наставников:")
        for name in ("ours", "stock", "tuned", "floor"):
            if name in imp:
                print(f"  {IMPORT_LABELS[name]:<60} {imp[name]['seconds']:>7} с {imp[name]['rows_per_s']:>7} строк/с")
        print(
            f"  наш / bulk django-import-export {imp['ours_vs_tuned']}×, наш / пол {round(imp['ours_vs_floor'] * 100)} %"
        )
    rep = results.get("report")
    if rep:
        print()
        parts = [
            f"{rep['municipality']['name']} — {rep['municipality']['seconds']} с, пик {rep['municipality']['peak_rss_mb']} МБ"
        ]
        if rep.get("regional_report"):
            r = rep["regional_report"]
            parts.append(f"региональный отчёт — {r['seconds']} с, пик {r['peak_rss_mb']} МБ")
        if rep.get("region"):
            r = rep["region"]
            parts.append(
                f"все {r['municipalities']} муниципальных подряд — {r['seconds']} с, пик {r['peak_rss_mb']} МБ"
            )
        r = rep["regional_export"]
        parts.append(f"региональная выгрузка — {r['seconds']} с, пик {r['peak_rss_mb']} МБ")
        print(f"Годовой отчёт {rep['year']} (каждый в своём процессе): " + "; ".join(parts))
    sweep = results.get("sweep")
    if sweep:
        print()
        print(
            f"Рассылка напоминаний (все муниципалитеты подряд, один процесс): ЦП {sweep['cpu_seconds']} с "
            f"({sweep['cpu_ms_per_reminder']} мс на напоминание{sweep_runs_text(sweep)}), {sweep['seconds']} с по часам, отправлено "
            f"{sweep['sent']} (писем {sweep['emails']}); повторно — {sweep['second_sent']} за ЦП {sweep['second_cpu_seconds']} с"
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
            f"p50 {load['p50_ms']} мс, p95 {load['p95_ms']} мс, p99 {load['p99_ms']} мс, ошибок {load['errors']}, "
            f"ЦП на запрос {load.get('cpu_ms_per_request')} мс"
        )
    print()
    print("Цели:")
    for row in results["targets"]:
        print(f"  [{'да ' if row['met'] else 'НЕТ'}] {row['target']}: {row['value']}")


IMPORT_LABELS = {
    "ours": "наш (проверка строк, история, списки; calamine + COPY)",
    "stock": "django-import-export, ModelResource по умолчанию",
    "tuned": "django-import-export в режиме bulk (как в документации)",
    "floor": "«пол»: calamine + COPY людей, списков и истории",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SECTIONS), help="разделы через запятую: " + ",".join(SECTIONS))
    parser.add_argument("--skip", default="", help="пропустить разделы (через запятую)")
    parser.add_argument("--repeat", type=int, default=20, help="запросов на страницу для p50/p95")
    parser.add_argument("--rows", type=int, default=10000, help="строк в файле импорта")
    parser.add_argument(
        "--import-repeat", type=int, default=3, help="замеров каждого пути импорта (медиана; стандартный — один)"
    )
    parser.add_argument(
        "--sweep-repeat", type=int, default=3, help="замеров рассылки (медиана ЦП первого прохода, все — в выводе)"
    )
    parser.add_argument("--duration", type=int, default=60, help="секунд нагрузки")
    parser.add_argument("--scale", type=float, default=1.0, help="масштаб seed_scale для пустой базы")
    parser.add_argument(
        "--x2-url", default="", help="база региона ×2 (по умолчанию — та же, что DATABASE_URL, с суффиксом _x2)"
    )
    parser.add_argument("--no-x2", action="store_true", help="не замерять страницы на регионе ×2")
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        help="только страницы, в названии которых есть эта строка (можно повторять)",
    )
    parser.add_argument(
        "--role",
        action="append",
        default=[],
        help="только эта роль: coordinator, curator, methodologist, head, regional",
    )
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    sections = [s for s in args.only.split(",") if s and s not in args.skip.split(",")]
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Region
    from bench import imports, load, pages, sweep
    from bench.scale import REGION_NAME, ScaleConfig, generate

    call_command("migrate", verbosity=0)  # the measured database follows the code (no-op when it does)
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
        if not args.no_x2 and connection.vendor == "postgresql":
            results["pages"], x2 = pages_in_step(args, subjects)
            merge_x2(results, x2)
        else:
            results["pages"] = [
                r.as_dict() for r in pages.measure(subjects, repeat=args.repeat, pages=args.page, roles=args.role)
            ]
    if "import" in sections:
        print("Импорт наставников из .xlsx:")
        results["import"] = imports.measure(subjects, rows=args.rows, repeat=args.import_repeat)
    if "report" in sections:
        print("Годовой аналитический отчёт:")
        results["report"] = reports(subjects)
    if "sweep" in sections:
        print("Рассылка напоминаний:")
        results["sweep"] = sweep.measure(repeat=args.sweep_repeat)
        results["sweep"]["parallel"] = sweep.measure_parallel()
    if "load" in sections:
        print("Нагрузка:")
        page_list = [p for p in pages.page_urls(subjects)]
        if results.get("pages"):
            ok = {(p["role"], p["url"]) for p in results["pages"] if p["status"] == 200}
            page_list = [p for p in page_list if (p[1], p[2]) in ok]
        results["load"] = load.run(subjects, page_list, duration=args.duration)
    results["bench_seconds"] = round(time.monotonic() - started, 1)
    results["machine"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = evaluate(results)
    Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print_tables(results)
    print(f"\nРезультаты: {args.output}")
    return 0
