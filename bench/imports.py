"""The .xlsx import of 10,000 mentors four ways, in one run, each rolled back afterwards.

- ours: the background import path (`mentorship.exchange.run_import_job` with `MentorResource`):
  Russian headers, names of organizations and reference lists, row validation, history, lists;
- stock: a django-import-export `ModelResource` with default options (row by row, with the diff),
  given the same people with the model's own headers and ids, which is what it understands;
- tuned: the same resource in the library's documented bulk mode (`use_bulk`, `batch_size`,
  `skip_diff`, `force_init_instance`, the cached instance loader, no per-row result objects kept);
- floor: python-calamine reading the rows and PostgreSQL COPY of the people, their list links and
  their history rows (`accounts.copy`), with only the dictionary lookups the rows need.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import statistics
import time
from operator import itemgetter

from django.core.files.base import ContentFile
from django.db import transaction
from import_export import resources
from import_export.instance_loaders import CachedInstanceLoader
from openpyxl import Workbook

from mentorship.models import Competency, Person, QualificationCategory, Subject, normalize_name
from mentorship.resources import MentorResource


class _Rollback(Exception):
    pass


class StockMentorResource(resources.ModelResource):
    """What a project gets from the library's documentation: no options at all."""

    class Meta:
        model = Person
        fields = (
            "id",
            "organization",
            "last_name",
            "first_name",
            "middle_name",
            "kind",
            "position",
            "subjects",
            "experience_years",
            "qualification_category",
            "email",
            "phone",
            "is_mentor",
            "competencies",
            "awards",
            "training",
            "training_completed_on",
            "capacity",
        )


class TunedMentorResource(StockMentorResource):
    """The library's «Bulk imports» advice applied: what a careful project would get from it."""

    class Meta(StockMentorResource.Meta):
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        force_init_instance = True  # every row is new
        instance_loader_class = CachedInstanceLoader
        skip_unchanged = False
        report_skipped = False

    def before_save_instance(self, instance, row, **kwargs):
        # bulk mode skips Person.save(), which keeps the name key the uniqueness check needs
        instance.refresh_name_key()


# our template's columns, as MentorResource reads them
OUR_HEADERS = MentorResource.import_template().headers
STOCK_HEADERS = [
    "id",
    "organization",
    "last_name",
    "first_name",
    "middle_name",
    "kind",
    "position",
    "subjects",
    "experience_years",
    "qualification_category",
    "email",
    "phone",
    "is_mentor",
    "competencies",
    "awards",
    "training",
    "training_completed_on",
    "capacity",
]


