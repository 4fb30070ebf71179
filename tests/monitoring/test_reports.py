"""Annual report: built through the task, read back with openpyxl and checked against the DB."""

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from jobs.models import Job, JobState
from mentorship.models import Person
from monitoring import services
from monitoring.models import AnnualReportBuild, Assignment, BuildStatus, CampaignKind
from monitoring.reports.annual import SHEETS
from tests.clock import MID_YEAR
from tests.monitoring import factories as f

pytestmark = pytest.mark.usefixtures("mid_year_clock")  # tests/clock.py: "this year, deadline ahead" on any real day
YEAR = MID_YEAR.year


@pytest.fixture
def data(world):
    f.pair(world.home.school, young=True)
    f.pair(world.home.school, young=False)
    f.pair(world.home.other_school, young=True, program=False)
    f.person(world.home.other_school, mentee=True, young=True)
    f.pair(world.foreign.school)
    c = f.campaign(world.home)
    a = Assignment.objects.get(campaign=c, organization=world.home.school)
    services.assignment_submit(user=world.home.curator, assignment=a)
    services.assignment_accept(user=world.home.methodologist, assignment=a)
    services.criteria_ensure_defaults(municipality=world.home.municipality)
    return world


def _build(user, municipality):
    build = services.build_request(user=user, municipality=municipality, year=YEAR)
    build.refresh_from_db()
    return build


