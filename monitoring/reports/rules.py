"""Conclusions («Выводы») and recommendations («Рекомендации») of the annual report, by explicit rules.

Each rule has a number, a Russian description the municipality can read, and thresholds it can tune
(ReportSettings.thresholds, key "<number>.<threshold>", edited in the admin). A rule looks at the
collected data only (AnnualData: per-organization counts and their sums), so the same rules conclude
a municipality's report or a region's. A rule that fires gives one conclusion and one
recommendation, naming the organizations and the figures behind it; a rule that does not fire
leaves no trace in the document except its line in the appendix «Правила формирования выводов».
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.plurals import plural
from monitoring.reports import fmt
from monitoring.reports.data import AnnualData, OrgRow


@dataclass(frozen=True)
class Threshold:
    key: str
    label: str
    default: float
    unit: str = ""
    minimum: float = 0
    maximum: float = 100


@dataclass
class Finding:
    rule: Rule
    conclusion: str
    recommendation: str
    organizations: list[str] = field(default_factory=list)
    positive: bool = False

    def as_dict(self) -> dict:
        return {
            "rule": self.rule.number,
            "section": self.rule.section,
            "title": self.rule.title,
            "conclusion": self.conclusion,
            "recommendation": self.recommendation,
            "organizations": self.organizations,
            "positive": self.positive,
        }


@dataclass(frozen=True)
class Rule:
    number: int
    section: str
    title: str
    description: str  # with {threshold} placeholders, filled with the values in force
    thresholds: tuple[Threshold, ...]
    check: Callable[[AnnualData, dict[str, float], Rule], Finding | None]

    def values(self, overrides: dict | None) -> dict[str, float]:
        overrides = overrides or {}
        out = {}
        for t in self.thresholds:
            raw = overrides.get(f"{self.number}.{t.key}", t.default)
            try:
                out[t.key] = float(raw)
            except (TypeError, ValueError):
                out[t.key] = t.default
        return out

    def describe(self, overrides: dict | None = None) -> str:
        values = {k: fmt.num(v) for k, v in self.values(overrides).items()}
        return self.description.format(**values)


RULES: list[Rule] = []
RULES_BY: dict[int, Rule] = {}


def rule(number: int, section: str, title: str, description: str, *thresholds: Threshold):
    """Register a rule; its check takes (data, threshold values, the rule) and returns a Finding or None."""

    def register(check):
        assert number not in RULES_BY, f"rule {number} twice"
        RULES_BY[number] = Rule(number, section, title, description, thresholds, check)
        RULES.append(RULES_BY[number])
        RULES.sort(key=lambda r: r.number)
        return check

    return register


def _org_list(rows: list[OrgRow], detail: Callable[[OrgRow], str]) -> str:
    return "; ".join(f"{r.name} — {detail(r)}" for r in rows)


def _by_level(d: AnnualData, municipal: str, regional: str) -> str:
    """The same conclusion addressed at the level of the report: a municipality's schools, or a
    region's municipalities (the rows of a regional report are municipalities)."""
    return regional if d.place.regional else municipal


# Participants and coverage ----------------------------------------------------------------------------
@rule(
    1,
    "Участники и охват",
    "Охват молодых специалистов ниже целевого значения",
    "Доля молодых специалистов (стаж до 3 лет), закреплённых за наставником, в муниципалитете (регионе) ниже "
    "{target} %; перечисляются организации (в отчёте региона — муниципалитеты), где она ниже {target} %.",
    Threshold("target", "целевой охват молодых специалистов", 100, "%"),
)
def _young(d: AnnualData, v, r: Rule):
    t = d.totals
    if t.young_share is None or t.young_share >= v["target"]:
        return None
    below = [x for x in d.rows if x.young_total and (x.young_share or 0) < v["target"]]
    uncovered = t.young_total - t.young_covered
    return Finding(
        r,
        f"Охват молодых специалистов наставничеством составил {fmt.pct(t.young_share)} "
        f"({fmt.num(t.young_covered)} из {fmt.num(t.young_total)}) при целевом значении {fmt.pct(v['target'])}; "
        f"без наставника остаются {fmt.count(uncovered, 'молодой специалист', 'молодых специалиста', 'молодых специалистов')}. "
        f"Ниже целевого значения: "
        + _org_list(
            below, lambda x: f"{fmt.pct(x.young_share)} ({fmt.num(x.young_covered)} из {fmt.num(x.young_total)})"
        )
        + ".",
        _by_level(
            d,
            f"Руководителям {fmt.names([x.name for x in below])} до начала следующего учебного года закрепить "
            f"наставников за молодыми специалистами, не включёнными в наставнические пары "
            f"({fmt.num(uncovered)} чел.), и утвердить соответствующие приказы.",
            f"Органам управления образованием муниципалитетов ({fmt.names([x.name for x in below])}) до начала "
            f"следующего учебного года обеспечить закрепление наставников за молодыми специалистами, не "
            f"включёнными в наставнические пары ({fmt.num(uncovered)} чел.).",
        ),
        [x.name for x in below],
    )