def build_files(organizations: list, rows: int, seed: int = 8) -> tuple[bytes, bytes, int]:
    """Two workbooks with the same `rows` new mentors: our template's columns and the stock ones."""
    from bench.scale import _Names

    rng = random.Random(seed)
    names = _Names(rng)
    taken: dict[int, set[str]] = {}
    for org_id, key in Person.objects.filter(organization__in=organizations).values_list("organization_id", "name_key"):
        taken.setdefault(org_id, set()).add(key)
    subjects = list(Subject.objects.filter(is_active=True).values_list("pk", "name"))
    competencies = list(Competency.objects.filter(is_active=True).values_list("pk", "name"))
    categories = dict(QualificationCategory.choices)
    # normal (not write-only) workbooks: like Excel's own files they carry shared strings and the
    # sheet's dimension, without which a read-only reader parses the whole sheet twice
    ours, stock = Workbook(), Workbook()
    ws_ours, ws_stock = ours.active, stock.active
    ws_ours.title = "Данные"
    ws_ours.append(OUR_HEADERS)
    ws_stock.append(STOCK_HEADERS)
    for i in range(rows):
        org = organizations[i % len(organizations)]
        last, first, middle = names.person(taken.setdefault(org.pk, set()))
        subj = rng.sample(subjects, k=2)
        comp = rng.sample(competencies, k=2)
        category = rng.choice(list(categories))
        trained = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 600))
        experience = rng.randint(5, 35)
        email, phone = (
            f"import{i}@example.ru",
            f"+7 913 {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
        )
        ours_row = {
            "Организация": org.short_name,
            "Фамилия": last,
            "Имя": first,
            "Отчество": middle,
            "Кто": "Педагог",
            "Должность": "Учитель математики",
            "Предметы": "; ".join(n for _, n in subj),
            "Стаж, лет": experience,
            "Квалификационная категория": categories[category],
            "E-mail": email,
            "Телефон": phone,
            "Компетенции": "; ".join(n for _, n in comp),
            "Награды, победы в конкурсах": "Грамота управления образования",
            "Обучение наставников": "КПК «Наставничество в образовании», 36 ч",
            "Дата обучения": trained.strftime("%d.%m.%Y"),
            "Наставляемых не более": 3,
        }
        ws_ours.append([ours_row[h] for h in OUR_HEADERS])
        ws_stock.append(
            [
                "",
                org.pk,
                last,
                first,
                middle,
                "educator",
                "Учитель математики",
                ",".join(str(pk) for pk, _ in subj),
                experience,
                category,
                email,
                phone,
                1,
                ",".join(str(pk) for pk, _ in comp),
                "Грамота управления образования",
                "КПК «Наставничество в образовании», 36 ч",
                trained,
                3,
            ]
        )
    out_ours, out_stock = io.BytesIO(), io.BytesIO()
    ours.save(out_ours)
    stock.save(out_stock)
    return out_ours.getvalue(), out_stock.getvalue(), rows


def _timed_rollback(func) -> tuple[float, object]:
    """Run `func` in a transaction that is rolled back: every importer starts from the same database.
    Returns (wall seconds, result); the CPU seconds (this process + its PostgreSQL backend) are put
    in the result as `cpu_seconds`."""
    from bench.pages import backend_pid, process_cpu_ns

    result: dict = {}
    backend = backend_pid()
    db_before, cpu_before = process_cpu_ns(backend), time.process_time()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = func()
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu_before + (process_cpu_ns(backend) - db_before) / 1e9
            raise _Rollback
    except _Rollback:
        pass
    result["cpu_seconds"] = round(cpu, 2)
    return seconds, result


def run_ours(content: bytes, user) -> tuple[float, dict]:
    from mentorship.exchange import run_import_job
    from mentorship.models import ImportJob, ImportKind, ImportStatus

    def go():
        job = ImportJob(kind=ImportKind.MENTORS, user=user)
        job.file.save("bench-mentors.xlsx", ContentFile(content), save=False)
        job.save()
        job = run_import_job(job)
        if job.status != ImportStatus.DONE:
            raise RuntimeError(f"наш импорт не прошёл: {job.message} {job.errors[:3]}")
        return {"created": job.created_count, "updated": job.updated_count}

    return _timed_rollback(go)


def run_stock(content: bytes, resource_class=StockMentorResource) -> tuple[float, dict]:
    import tablib

    def go():
        dataset = tablib.Dataset().load(content, format="xlsx")
        result = resource_class().import_data(dataset, dry_run=False, raise_errors=True)
        return {"created": result.totals["new"], "updated": result.totals["update"]}

    return _timed_rollback(go)


def run_tuned(content: bytes) -> tuple[float, dict]:
    return run_stock(content, TunedMentorResource)


