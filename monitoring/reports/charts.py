"""The report's charts, described once (ChartSpec) and drawn three ways: a native Excel chart
(xlsx.py), a print-resolution picture in the Word file (matplotlib, here) and Chart.js on the page
(the spec is stored in the build's preview as JSON)."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass

from monitoring.reports.data import AnnualData

# a chart over organizations keeps this many bars (the lowest values, the ones a reader acts on)
MAX_BARS = 30
COLORS = ["#1f4e79", "#c55a11", "#7f7f7f", "#548235", "#bf9000", "#7030a0"]


@dataclass
class ChartSpec:
    key: str
    title: str
    kind: str  # "bar" (vertical columns), "barh" (horizontal bars), "stacked" (horizontal, stacked), "pie"
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    unit: str = ""
    value_max: float | None = None
    target: float | None = None  # a reference line (e.g. the target coverage)
    note: str = ""
    number: int = 0

    @property
    def caption(self) -> str:
        return f"Рисунок {self.number} — {self.title}"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["series"] = [{"name": n, "values": v} for n, v in self.series]
        d["caption"] = self.caption
        return d


def _limit(rows: list, value, label: str, units: str = "организаций") -> tuple[list, str]:
    if len(rows) <= MAX_BARS:
        return rows, ""
    rows = sorted(rows, key=lambda r: (value(r) is None, value(r) or 0))[:MAX_BARS]
    return rows, f"показаны {MAX_BARS} {units} с наименьшим значением показателя «{label}»"


def build_specs(data: AnnualData, *, young_target: float | None = None) -> list[ChartSpec]:
    specs: list[ChartSpec] = []
    place = data.place
    forms = data.pairs_by_form
    if forms:
        specs.append(
            ChartSpec(
                "forms",
                "Наставнические пары и группы по формам наставничества",
                "pie" if len(forms) <= 6 else "barh",
                [name or "Форма не указана" for name, _ in forms],
                [("Пар и групп", [n for _, n in forms])],
            )
        )
    people = [r for r in data.rows if r.mentors or r.mentees]
    if people:
        rows, note = _limit(people, lambda r: r.mentors, "наставников", place.units_genitive)
        specs.append(
            ChartSpec(
                "people",
                f"Наставники и наставляемые {place.by_units}, чел.",
                "barh",
                [r.name for r in rows],
                [("Наставников", [r.mentors for r in rows]), ("Наставляемых", [r.mentees for r in rows])],
                unit="чел.",
                note=note,
            )
        )
    young = [r for r in data.rows if r.young_total]
    if young:
        rows, note = _limit(young, lambda r: r.young_share, "охват", place.units_genitive)
        specs.append(
            ChartSpec(
                "young",
                "Охват молодых специалистов наставничеством, %",
                "barh",
                [r.name for r in rows],
                [("Охват, %", [r.young_share for r in rows])],
                unit="%",
                value_max=100,
                target=young_target,
                note=note,
            )
        )
    roadmap = [r for r in data.rows if r.roadmap_due]
    if roadmap:
        rows, note = _limit(roadmap, lambda r: r.roadmap_share, "исполнение в срок", place.units_genitive)
        specs.append(
            ChartSpec(
                "roadmap",
                "Исполнение мероприятий дорожных карт образовательных организаций (наступившие сроки)"
                + (f", {place.by_units}" if place.regional else ""),
                "stacked",
                [r.name for r in rows],
                [
                    ("Выполнено в срок", [r.roadmap_on_time for r in rows]),
                    ("С опозданием", [r.roadmap_late for r in rows]),
                    ("Просрочено", [r.roadmap_overdue for r in rows]),
                ],
                note=note,
            )
        )
    dynamics = [r for r in data.dynamics if r.entry is not None or r.final is not None]
    if dynamics:
        specs.append(
            ChartSpec(
                "dynamics",
                "Самооценка участников: входная (сентябрь) и итоговая (май), средний балл 1–10",
                "bar",
                [r.dimension for r in dynamics],
                [("Входная", [r.entry for r in dynamics]), ("Итоговая", [r.final for r in dynamics])],
                value_max=10,
            )
        )
    campaigns = [c for c in data.campaigns if c.expected]
    if campaigns:
        specs.append(
            ChartSpec(
                "campaigns",
                "Сдача отчётов по кампаниям мониторинга, % от ожидавшихся",
                "barh",
                [c.title for c in campaigns],
                [
                    ("Сдано", [round(100 * c.submitted / c.expected, 1) for c in campaigns]),
                    ("В срок", [round(100 * c.on_time / c.expected, 1) for c in campaigns]),
                ],
                unit="%",
                value_max=100,
            )
        )
    if data.ranking:
        rows = data.ranking[:MAX_BARS]
        specs.append(
            ChartSpec(
                "ranking",
                f"Рейтинг эффективности {'муниципалитетов' if place.regional else 'образовательных организаций'}, "
                "баллов из 100",
                "barh",
                [r.name for r in rows],
                [("Итоговый балл", [r.score for r in rows])],
                value_max=100,
                note=f"показаны первые {MAX_BARS} мест" if len(data.ranking) > MAX_BARS else "",
            )
        )
    for number, spec in enumerate(specs, start=1):
        spec.number = number
    return specs


# matplotlib ----------------------------------------------------------------------------------------------
def _wrap(text: str, width: int = 38) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def render_png(spec: ChartSpec, *, width_cm: float = 16.5, dpi: int = 200) -> tuple[bytes, float]:
    """The chart as a PNG at print resolution; returns (bytes, height in cm)."""
    import logging

    import matplotlib

    matplotlib.use("Agg")
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from monitoring.reports import fmt

    n = len(spec.categories)
    horizontal = spec.kind in ("barh", "stacked")
    height_cm = 9.0
    if horizontal:
        height_cm = min(22.0, max(7.0, 1.6 + n * 0.55 * (len(spec.series) if spec.kind == "barh" else 1) + 2))
    plt.rcParams.update(
        {
            "font.family": ["Liberation Serif", "Times New Roman", "DejaVu Serif"],
            "font.size": 9,
            "axes.unicode_minus": False,
        }
    )
    fig, ax = plt.subplots(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=dpi)
    try:
        labels = [_wrap(c, 34 if horizontal else 18) for c in spec.categories]
        values = [[0 if v is None else v for v in vals] for _name, vals in spec.series]
        if spec.kind == "pie":
            wedges, _texts, _auto = ax.pie(
                values[0],
                colors=COLORS * 3,
                autopct=lambda p: fmt.pct(p),
                startangle=90,
                counterclock=False,
                wedgeprops={"linewidth": 1, "edgecolor": "white"},
                textprops={"color": "white", "fontsize": 8},
            )
            ax.legend(
                wedges,
                [f"{c} — {fmt.num(v)}" for c, v in zip(spec.categories, values[0], strict=True)],
                loc="center left",
                bbox_to_anchor=(1.0, 0.5),
                frameon=False,
            )
            ax.axis("equal")
        elif horizontal:
            positions = list(range(n))
            if spec.kind == "stacked":
                left = [0.0] * n
                for index, (name, vals) in enumerate(zip([s[0] for s in spec.series], values, strict=True)):
                    ax.barh(positions, vals, left=left, color=COLORS[index % len(COLORS)], label=name)
                    left = [a + b for a, b in zip(left, vals, strict=True)]
            else:
                k = len(spec.series)
                h = 0.8 / k
                for index, (name, vals) in enumerate(zip([s[0] for s in spec.series], values, strict=True)):
                    pos = [p - 0.4 + h / 2 + index * h for p in positions]
                    bars = ax.barh(pos, vals, height=h, color=COLORS[index % len(COLORS)], label=name)
                    ax.bar_label(bars, labels=[fmt.num(v) for v in vals], padding=2, fontsize=7)
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
            if spec.value_max:
                ax.set_xlim(0, spec.value_max * 1.08)
            if spec.target is not None:
                ax.axvline(
                    spec.target, color="#c00000", linestyle="--", linewidth=1, label=f"Цель: {fmt.pct(spec.target)}"
                )
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: fmt.num(x)))
            ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        else:
            positions = list(range(n))
            k = len(spec.series)
            w = 0.8 / k
            for index, (name, vals) in enumerate(zip([s[0] for s in spec.series], values, strict=True)):
                pos = [p - 0.4 + w / 2 + index * w for p in positions]
                bars = ax.bar(pos, vals, width=w, color=COLORS[index % len(COLORS)], label=name)
                ax.bar_label(bars, labels=[fmt.score(v) for v in vals], padding=2, fontsize=7)
            ax.set_xticks(positions, labels)
            if spec.value_max:
                ax.set_ylim(0, spec.value_max * 1.08)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _p: fmt.num(x)))
            ax.grid(axis="y", color="#dddddd", linewidth=0.5)
        if spec.kind != "pie":
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            if len(spec.series) > 1 or spec.target is not None:
                ax.legend(
                    loc="upper center", bbox_to_anchor=(0.5, -0.08 if horizontal else -0.14), ncol=4, frameon=False
                )
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return out.getvalue(), height_cm