@rule(
    2,
    "Сеть организаций",
    "Организации без действующих наставнических пар и групп",
    "Перечисляются образовательные организации, в которых действующих пар и групп меньше {min_pairs}.",
    Threshold("min_pairs", "минимальное число действующих пар и групп в организации", 1, "", 0, 1000),
)
def _no_pairs(d: AnnualData, v, r: Rule):
    if d.place.regional:
        return _no_pairs_region(d, v, r)
    empty = [x for x in d.rows if x.pairs < v["min_pairs"]]
    if not empty:
        return None
    share = fmt.pct(100 * len(empty) / len(d.rows)) if d.rows else fmt.DASH
    return Finding(
        r,
        f"В {fmt.count(len(empty), 'образовательной организации', 'образовательных организациях', 'образовательных организациях')} "
        f"из {fmt.num(len(d.rows))} ({share}) нет действующих наставнических пар и групп: "
        + _org_list(empty, lambda x: f"наставников {fmt.num(x.mentors)}, наставляемых {fmt.num(x.mentees)}")
        + ".",
        f"Муниципальному координатору провести с руководителями {fmt.names([x.name for x in empty])} "
        "совещание по запуску целевой модели наставничества; сформировать наставнические пары (группы) "
        "и представить приказы о их закреплении.",
        [x.name for x in empty],
    )


def _no_pairs_region(d: AnnualData, v, r: Rule):
    empty = [o for o in d.organizations if o.pairs < v["min_pairs"]]
    if not empty:
        return None
    total: dict[str, int] = {}
    for o in d.organizations:
        total[o.unit] = total.get(o.unit, 0) + 1
    by_unit: dict[str, int] = {}
    for o in empty:
        by_unit[o.unit] = by_unit.get(o.unit, 0) + 1
    units = sorted(by_unit, key=lambda u: (-by_unit[u], u))
    return Finding(
        r,
        f"В {fmt.count(len(empty), 'образовательной организации', 'образовательных организациях', 'образовательных организациях')} "
        f"из {fmt.num(d.organization_count)} ({fmt.pct(100 * len(empty) / d.organization_count)}) нет действующих "
        "наставнических пар и групп; по муниципалитетам: "
        + "; ".join(f"{u} — {fmt.num(by_unit[u])} из {fmt.num(total[u])}" for u in units)
        + ".",
        f"Органам управления образованием муниципалитетов ({fmt.names(units)}) провести с руководителями "
        "организаций без действующих пар совещания по запуску целевой модели наставничества и представить в "
        "региональный центр наставничества приказы о закреплении наставнических пар (групп).",
        units,
    )


@rule(
    3,
    "Участники и охват",
    "Наставляемые без наставника",
    "Перечисляются организации, где наставляемых без закреплённого наставника больше {max_unmatched}.",
    Threshold("max_unmatched", "допустимое число наставляемых без наставника в организации", 0, "чел.", 0, 1000),
)
def _unmatched(d: AnnualData, v, r: Rule):
    rows = [x for x in d.rows if x.unmatched > v["max_unmatched"]]
    if not rows:
        return None
    total = sum(x.unmatched for x in rows)
    return Finding(
        r,
        f"{fmt.count(total, 'наставляемый остаётся', 'наставляемых остаются', 'наставляемых остаются')} без "
        "закреплённого наставника: "
        + _org_list(rows, lambda x: f"{fmt.num(x.unmatched)} из {fmt.num(x.mentees)}")
        + ".",
        _by_level(
            d,
            f"Кураторам наставничества в {fmt.names([x.name for x in rows])} подобрать наставников для "
            "наставляемых, оставшихся без пары, используя муниципальный банк наставников.",
            f"Муниципальным координаторам ({fmt.names([x.name for x in rows])}) организовать подбор наставников "
            "для наставляемых, оставшихся без пары, используя муниципальные банки наставников.",
        ),
        [x.name for x in rows],
    )


