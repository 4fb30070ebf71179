"""`python -m bench.markdown [results.json]`: the measured figures as Markdown for README's
«Производительность» section, so that the README is copied from a run, never typed by hand."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.run import RESULTS, sweep_runs_text

ROLES = {"coordinator": "координатор", "curator": "куратор", "methodologist": "методист", "regional": "регион"}


def render(results: dict) -> str:
    m = results["machine"]
    load = m.get("loadavg")
    out = [
        f"Замер {m['date']}: {m['nproc']} ядра ({m['cpu']}), {m['ram_gb']} ГБ памяти, {m['database']}, "
        f"Python {m['python']}, Django {m['django']}. Машина общая и нагружена: load average в начале "
        f"{' / '.join(str(x) for x in load) if load else '—'}, в конце "
        f"{' / '.join(str(x) for x in m.get('loadavg_end', [])) or '—'} (1 / 5 / 15 мин) — поэтому мерило — "
        "процессорное время запроса, а не время по часам. Данные ×1: "
        + ", ".join(f"{k} {v:,}".replace(",", " ") for k, v in results["dataset"].items())
        + ".",
        "",
    ]
    if results.get("dataset_x2"):
        out += [
            "Данные ×2 (`seed_scale --scale 2`: регион ×1 строка в строку и ещё столько же муниципалитетов; "
            "×1 и ×2 замеряются вперемежку, запрос за запросом, на одном ядре, под одной и той же нагрузкой машины): "
            + ", ".join(f"{k} {v:,}".replace(",", " ") for k, v in results["dataset_x2"].items())
            + ".",
            "",
        ]
    pages = results.get("pages")
    if pages:
        subjects = results.get("subjects", {})
        out += [
            f"Страницы ({subjects.get('municipality', '')}; по {pages[0]['samples']} запросов на страницу; "
            "ЦП — процесс Django и его процесс PostgreSQL):",
            "",
            "| Страница | роль | ЦП p50 / p95, мс | по часам p95, мс | запросов | ЦП p50 на ×2, мс | ×2 ÷ ×1 |",
            "|---|---|---|---|---|---|---|",
        ]
        for p in pages:
            role = ROLES.get(p["role"], p["role"])
            if p["status"] != 200:
                out.append(f"| {p['page']} | {role} | HTTP {p['status']} | | | | |")
                continue
            x2 = p.get("x2") or {}
            ratio = p.get("ratio_cpu_p50")
            out.append(
                f"| {p['page']} | {role} | {p['cpu_p50_ms']:.0f} / {p['cpu_p95_ms']:.0f} | {p['p95_ms']:.0f} | "
                f"{p['queries']}{'' if not x2 or x2['queries'] == p['queries'] else ' → ' + str(x2['queries'])} | "
                f"{x2.get('cpu_p50_ms', 0):.0f} | {ratio if ratio is not None else '—'} |"
            )
        out.append("")
    imp = results.get("import")
    if imp:
        labels = {
            "ours": "наш (`MentorResource`: проверка строк, история, списки; запись COPY)",
            "stock": "django-import-export, `ModelResource` по умолчанию",
            "tuned": "django-import-export в режиме bulk по документации",
            "floor": "«пол»: python-calamine + COPY людей, списков и истории",
        }
        out += [
            "Импорт .xlsx, "
            + f"{imp['rows']:,}".replace(",", " ")
            + f" наставников в {imp['organizations']} организаций, в одном прогоне"
            + (
                f" (медианы {imp['repeat']} замеров каждого пути по кругу; стандартный — один замер):"
                if imp.get("repeat", 1) > 1
                else ":"
            ),
            "",
            "| путь | по часам | строк/с | ЦП (процесс + PostgreSQL) |",
            "|---|---|---|---|",
        ]
        for name in ("ours", "stock", "tuned", "floor"):
            if name in imp:
                r = imp[name]
                out.append(f"| {labels[name]} | {r['seconds']} с | {r['rows_per_s']} | {r.get('cpu_seconds', '—')} с |")
        out += [
            "",
            f"По процессорному времени наш быстрее стандартного в {imp['ours_vs_stock']} раза, режима bulk — в "
            f"{imp['ours_vs_tuned']} раза и даёт {round(imp['ours_vs_floor'] * 100)} % скорости «пола».",
            "",
        ]
    rep = results.get("report")
    if rep:
        one, region, export = rep["municipality"], rep.get("region"), rep["regional_export"]
        out += [
            f"Годовой аналитический отчёт за {rep['year']} год (.xlsx и .docx), каждый в своём процессе; пик памяти — "
            "VmHWM этого процесса (пик его собственной памяти; ru_maxrss Linux переносит через exec от родителя):",
            "",
            "| что | время | пик памяти |",
            "|---|---|---|",
            f"| {one['name']} | {one['seconds']} с | {one['peak_rss_mb']} МБ |",
            *(
                [
                    f"| региональный годовой отчёт ({rep['regional_report']['municipalities']} муниципалитетов) | "
                    f"{rep['regional_report']['seconds']} с | {rep['regional_report']['peak_rss_mb']} МБ |"
                ]
                if rep.get("regional_report")
                else []
            ),
            *(
                [
                    f"| отчёты всех {region['municipalities']} муниципалитетов подряд | {region['seconds']} с | "
                    f"{region['peak_rss_mb']} МБ |"
                ]
                if region
                else []
            ),
            f"| региональная выгрузка мониторинга (строка на организацию) | {export['seconds']} с | {export['peak_rss_mb']} МБ |",
            "",
        ]
    sweep = results.get("sweep")
    if sweep:
        par = sweep.get("parallel", {})
        out += [
            f"Рассылка напоминаний по всем муниципалитетам, один процесс: ЦП {sweep.get('cpu_seconds', '—')} с "
            f"({sweep.get('cpu_ms_per_reminder', '—')} мс на напоминание{sweep_runs_text(sweep)}), {sweep['seconds']} с по часам, отправлено "
            f"{sweep['sent']} (писем {sweep['emails']}); повторный проход — {sweep['second_sent']} "
            f"(ЦП {sweep.get('second_cpu_seconds', '—')} с)."
            + (
                f" Так, как она идёт в работе (задача на муниципалитет, {par['processes']} процесса воркера): "
                f"{par['seconds']} с, повторно — {par['second_sent']}."
                if par
                else ""
            ),
            "",
        ]
    load_run = results.get("load")
    if load_run:
        out += [
            f"Нагрузка: wrk, {load_run['connections']} соединений, {load_run['duration_s']} с, gunicorn "
            f"({load_run['gunicorn_workers']} воркера) на 127.0.0.1, {load_run['urls']} адресов всех ролей по кругу: "
            f"{load_run['requests']} запросов, {load_run['requests_per_s']} в секунду, p50 {load_run['p50_ms']} мс, "
            f"p95 {load_run['p95_ms']} мс, ошибок {load_run['errors']}; ЦП на запрос (воркеры gunicorn + их процессы "
            f"PostgreSQL) {load_run.get('cpu_ms_per_request', '—')} мс.",
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
