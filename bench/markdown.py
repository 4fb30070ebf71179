"""`python -m bench.markdown [results.json]`: the measured figures as Markdown for README's
«Производительность» section, so that the README is copied from a run, never typed by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.run import RESULTS

ROLES = {"coordinator": "координатор", "curator": "куратор", "methodologist": "методист", "regional": "регион"}


def render(results: dict) -> str:
    m = results["machine"]
    out = [
        f"Замер {m['date']}: {m['nproc']} ядра ({m['cpu']}), {m['ram_gb']} ГБ памяти, {m['database']}, "
        f"Python {m['python']}, Django {m['django']}. Данные: "
        + ", ".join(f"{k} {v:,}".replace(",", " ") for k, v in results["dataset"].items())
        + ".",
        "",
    ]
    pages = results.get("pages")
    if pages:
        subjects = results.get("subjects", {})
        out += [
            f"Страницы ({subjects.get('municipality', '')}; время сервера в процессе, по "
            f"{pages[0]['samples']} запросов на страницу):",
            "",
            "| Страница | " + " | ".join(ROLES.values()) + " |",
            "|---|" + "---|" * len(ROLES),
        ]
        by_page: dict[str, dict[str, dict]] = {}
        for p in pages:
            by_page.setdefault(p["page"], {})[p["role"]] = p
        for page, roles in by_page.items():
            cells = []
            for role in ROLES:
                p = roles.get(role)
                if p is None:
                    cells.append("—")
                elif p["status"] != 200:
                    cells.append(f"HTTP {p['status']}")
                else:
                    cpu = f", ЦП p95 {p['cpu_p95_ms']:.0f} мс" if p.get("cpu_p95_ms") else ""
                    cells.append(f"{p['p50_ms']:.0f} / {p['p95_ms']:.0f} мс{cpu}, {p['queries']} запр.")
            out.append(f"| {page} | " + " | ".join(cells) + " |")
        out += [
            "",
            "В ячейке: p50 / p95 времени ответа, p95 процессорного времени запроса (процесс Django и его "
            "процесс PostgreSQL) и число запросов к БД.",
            "",
        ]
    imp = results.get("import")
    if imp:
        out += [
            "Импорт .xlsx, "
            + f"{imp['rows']:,}".replace(",", " ")
            + f" наставников в {imp['organizations']} организаций:",
            "",
            "| путь | время | строк/с |",
            "|---|---|---|",
            f"| наш (`mentorship.exchange`, `MentorResource`: проверка строк, история, списки) | {imp['ours']['seconds']} с | {imp['ours']['rows_per_s']} |",
            f"| стандартный `ModelResource` django-import-export, параметры по умолчанию | {imp['stock']['seconds']} с | {imp['stock']['rows_per_s']} |",
            f"| «пол»: openpyxl read-only + `bulk_create` людей и связей | {imp['floor']['seconds']} с | {imp['floor']['rows_per_s']} |",
            "",
            f"Наш быстрее стандартного в {imp['ours_vs_stock']} раза и даёт {round(imp['ours_vs_floor'] * 100)} % скорости «пола».",
            "",
        ]
    rep = results.get("report")
    if rep:
        one, region, export = rep["municipality"], rep["region"], rep["regional_export"]
        out += [
            f"Годовой аналитический отчёт за {rep['year']} год (.xlsx и .docx), отдельный процесс, пик памяти — ru_maxrss процесса:",
            "",
            "| что | время | пик памяти |",
            "|---|---|---|",
            f"| {one['name']} | {one['seconds']} с | {one['peak_rss_mb']} МБ |",
            f"| годовой отчёт региона ({region['municipalities']} муниципалитетов — строки отчёта) | {region['seconds']} с | {region['peak_rss_mb']} МБ |",
            f"| региональная выгрузка мониторинга (строка на организацию) | {export['seconds']} с | {export['peak_rss_mb']} МБ |",
            "",
        ]
    sweep = results.get("sweep")
    if sweep:
        par = sweep.get("parallel", {})
        out += [
            f"Рассылка напоминаний по всем муниципалитетам: {sweep['seconds']} с в одном процессе, отправлено "
            f"{sweep['sent']} (писем {sweep['emails']}); повторный проход — {sweep['second_sent']} за {sweep['second_seconds']} с."
            + (
                f" Так, как она идёт в работе (задача на муниципалитет, {par['processes']} процесса воркера): "
                f"{par['seconds']} с, повторно — {par['second_sent']}."
                if par
                else ""
            ),
            "",
        ]
    load = results.get("load")
    if load:
        out += [
            f"Нагрузка: wrk, {load['connections']} соединений, {load['duration_s']} с, gunicorn ({load['gunicorn_workers']} воркера) "
            f"на 127.0.0.1, {load['urls']} адресов (все страницы выше) по кругу: {load['requests']} запросов, "
            f"{load['requests_per_s']} в секунду, p50 {load['p50_ms']} мс, p95 {load['p95_ms']} мс, p99 {load['p99_ms']} мс, "
            f"ошибок {load['errors']}.",
            "",
        ]
    out += ["| цель | результат | выполнена |", "|---|---|---|"]
    for row in results["targets"]:
        out.append(f"| {row['target']} | {row['value']} | {'да' if row['met'] else '**нет**'} |")
    return "\n".join(out)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS
    print(render(json.loads(path.read_text())))


if __name__ == "__main__":
    main()