@rule(
    4,
    "Участники и охват",
    "Высокая нагрузка на наставников",
    "Перечисляются организации, где на одного наставника приходится больше {max_load} наставляемых.",
    Threshold("max_load", "наставляемых на одного наставника, не больше", 3, "чел.", 1, 50),
)
def _load(d: AnnualData, v, r: Rule):
    rows = [x for x in d.rows if x.mentor_load is not None and x.mentor_load > v["max_load"]]
    if not rows:
        return None
    return Finding(
        r,
        f"Нагрузка на наставника превышает {fmt.num(v['max_load'])} наставляемых: "
        + _org_list(rows, lambda x: f"{fmt.num(x.mentor_load)} ({fmt.num(x.mentees)} на {fmt.num(x.mentors)})")
        + ".",
        _by_level(
            d,
            f"Руководителям {fmt.names([x.name for x in rows])} расширить состав наставников "
            "(в том числе за счёт муниципального банка наставников) и перераспределить наставляемых.",
            f"Органам управления образованием муниципалитетов ({fmt.names([x.name for x in rows])}) расширить "
            "муниципальные банки наставников и перераспределить наставляемых.",
        ),
        [x.name for x in rows],
    )


@rule(
    5,
    "Участники и охват",
    "Пары без персонализированной программы",
    "Перечисляются организации, где персонализированные программы есть меньше чем у {min_share} % "
    "действующих пар и групп.",
    Threshold("min_share", "доля пар с программой, не ниже", 100, "%"),
)
def _programs(d: AnnualData, v, r: Rule):
    rows = [x for x in d.rows if x.pairs and (x.programs_share or 0) < v["min_share"]]
    if not rows:
        return None
    return Finding(
        r,
        "Не у всех действующих пар и групп есть персонализированная программа наставничества: "
        + _org_list(
            rows, lambda x: f"{fmt.num(min(x.programs, x.pairs))} из {fmt.num(x.pairs)} ({fmt.pct(x.programs_share)})"
        )
        + ".",
        _by_level(
            d,
            f"Кураторам в {fmt.names([x.name for x in rows])} в течение месяца разработать и утвердить "
            "персонализированные программы для всех действующих пар и групп.",
            f"Муниципальным координаторам ({fmt.names([x.name for x in rows])}) обеспечить в течение месяца "
            "разработку персонализированных программ для всех действующих пар и групп.",
        ),
        [x.name for x in rows],
    )


# Roadmap ------------------------------------------------------------------------------------------------
@rule(
    6,
    "Исполнение дорожной карты",
    "Мероприятие дорожной карты просрочено в значительной части организаций",
    "Называются мероприятия, просроченные более чем в {share} % организаций, у которых наступил их срок.",
    Threshold("share", "доля организаций с просрочкой, выше которой мероприятие называется", 33.3, "%"),
)
def _overdue_activity(d: AnnualData, v, r: Rule):
    rows = [a for a in d.activities if a.organizations and (a.behind_share or 0) > v["share"]]
    if not rows:
        return None
    where = "в муниципалитетах: " if d.place.regional else ""
    text = "; ".join(
        f"№ {a.number} «{_short(a.title)}» — в {fmt.num(a.behind_count)} из {fmt.num(a.organizations)} "
        f"({fmt.pct(a.behind_share)}): {where}{fmt.names(a.behind, 8)}"
        for a in rows
    )
    behind = sorted({n for a in rows for n in a.behind})
    numbers = ", ".join(a.number for a in rows)
    return Finding(
        r,
        f"Более чем в {fmt.pct(v['share'])} организаций просрочены мероприятия дорожной карты: {text}.",
        _by_level(
            d,
            "Муниципальному координатору запросить у руководителей названных организаций сведения о причинах "
            f"невыполнения мероприятий № {numbers} и установить новый срок исполнения.",
            "Муниципальным координаторам названных муниципалитетов запросить у руководителей организаций "
            f"сведения о причинах невыполнения мероприятий № {numbers}, установить новый срок исполнения и "
            "сообщить его в региональный центр наставничества.",
        ),
        behind,
    )


