"""The annual analytical report: collect the data once, evaluate the conclusion rules, describe the
charts, then render the workbook and the Word document from the same objects.

    data = collect(...)            # reports/data.py   — per-organization counts, summable
    findings = evaluate(data, th)  # reports/rules.py  — numbered rules, tunable thresholds
    specs = build_specs(data)      # reports/charts.py — one description per chart
    build_xlsx / build_docx        # reports/xlsx.py, reports/docx.py — rendering only

`progress(stage, percent)` is called between stages; the job machinery stores it on the build.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import Municipality, Region
from monitoring.reports import fmt
from monitoring.reports.charts import build_specs
from monitoring.reports.data import collect, collect_region
from monitoring.reports.docx import build_docx
from monitoring.reports.rules import RULES_BY, evaluate
from monitoring.reports.signer import municipal_signer, regional_signer
from monitoring.reports.xlsx import build_xlsx

Progress = Callable[[str, int], None]

# the sheets a full report has, in order (a sheet with nothing to show is left out; a region's
# report has «По муниципалитетам» for «По организациям»)
SHEETS = [
    "Сводка",
    "По организациям",
    "По муниципалитетам",
    "Дорожная карта",
    "Показатели",
    "Анкетирование",
    "Практики",
    "Мониторинг",
    "Эффективность",
    "Выводы",
    "Правила",
    "Диаграммы",
]
STAGES = [
    ("Сбор данных", 5),
    ("Расчёт выводов по правилам", 40),
    ("Формирование Excel", 50),
    ("Построение диаграмм и формирование Word", 70),
    ("Сохранение файлов", 95),
]


@dataclass
class ReportFiles:
    xlsx: bytes
    docx: bytes
    preview: dict


def report_settings(municipality: Municipality):
    from monitoring.models import ReportSettings

    return ReportSettings.objects.filter(municipality=municipality).first()


def build_report(
    *,
    municipality: Municipality | None = None,
    region: Region | None = None,
    year: int,
    academic: bool = False,
    organization_kind: str | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    author=None,
) -> ReportFiles:
    """The annual report of a municipality (rows: its organizations) or of a region (rows: its
    municipalities, from queries grouped by municipality): the same sections, rules and renderers.
    `author`: the user who asked for the build (reports/signer.py: a region's report is signed by them,
    a municipality's names them as the executor when its settings name nobody)."""
    progress = progress or (lambda stage, percent: None)
    stages = iter(STAGES)

    def step():
        stage, percent = next(stages)
        progress(stage, percent)

    step()
    if region is not None:
        data = collect_region(region, year, academic=academic, organization_kind=organization_kind, today=today)
        settings = None  # a region's report takes the default layout and thresholds
        signer = regional_signer(data.place, region, author)
    elif municipality is not None:
        data = collect(municipality, year, academic=academic, organization_kind=organization_kind, today=today)
        settings = report_settings(municipality)
        signer = municipal_signer(data.place, settings, author)
    else:
        raise ValueError("municipality or region")
    step()
    overrides = settings.thresholds if settings is not None else {}
    findings = evaluate(data, overrides)
    young_target = RULES_BY[1].values(overrides)["target"]
    specs = build_specs(data, young_target=young_target)
    step()
    xlsx = build_xlsx(data, findings, specs, overrides, signer)
    step()
    docx = build_docx(data, findings, specs, settings, overrides, signer)
    step()
    t = data.totals
    place = data.place
    preview = {
        "period": data.period.label,
        "title": f"Аналитический отчёт {place.genitive} за {data.period.label}",
        "figures": [
            *([["Муниципалитетов", fmt.num(len(data.rows))]] if place.regional else []),
            ["Организаций", fmt.num(data.organization_count)],
            ["С действующими парами", fmt.num(data.organizations_with_pairs)],
            ["Наставников", fmt.num(t.mentors)],
            ["Наставляемых", fmt.num(t.mentees)],
            ["Пар и групп", fmt.num(t.pairs)],
            ["Охват молодых специалистов", fmt.pct(t.young_share)],
            ["Исполнение дорожных карт в срок", fmt.pct(t.roadmap_share)],
            ["Отчётов сдано в срок", fmt.pct(t.on_time_rate)],
        ],
        "findings": [f.as_dict() for f in findings],
        "charts": [s.as_dict() for s in specs],
    }
    return ReportFiles(xlsx=xlsx, docx=docx, preview=preview)


def build_files(
    *,
    municipality: Municipality,
    year: int,
    academic: bool = False,
    organization_kind: str | None = None,
    progress: Progress | None = None,
) -> tuple[bytes, bytes]:
    files = build_report(
        municipality=municipality,
        year=year,
        academic=academic,
        organization_kind=organization_kind,
        progress=progress,
    )
    return files.xlsx, files.docx