def run_floor(content: bytes, organizations: list, user) -> tuple[float, dict]:
    from python_calamine import CalamineWorkbook

    from accounts.copy import copy_insert_with_history, copy_links

    by_name = {o.short_name: o.pk for o in organizations}
    subjects = {name: pk for pk, name in Subject.objects.values_list("pk", "name")}
    competencies = {name: pk for pk, name in Competency.objects.values_list("pk", "name")}
    categories = {label: value for value, label in QualificationCategory.choices}

    def go():
        rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        people, links = [], []
        # the template's columns in its order, wherever the file has them
        pick = itemgetter(*(rows[0].index(header) for header in OUR_HEADERS))
        for row in rows[1:]:
            (
                org,
                last,
                first,
                middle,
                _kind,
                position,
                subj,
                exp,
                cat,
                email,
                phone,
                comp,
                awards,
                training,
                date,
                cap,
            ) = pick(row)
            person = Person(
                organization_id=by_name[org],
                last_name=last,
                first_name=first,
                middle_name=middle or "",
                name_key=normalize_name(last, first, middle),
                position=position or "",
                experience_years=int(exp),
                qualification_category=categories.get(cat, ""),
                email=email or "",
                phone=phone or "",
                awards=awards or "",
                training=training or "",
                capacity=int(cap or 3),
                is_mentor=True,
                training_completed_on=dt.datetime.strptime(date, "%d.%m.%Y").date() if date else None,
            )
            people.append(person)
            links.append(
                (
                    [subjects[s.strip()] for s in (subj or "").split(";") if s.strip()],
                    [competencies[c.strip()] for c in (comp or "").split(";") if c.strip()],
                )
            )
        copy_insert_with_history(Person, people, user=user, change_reason="bench")
        copy_links(
            Person.subjects.through,
            "person_id",
            "subject_id",
            [(p.pk, s) for p, (ss, _) in zip(people, links, strict=True) for s in ss],
        )
        copy_links(
            Person.competencies.through,
            "person_id",
            "competency_id",
            [(p.pk, c) for p, (_, cs) in zip(people, links, strict=True) for c in cs],
        )
        return {"created": len(people)}

    return _timed_rollback(go)


def measure(subjects, *, rows: int = 10000, repeat: int = 3, log=print) -> dict:
    """Each path `repeat` times, in rounds (ours, tuned, floor, then again), so that a change of the
    machine's load falls on every path alike; the figures are the medians. The stock path runs once:
    at 70+ s it is not one of the goals' figures."""
    user = subjects.users["coordinator"]
    organizations = list(subjects.municipality.organizations.order_by("pk"))
    ours_bytes, stock_bytes, rows = build_files(organizations, rows)
    log(f"  файл: {rows} наставников, {len(organizations)} организаций, {len(ours_bytes) // 1024} КБ")
    out: dict = {"rows": rows, "organizations": len(organizations), "repeat": repeat}
    paths = {
        "ours": lambda: run_ours(ours_bytes, user),
        "stock": lambda: run_stock(stock_bytes),
        "tuned": lambda: run_tuned(stock_bytes),
        "floor": lambda: run_floor(ours_bytes, organizations, user),
    }
    runs: dict[str, list[tuple[float, dict]]] = {name: [] for name in paths}
    for round_ in range(max(1, repeat)):
        for name, func in paths.items():
            if name == "stock" and round_:
                continue
            seconds, detail = func()
            if detail.get("created") != rows:
                raise RuntimeError(f"{name}: создано {detail.get('created')} из {rows}")
            runs[name].append((seconds, detail))
            log(f"  {name:<6} {seconds:7.2f} с  {rows / seconds:8.0f} строк/с, ЦП {detail['cpu_seconds']} с")
    for name, samples in runs.items():
        seconds = statistics.median(s for s, _ in samples)
        cpu = [d["cpu_seconds"] for _, d in samples]
        out[name] = {
            **samples[0][1],
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
            "cpu_seconds": round(statistics.median(cpu), 2),
            "cpu_samples": cpu,
        }
    # ratios of CPU time (process + PostgreSQL backend): the machine is shared, wall time is not ours alone
    ours = out["ours"]["cpu_seconds"]
    out["ours_vs_stock"] = round(out["stock"]["cpu_seconds"] / ours, 1)
    out["ours_vs_tuned"] = round(out["tuned"]["cpu_seconds"] / ours, 2)
    out["ours_vs_floor"] = round(out["floor"]["cpu_seconds"] / ours, 2)
    return out