@rule(
    7,
    "Исполнение дорожной карты",
    "Низкое исполнение дорожной карты в срок",
    "Перечисляются организации, выполнившие в срок меньше {min_share} % мероприятий, срок которых наступил.",
    Threshold("min_share", "доля мероприятий, выполненных в срок, не ниже", 50, "%"),
)
def _roadmap(d: AnnualData, v, r: Rule):
    rows = [x for x in d.rows if x.roadmap_due and (x.roadmap_share or 0) < v["min_share"]]
    if not rows:
        return None
    t = d.totals
    return Finding(
        r,
        f"В целом по {'региону' if d.place.regional else 'муниципалитету'} в срок выполнено {fmt.pct(t.roadmap_share)} сроков мероприятий дорожных карт "
        f"({fmt.num(t.roadmap_on_time)} из {fmt.num(t.roadmap_due)}), просрочено {fmt.num(t.roadmap_overdue)}. "
        f"Ниже {fmt.pct(v['min_share'])}: "
        + _org_list(
            rows,
            lambda x: (
                f"{fmt.pct(x.roadmap_share)} ({fmt.num(x.roadmap_on_time)} из {fmt.num(x.roadmap_due)}, "
                f"просрочено {fmt.num(x.roadmap_overdue)})"
            ),
        )
        + ".",
        _by_level(
            d,
            f"Руководителям {fmt.names([x.name for x in rows])} обеспечить исполнение просроченных мероприятий "
            "дорожной карты и ежемесячно отчитываться муниципальному координатору до их завершения.",
            f"Органам управления образованием муниципалитетов ({fmt.names([x.name for x in rows])}) обеспечить "
            "исполнение просроченных мероприятий дорожных карт и ежемесячно информировать региональный центр "
            "наставничества до их завершения.",
        ),
        [x.name for x in rows],
    )


@rule(
    8,
    "Участники и охват",
    "Целевые показатели дорожной карты не достигнуты",
    "Называются показатели муниципальной дорожной карты на отчётный год, фактическое значение которых "
    "меньше планового более чем на {tolerance} %.",
    Threshold("tolerance", "допустимое отставание от плана", 0, "%"),
)
def _targets(d: AnnualData, v, r: Rule):
    rows = [
        i
        for i in d.indicator_rows
        if i["actual"] is not None and i["target"] and i["actual"] < i["target"] * (1 - v["tolerance"] / 100)
    ]
    if not rows:
        return None
    text = "; ".join(
        f"№ {i['number']} «{_short(i['activity'])}» ({i['year']} г.): план {fmt.num(i['target'])}, "
        f"факт {fmt.num(i['actual'])}"
        for i in rows
    )
    return Finding(
        r,
        f"Не достигнуты целевые показатели дорожной карты: {text}.",
        "Муниципальному координатору включить в план работы на следующий год меры по достижению показателей "
        "№ " + ", ".join(i["number"] for i in rows) + " и при необходимости скорректировать дорожную карту.",
    )


# Monitoring -------------------------------------------------------------------------------------------
@rule(
    9,
    "Мониторинг",
    "Отчётность сдаётся не в срок",
    "Правило срабатывает, если доля отчётов, сданных в срок, ниже {min_share} %; перечисляются организации, "
    "сдавшие не все отчёты в срок.",
    Threshold("min_share", "доля отчётов, сданных в срок, не ниже", 90, "%"),
)
def _reporting(d: AnnualData, v, r: Rule):
    t = d.totals
    if t.on_time_rate is None or t.on_time_rate >= v["min_share"]:
        return None
    rows = [x for x in d.rows if x.reports_expected and x.reports_on_time < x.reports_expected]
    return Finding(
        r,
        f"В срок сдано {fmt.pct(t.on_time_rate)} отчётов ({fmt.num(t.reports_on_time)} из "
        f"{fmt.num(t.reports_expected)}), всего сдано {fmt.pct(t.reporting_rate)}. Не все отчёты сданы в срок: "
        + _org_list(
            rows,
            lambda x: (
                f"сдано {fmt.num(x.reports_submitted)} из {fmt.num(x.reports_expected)}, "
                f"в срок {fmt.num(x.reports_on_time)}"
            ),
        )
        + ".",
        _by_level(
            d,
            f"Кураторам наставничества в {fmt.names([x.name for x in rows])} соблюдать сроки мониторинга; "
            "методисту направлять напоминания за пять рабочих дней до срока сдачи.",
            f"Муниципальным координаторам ({fmt.names([x.name for x in rows])}) обеспечить сдачу отчётов "
            "организаций в срок и направлять напоминания за пять рабочих дней до срока сдачи.",
        ),
        [x.name for x in rows],
    )