def test_build_xlsx_figures_match_database(data, django_capture_on_commit_callbacks):
    w = data
    with django_capture_on_commit_callbacks(execute=True):
        build = services.build_request(user=w.home.methodologist, municipality=w.home.municipality, year=YEAR)
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE and build.progress == 100
    assert build.author == w.home.methodologist and build.started_at and build.finished_at
    wb = load_workbook(io.BytesIO(build.xlsx.read()))
    # the sheets that have something to show, in the report's order
    assert wb.sheetnames == [name for name in SHEETS if name in wb.sheetnames]
    assert {"Сводка", "По организациям", "Мониторинг", "Эффективность", "Выводы", "Правила", "Диаграммы"} <= set(
        wb.sheetnames
    )
    summary = {row[0]: row[1] for row in wb["Сводка"].iter_rows(min_row=5, values_only=True) if row[0]}
    people = Person.objects.filter(organization__municipality=w.home.municipality, is_active=True)
    assert summary["Наставников"] == people.filter(is_mentor=True).count() == 3
    assert summary["Наставляемых"] == people.filter(is_mentee=True).count() == 4
    assert summary["Действующих пар и групп"] == 3
    assert summary["Персонализированных программ"] == 2
    assert summary["Молодых специалистов в парах"] == 2 and summary["Молодых специалистов"] == 3
    assert summary["Охват молодых специалистов, %"] == 66.7
    # the campaign's deadline is ahead: the report already in is counted, the other school's is
    # neither missing nor late yet (test_a_report_not_yet_due_is_not_missing)
    assert summary["Ожидалось отчётов ОО"] == 1 and summary["Сдано отчётов"] == 1
    per_org = {r[0]: r for r in wb["По организациям"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert set(per_org) == {w.home.school.short_name, w.home.other_school.short_name, "Итого"}
    heads = [c.value for c in wb["По организациям"][1]]
    school = dict(zip(heads, per_org[w.home.school.short_name], strict=True))
    assert (school["Наставников"], school["Наставляемых"], school["Пар и групп"], school["Программ"]) == (2, 2, 2, 2)
    assert dict(zip(heads, per_org["Итого"], strict=True))["Пар и групп"] == 3
    # native charts survive the round trip, on their own sheet
    assert len(wb["Диаграммы"]._charts) >= 4
    ranking = [r for r in wb["Эффективность"].iter_rows(min_row=2, values_only=True)]
    assert [r[1] for r in ranking][:1] == [w.home.school.short_name]

    doc = Document(io.BytesIO(build.docx.read()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"за {YEAR} год" in text and "Участники и охват" in text and "Выводы" in text
    assert "охвачено 2 из 3 молодых специалистов" in text  # genitive plural after «из 3»
    assert len(doc.tables) >= 4
    participants = next(t for t in doc.tables if t.rows[0].cells[0].text == "Организация" and len(t.columns) == 10)
    totals = participants.rows[-1].cells
    assert totals[0].text == "Итого" and totals[1].text == "3" and totals[8].text == "66,7\u202f%"


def test_build_failure_is_recorded(world, monkeypatch, django_capture_on_commit_callbacks):
    def boom(**kwargs):
        raise RuntimeError("нет данных")

    monkeypatch.setattr("monitoring.reports.annual.build_report", boom)
    # the failure is recorded on the build and on its job; the request itself never raises
    with django_capture_on_commit_callbacks(execute=True):
        services.build_request(user=world.home.methodologist, municipality=world.home.municipality, year=YEAR)
    build = AnnualReportBuild.objects.get()
    assert build.status == BuildStatus.FAILED and build.error == "нет данных"
    job = Job.objects.get(key=services.build_job_key(build.pk))
    assert job.state == JobState.FAILED and job.error == "нет данных" and job.attempts == 1


def test_command_writes_both_files(data, tmp_path):
    out = tmp_path / "out"
    call_command(
        "build_annual_report", "--municipality", data.home.municipality.name, "--year", str(YEAR), "--out", str(out)
    )
    names = sorted(p.suffix for p in out.iterdir())
    assert names == [".docx", ".xlsx"]
    xlsx = next(out.glob("*.xlsx"))
    assert load_workbook(xlsx)["Сводка"]["A1"].value.startswith("Аналитический отчёт")
    assert AnnualReportBuild.objects.get().parameters["source"] == "cli"


def test_progress_and_download_are_scoped(data, client_for, django_capture_on_commit_callbacks):
    w = data
    with django_capture_on_commit_callbacks(execute=True):
        build = services.build_request(user=w.home.methodologist, municipality=w.home.municipality, year=YEAR)
    progress = reverse("monitoring:build_progress", args=[build.pk])
    download = reverse("monitoring:build_download", args=[build.pk, "xlsx"])
    for user in (w.home.methodologist, w.home.coordinator, w.admin):
        client = client_for(user)
        body = client.get(progress).json()
        assert body["status"] == "done" and body["progress"] == 100 and body["downloads"]["xlsx"] == download
        response = client.get(download)
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Сводка"]["A1"].value
    for user in (w.foreign.methodologist, w.foreign.coordinator, w.home.curator, w.home.head):
        client = client_for(user)
        assert client.get(progress).status_code == 404
        assert client.get(download).status_code == 404
        assert client.get(reverse("monitoring:build_detail", args=[build.pk])).status_code == 404


def test_report_page_starts_build_and_redirects(data, client_for, django_capture_on_commit_callbacks):
    client = client_for(data.home.methodologist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:report_list"), {"municipality": data.home.municipality.pk, "year": YEAR}
        )
    build = AnnualReportBuild.objects.get()
    assert response.status_code == 302 and response.url == reverse("monitoring:build_detail", args=[build.pk])
    page = client.get(response.url).content.decode()
    assert "data-progress-url" in page and "Скачать .xlsx" in page
    # a foreign municipality cannot be chosen
    response = client.post(
        reverse("monitoring:report_list"), {"municipality": data.foreign.municipality.pk, "year": YEAR}
    )
    assert response.status_code == 200 and AnnualReportBuild.objects.count() == 1
    assert client_for(data.home.curator).get(reverse("monitoring:report_list")).status_code == 403


def test_regional_export_one_row_per_organization(data, client_for):
    response = client_for(data.home.methodologist).get(reverse("monitoring:regional_export") + f"?year={YEAR}")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in rows} == {data.home.school.short_name, data.home.other_school.short_name}
    school = next(r for r in rows if r[2] == data.home.school.short_name)
    heads = [c.value for c in ws[1]]
    school = dict(zip(heads, school, strict=True))
    assert [school[h] for h in ("Наставников", "Наставляемых", "Наставляемых в парах", "Пар и групп", "Программ")] == [
        2
    ] * 5
    assert client_for(data.home.curator).get(reverse("monitoring:regional_export")).status_code == 403


def test_growth_dynamics_entry_vs_final(world):
    from monitoring.reports.data import collect

    f.pair(world.home.school)
    entry = f.campaign(world.home, kind=CampaignKind.ENTRY, year=YEAR)
    final = f.campaign(world.home, kind=CampaignKind.FINAL, year=YEAR)
    for campaign, score in ((entry, 4), (final, 8)):
        for response in Assignment.objects.get(campaign=campaign, organization=world.home.school).responses.all():
            data = {
                q.pk: (score if q.kind == "scale" else ("Раз в неделю" if q.kind == "single" else None))
                for q in response.questionnaire.questions.all()
            }
            services.response_fill(user=world.home.curator, response=response, data=data)
    rows = collect(world.home.municipality, YEAR, academic=True).dynamics
    assert rows and all(r.entry == 4 and r.final == 8 and r.delta == 4 for r in rows)


def test_user_text_never_becomes_a_formula(world, client_for):
    world.home.school.short_name = '=HYPERLINK("http://evil")'
    world.home.school.save()
    response = client_for(world.home.methodologist).get(reverse("monitoring:regional_export") + f"?year={YEAR}")
    ws = load_workbook(io.BytesIO(response.content)).active
    names = [r[2] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in names


def test_command_academic_year(data, tmp_path):
    out = tmp_path / "out"
    name = data.home.municipality.name
    call_command(
        "build_annual_report", "--municipality", name, "--academic-year", f"{YEAR - 1}/{YEAR}", "--out", str(out)
    )
    build = AnnualReportBuild.objects.get()
    assert build.year == YEAR and build.parameters["academic"] is True
    doc = Document(next(out.glob("*.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"за {YEAR - 1}/{YEAR} учебный год" in text
    assert f"с 1 сентября {YEAR - 1} г. по 31 августа {YEAR} г." in text
    with pytest.raises(CommandError, match="укажите как 2025/2026"):
        call_command("build_annual_report", "--municipality", name, "--academic-year", "2025", "--out", str(out))


def test_report_page_shows_conclusions_before_download(data, client_for, django_capture_on_commit_callbacks):
    w = data
    client = client_for(w.home.methodologist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("monitoring:report_list"),
            {"municipality": w.home.municipality.pk, "year": YEAR, "period": "academic"},
        )
    build = AnnualReportBuild.objects.get()
    assert build.parameters["academic"] is True and build.status == BuildStatus.DONE
    page = client.get(reverse("monitoring:build_detail", args=[build.pk])).content.decode()
    assert f"{YEAR - 1}/{YEAR} учебный год" in page
    # the rule numbers and the organizations named in the Word file are on the page too
    for finding in build.preview["findings"]:
        assert f"Правило № {finding['rule']}" in page
    assert w.home.other_school.short_name in page  # its pair works without a program: rule 5
    assert 'id="chart-data"' in page and "Сбор данных" in page
    assert w.foreign.school.short_name not in page


def test_regional_export_has_the_report_figures(data, client_for):
    """The region sums municipalities: each organization's row holds exactly the report's figures."""
    from monitoring.reports.annual import build_report
    from monitoring.reports.data import ORG_COLUMNS

    files = build_report(municipality=data.home.municipality, year=YEAR)
    report = load_workbook(io.BytesIO(files.xlsx))["По организациям"]
    report_heads = [c.value for c in report[1]]
    by_org = {r[0]: dict(zip(report_heads, r, strict=True)) for r in report.iter_rows(min_row=2, values_only=True)}
    response = client_for(data.home.methodologist).get(reverse("monitoring:regional_export") + f"?year={YEAR}")
    ws = load_workbook(io.BytesIO(response.content)).active
    heads = [c.value for c in ws[1]]
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 2 and ws.print_title_rows
    rows = [dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 2
    for row in rows:
        expected = by_org[row["Организация"]]
        assert [row[h] for h, _a, _k in ORG_COLUMNS] == [expected[h] for h, _a, _k in ORG_COLUMNS]
    # and the sum of the rows is the report's total line
    for header in ("Наставников", "Пар и групп", "Молодых специалистов", "Отчётов сдано"):
        assert sum(r[header] for r in rows) == by_org["Итого"][header]


def test_a_second_request_while_the_report_is_waiting_returns_the_same_build(world):
    """A double click or a second tab: the build still waiting or running is the answer, not a twin."""
    municipality, user = world.home.municipality, world.home.methodologist
    waiting = AnnualReportBuild.objects.create(
        municipality=municipality, year=YEAR, author=user, status=BuildStatus.QUEUED, parameters={"academic": False}
    )
    assert services.build_request(user=user, municipality=municipality, year=YEAR) == waiting
    assert AnnualReportBuild.objects.filter(municipality=municipality).count() == 1
    # another period is another report; a finished build does not stop a new one
    academic = services.build_request(user=user, municipality=municipality, year=YEAR, academic=True)
    assert academic != waiting
    AnnualReportBuild.objects.filter(pk=waiting.pk).update(status=BuildStatus.DONE)
    fresh = services.build_request(user=user, municipality=municipality, year=YEAR)
    assert fresh.pk not in {waiting.pk, academic.pk}


def test_a_report_not_yet_due_is_not_missing(data):
    """A report compiled before a campaign's deadline counts the reports already in (on time) and
    does not call the others missing or late; after the deadline every assignment is expected, and
    the rule «Отчётность сдаётся не в срок» names the school that has not reported."""
    import datetime as dt

    from monitoring.models import Campaign
    from monitoring.reports.data import collect
    from monitoring.reports.rules import evaluate

    w = data
    campaign = Campaign.objects.get(municipality=w.home.municipality)
    before = collect(w.home.municipality, YEAR, today=campaign.deadline - dt.timedelta(days=1))
    assert (before.totals.reports_expected, before.totals.reports_submitted, before.totals.reports_on_time) == (1, 1, 1)
    assert [(c.expected, c.submitted, c.pending) for c in before.campaigns] == [(1, 1, True)]
    assert 9 not in {f.rule.number for f in evaluate(before, {})}

    after = collect(w.home.municipality, YEAR, today=campaign.deadline + dt.timedelta(days=1))
    assert (after.totals.reports_expected, after.totals.reports_submitted, after.totals.reports_on_time) == (2, 1, 1)
    assert [(c.expected, c.pending) for c in after.campaigns] == [(2, False)]
    late = {f.rule.number: f for f in evaluate(after, {})}
    assert 9 in late and w.home.other_school.short_name in late[9].conclusion


def test_docx_reads_as_an_official_document(data):
    """What a print review found: the acts of the normative basis in the case «в соответствии с»
    governs, one list; the signature never split from its row or from the text above it; «№ 3» and
    initials never broken at a line's end; counted nouns agree; one typeface in the workbook."""
    from docx.oxml.ns import qn

    from monitoring.reports.annual import build_report

    w = data
    files = build_report(municipality=w.home.municipality, year=YEAR)
    doc = Document(io.BytesIO(files.docx))
    paragraphs = [p.text for p in doc.paragraphs]
    acts = [t for t in paragraphs if re.match(r"\d\) ", t)]
    assert acts[0].startswith("1) распоряжением Министерства просвещения") and acts[1].startswith("2) письмом")
    basis = acts[: acts.index(next(a for a in acts if a.endswith("."))) + 1]
    assert all(a.endswith(";") for a in basis[:-1]) and basis[-1].endswith(".")
    assert "Муниципальная дорожная карта на отчётный период в системе не зарегистрирована." in paragraphs
    assert any("Ожидалось 1 отчёт образовательных организаций" in t for t in paragraphs)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert not [t for t in paragraphs + cells if "№ " in t], "«№» keeps its number by a no-break space"

    signature = doc.tables[-2]  # the last one is the appendix's rules
    assert "Руководитель органа управления образованием" in signature.rows[0].cells[0].text
    assert signature.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    body = list(doc.element.body.iterchildren())
    before = [doc.paragraphs[i] for i, p in enumerate(doc.paragraphs) if p._p in body[: body.index(signature._tbl)]]
    assert all(p.paragraph_format.keep_with_next for p in before[-3:])
    assert before[-3].text.startswith("Выводы и рекомендации сформированы по правилам")

    wb = load_workbook(io.BytesIO(files.xlsx))
    fonts = {c.font.name for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {"Times New Roman"}


def test_normative_basis_cites_the_edition_in_force_not_the_one_it_replaced(world):
    """A roadmap replaced by a newer edition is archived (roadmaps.services): the report cites only
    the edition in force for the period."""
    from monitoring.reports.data import collect
    from roadmaps.models import RoadmapStatus
    from tests.roadmaps.factories import RoadmapFactory

    municipality = world.home.municipality
    year = municipality.today().year
    period = {"period_start": dt.date(year, 1, 1), "period_end": dt.date(year + 1, 12, 31)}
    RoadmapFactory(
        municipality=municipality, title="Дорожная карта, редакция 1", status=RoadmapStatus.ARCHIVED, **period
    )
    RoadmapFactory(municipality=municipality, title="Дорожная карта, редакция 2", order_number="15 а", **period)

    cited = [r["title"] for r in collect(municipality, year).roadmaps]

    assert cited == ["Дорожная карта, редакция 2"]