# Questionnaires ---------------------------------------------------------------------------------------
@rule(
    10,
    "Анкетирование",
    "Рост участников по направлениям оценки",
    "Называются направления, по которым итоговая самооценка выше входной не меньше чем на {min_growth} балла.",
    Threshold("min_growth", "заметный прирост, баллов шкалы 1–10", 0.5, "балла", 0, 9),
)
def _growth(d: AnnualData, v, r: Rule):
    rows = [x for x in d.dynamics if x.delta is not None and x.delta >= v["min_growth"]]
    if not rows:
        return None
    return Finding(
        r,
        "По итогам входной и итоговой оценки отмечен рост участников: "
        + "; ".join(
            f"{x.dimension} — с {fmt.score(x.entry)} до {fmt.score(x.final)} ({fmt.signed(x.delta)})" for x in rows
        )
        + ".",
        _by_level(
            d,
            "Методисту обобщить опыт организаций с наибольшим приростом и включить его в программу "
            "муниципального семинара наставников.",
            "Региональному центру наставничества обобщить опыт муниципалитетов с наибольшим приростом и включить "
            "его в программу регионального семинара наставников.",
        ),
        positive=True,
    )


_DIRECTIONS = ("направлению", "направлениям", "направлениям")  # «по направлению «…»», «по направлениям «…», «…»»


@rule(
    11,
    "Анкетирование",
    "Направления оценки без роста",
    "Называются направления, по которым прирост итоговой самооценки над входной меньше {min_growth} балла "
    "(включая снижение).",
    Threshold("min_growth", "заметный прирост, баллов шкалы 1–10", 0.5, "балла", 0, 9),
)
def _no_growth(d: AnnualData, v, r: Rule):
    rows = [x for x in d.dynamics if x.delta is not None and x.delta < v["min_growth"]]
    if not rows:
        return None
    return Finding(
        r,
        f"Прирост меньше {fmt.num(v['min_growth'])} балла по {plural(len(rows), *_DIRECTIONS)}: "
        + "; ".join(
            f"{x.dimension} — с {fmt.score(x.entry)} до {fmt.score(x.final)} ({fmt.signed(x.delta)})" for x in rows
        )
        + ".",
        f"Наставникам пересмотреть задачи персонализированных программ по {plural(len(rows), *_DIRECTIONS)} «"
        + "», «".join(x.dimension for x in rows)
        + _by_level(
            d,
            "»; методисту провести консультацию по их содержанию.",
            "»; региональному центру наставничества провести консультацию для методистов муниципалитетов.",
        ),
    )


@rule(
    12,
    "Анкетирование",
    "Низкая оценка качества программ участниками",
    "Перечисляются организации, где средний балл анкет качества реализации программ ниже {min_quality} из 10.",
    Threshold("min_quality", "средний балл качества, не ниже", 7, "баллов", 1, 10),
)
def _quality(d: AnnualData, v, r: Rule):
    rows = [x for x in d.rows if x.quality is not None and x.quality < v["min_quality"]]
    if not rows:
        return None
    return Finding(
        r,
        f"Участники оценили качество реализации программ ниже {fmt.num(v['min_quality'])} баллов: "
        + _org_list(rows, lambda x: fmt.points(x.quality))
        + ".",
        _by_level(
            d,
            f"Кураторам в {fmt.names([x.name for x in rows])} обсудить результаты анкетирования с наставниками "
            "и скорректировать формы работы пар.",
            f"Муниципальным координаторам ({fmt.names([x.name for x in rows])}) обсудить результаты анкетирования "
            "с кураторами организаций и скорректировать формы работы пар.",
        ),
        [x.name for x in rows],
    )


# Effectiveness and practices ----------------------------------------------------------------------------
@rule(
    13,
    "Эффективность",
    "Организации с низкой эффективностью",
    "Перечисляются организации, чей итоговый балл эффективности ниже {min_score} из 100.",
    Threshold("min_score", "итоговый балл эффективности, не ниже", 50, "баллов"),
)
def _low_score(d: AnnualData, v, r: Rule):
    rows = [x for x in d.ranking if x.score < v["min_score"]]
    if not rows:
        return None
    return Finding(
        r,
        f"Итоговый балл эффективности ниже {fmt.num(v['min_score'])}: "
        + "; ".join(f"{x.name} — {fmt.score(x.score)} (место {x.place})" for x in rows)
        + ".",
        _by_level(
            d,
            f"Методисту организовать адресное методическое сопровождение {fmt.names([x.name for x in rows])}.",
            "Региональному центру наставничества организовать адресное методическое сопровождение "
            f"муниципалитетов: {fmt.names([x.name for x in rows])}.",
        ),
        [x.name for x in rows],
    )


@rule(
    14,
    "Эффективность",
    "Лидеры рейтинга эффективности",
    "Называются до {top} организаций с наибольшим баллом, если он не ниже {min_score} из 100.",
    Threshold("top", "сколько лидеров называть", 3, "", 1, 20),
    Threshold("min_score", "балл лидера, не ниже", 70, "баллов"),
)
def _leaders(d: AnnualData, v, r: Rule):
    rows = [x for x in d.ranking if x.score >= v["min_score"]][: int(v["top"])]
    if not rows:
        return None
    return Finding(
        r,
        "Наибольшую эффективность показали: " + "; ".join(f"{x.name} — {fmt.score(x.score)}" for x in rows) + ".",
        f"Рекомендовать {fmt.names([x.name for x in rows])} представить опыт на "
        f"{'региональном' if d.place.regional else 'муниципальном'} семинаре и внести свои практики в реестр "
        "успешных практик наставничества.",
        [x.name for x in rows],
        positive=True,
    )


@rule(
    15,
    "Лучшие практики",
    "Мало организаций с практиками в реестре",
    "Правило срабатывает, если практики в реестре успешных практик есть меньше чем у {min_share} % организаций.",
    Threshold("min_share", "доля организаций с практикой в реестре, не ниже", 30, "%"),
)
def _practices(d: AnnualData, v, r: Rule):
    if not d.organizations:
        return None
    with_practice = [x for x in d.organizations if x.practices]
    share = 100 * len(with_practice) / len(d.organizations)
    if share >= v["min_share"]:
        return None
    without = [x.name for x in d.organizations if not x.practices and x.pairs]
    return Finding(
        r,
        f"Практики в реестре успешных практик наставничества есть у {fmt.num(len(with_practice))} из "
        f"{fmt.num(len(d.organizations))} организаций ({fmt.pct(share)})"
        + (f"; из организаций с действующими парами их нет у {fmt.names(without, 10)}." if without else "."),
        f"Провести {'региональный' if d.place.regional else 'муниципальный'} конкурс «Я и мой наставник» и "
        "рекомендовать организациям с действующими парами представить практики в реестр.",
        without,
    )


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# Running the rules ---------------------------------------------------------------------------------------
def evaluate(data: AnnualData, overrides: dict | None = None) -> list[Finding]:
    findings = []
    for r in RULES:
        finding = r.check(data, r.values(overrides), r)
        if finding is not None:
            findings.append(finding)
    return findings


def known_keys() -> dict[str, Threshold]:
    return {f"{r.number}.{t.key}": t for r in RULES for t in r.thresholds}


def validate_thresholds(value) -> list[str]:
    """Russian messages for the admin: unknown keys, non-numbers, values out of range."""
    if value in (None, ""):
        return []
    if not isinstance(value, dict):
        return ['Укажите пороги как объект: {"1.target": 90}.']
    known = known_keys()
    errors = []
    for key, raw in value.items():
        t = known.get(key)
        if t is None:
            errors.append(f"«{key}» — нет такого порога. Возможные: {', '.join(sorted(known))}.")
            continue
        try:
            number = float(raw)
        except (TypeError, ValueError):
            errors.append(f"«{key}»: нужно число, а указано «{raw}».")
            continue
        if not t.minimum <= number <= t.maximum:
            errors.append(f"«{key}» ({t.label}): число от {fmt.num(t.minimum)} до {fmt.num(t.maximum)}.")
    return errors


def rules_table(overrides: dict | None = None) -> list[list[str]]:
    """The appendix: number, what the rule checks with the thresholds in force."""
    rows = []
    for r in RULES:
        rows.append([str(r.number), r.title, r.describe(overrides)])
    return rows
