"""Demo monitoring for Norilsk: a finished annual-report campaign with reports in every state,
entry and final questionnaires with answers, effectiveness criteria. Idempotent: campaigns are
found by title and seeded only once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import local_today
from monitoring import services
from monitoring.models import (
    Assignment,
    Campaign,
    CampaignKind,
    CampaignStatus,
    QuestionKind,
)


@transaction.atomic
def seed(ctx) -> None:
    norilsk = ctx.municipalities["norilsk"]
    orgs = ctx.organizations["norilsk"]
    metodist, koordinator = ctx.users["metodist"], ctx.users["koordinator"]
    today = local_today(norilsk)
    services.criteria_ensure_defaults(municipality=norilsk)

    title = f"Информационная справка ОО о реализации ЦМН за {today.year - 1}/{today.year} учебный год"
    if not Campaign.objects.filter(municipality=norilsk, title=title).exists():
        deadline = today - dt.timedelta(days=10)
        campaign = services.campaign_create(
            user=metodist,
            municipality=norilsk,
            kind=CampaignKind.ANNUAL,
            title=title,
            period_start=dt.date(today.year - 1, 9, 1),
            period_end=deadline,
            deadline=deadline,
            organizations=orgs,
        )
        services.campaign_open(user=metodist, campaign=campaign)
        by_org = {a.organization.short_name: a for a in campaign.assignments.select_related("organization", "report")}
        curator = {
            "МБОУ «СШ № 1»": ctx.users["kurator"],
            "МБОУ «СШ № 3»": ctx.users["kurator3"],
            "МБДОУ «ДС № 14 «Умка»": ctx.users["kurator_ds14"],
        }

        def submit(name, late=False):
            a = by_org[name]
            who = curator.get(name, koordinator)
            services.report_update(
                user=who,
                report=a.report,
                data={
                    "local_acts": True,
                    "local_acts_list": "Положение о наставничестве, приказ № 112 от 01.09.2025",
                    "achievements": "Проведён школьный этап конкурса «Я и мой наставник».",
                },
            )
            services.assignment_submit(user=who, assignment=a)
            # back-date the submission so the on-time rate has both cases
            when = timezone.now() - dt.timedelta(days=2 if late else 15)
            Assignment.objects.filter(pk=a.pk).update(first_submitted_at=when, submitted_at=when)
            a.refresh_from_db()
            return a

        a = submit("МБОУ «СШ № 1»")
        services.assignment_return(
            user=metodist, assignment=a, comment="Уточните перечень локальных актов: нет даты приказа."
        )
        a = submit("МБОУ «СШ № 1»")
        services.assignment_accept(user=metodist, assignment=a)
        services.assignment_accept(user=metodist, assignment=submit("МБОУ «Гимназия № 4»"))
        services.assignment_accept(user=metodist, assignment=submit("МБОУ «Гимназия № 5»", late=True))
        services.assignment_return(
            user=metodist,
            assignment=submit("МБОУ «СШ № 3»"),
            comment="Не указана ссылка на раздел сайта о наставничестве.",
        )
        submit("МБДОУ «ДС № 14 «Умка»", late=True)  # stays submitted: waiting for review
        services.campaign_close(user=metodist, campaign=campaign)
        ctx.log.append(f"Мониторинг: кампания «{title}» со справками во всех состояниях")

    _seed_report_material(ctx, norilsk, orgs, metodist, koordinator, today)
    _seed_growth(ctx, norilsk, orgs, metodist, koordinator, today)
    _seed_nizhnevartovsk(ctx, today)
    for key, user in (("norilsk", metodist), ("nizhnevartovsk", ctx.users["koordinator_nv"])):
        _seed_build(ctx.municipalities[key], user, today.year)
    _seed_regional_campaigns(ctx, today)


def _seed_regional_campaigns(ctx, today) -> None:
    """Each region asks its municipalities for the annual report; each demo municipality has handed
    its report in (the regional user of Krasnoyarsk krai reviews Norilsk's)."""
    from monitoring.models import AnnualReportBuild, BuildStatus, RegionalCampaign, RegionalRequest

    for key, user in (("norilsk", ctx.users["metodist"]), ("nizhnevartovsk", ctx.users["koordinator_nv"])):
        municipality = ctx.municipalities[key]
        region = municipality.region
        title = f"Годовой аналитический отчёт муниципалитета за {today.year} год"
        if RegionalCampaign.objects.filter(region=region, title=title).exists():
            continue
        regional = ctx.users["region"] if key == "norilsk" else None
        campaign = services.regional_campaign_create(
            user=regional, region=region, title=title, year=today.year, deadline=today + dt.timedelta(days=20)
        )
        build = AnnualReportBuild.objects.filter(
            municipality=municipality, year=today.year, status=BuildStatus.DONE
        ).first()
        request = RegionalRequest.objects.get(campaign=campaign, municipality=municipality)
        if build is not None:
            services.regional_request_submit(user=user, request=request, build=build)
        ctx.log.append(f"Мониторинг: запрос региона «{title}» ({region.name})")


def _seed_nizhnevartovsk(ctx, today) -> None:
    """The other municipality has monitoring of its own, so scope boundaries are visible in the demo."""
    nv = ctx.municipalities["nizhnevartovsk"]
    coordinator = ctx.users["koordinator_nv"]
    quarter = (today.month - 1) // 3
    start = dt.date(today.year, 3 * quarter + 1, 1)
    title = f"Персонифицированный учёт участников ЦМН, {quarter + 1} квартал {today.year}"
    if not Campaign.objects.filter(municipality=nv, title=title).exists():
        campaign = services.campaign_create(
            user=coordinator,
            municipality=nv,
            kind=CampaignKind.ACCOUNTING,
            title=title,
            period_start=start,
            period_end=today,
            deadline=today + dt.timedelta(days=14),
        )
        services.campaign_open(user=coordinator, campaign=campaign)
        own = campaign.assignments.filter(organization__short_name="МБОУ «СШ № 2»").first()
        if own is not None:
            services.assignment_submit(user=ctx.users["kurator_nv"], assignment=own)
        ctx.log.append(f"Мониторинг: «{title}» (Нижневартовск)")
    title = f"Анкетирование: качество программ наставничества, {quarter + 1} квартал {today.year}"
    if not Campaign.objects.filter(municipality=nv, title=title).exists():
        campaign = services.campaign_create(
            user=coordinator,
            municipality=nv,
            kind=CampaignKind.QUALITY,
            title=title,
            period_start=start,
            period_end=today,
            deadline=today + dt.timedelta(days=14),
        )
        services.campaign_open(user=coordinator, campaign=campaign)


def _seed_build(municipality, user, year) -> None:
    from monitoring.models import AnnualReportBuild

    if AnnualReportBuild.objects.filter(municipality=municipality, year=year).exists():
        return
    build = AnnualReportBuild.objects.create(
        municipality=municipality, year=year, author=user, parameters={"year": year, "municipality": municipality.name}
    )
    services.build_run(build_id=build.pk)  # in-process: the demo must not depend on a running worker


def _seed_growth(ctx, norilsk, orgs, metodist, koordinator, today) -> None:
    from mentorship.models import Person

    if not Person.objects.filter(organization__in=orgs).exists():
        return
    year = today.year
    plans = [
        (
            CampaignKind.ENTRY,
            f"Входная оценка роста участников ЦМН, сентябрь {year - 1}",
            dt.date(year - 1, 9, 1),
            dt.date(year - 1, 9, 30),
            5,
        ),
        (
            CampaignKind.FINAL,
            f"Итоговая оценка роста участников ЦМН, май {year}",
            dt.date(year, 5, 1),
            dt.date(year, 5, 31),
            7,
        ),
    ]
    for kind, title, start, end, base in plans:
        if Campaign.objects.filter(municipality=norilsk, title=title).exists():
            continue
        targets = [o for o in orgs if Person.objects.filter(organization=o, is_active=True).exists()][:4]
        campaign = services.campaign_create(
            user=metodist,
            municipality=norilsk,
            kind=kind,
            title=title,
            period_start=start,
            period_end=end,
            deadline=end,
            organizations=targets,
        )
        services.campaign_open(user=metodist, campaign=campaign)
        for assignment in campaign.assignments.all():
            for index, response in enumerate(assignment.responses.select_related("questionnaire")):
                data = {}
                for q in response.questionnaire.questions.all():
                    if q.kind == QuestionKind.SCALE:
                        # professional growth lags behind: the report has a direction without growth to name
                        lag = 2 if kind == CampaignKind.FINAL and q.dimension == "Профессиональный рост" else 0
                        data[q.pk] = min(10, base - lag + (index + q.order) % 3)
                    elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                        data[q.pk] = [q.option_list[0]] if q.kind == QuestionKind.MULTIPLE else q.option_list[0]
                    elif q.required:
                        data[q.pk] = "Планирование уроков и работа с родителями."
                services.response_fill(user=koordinator, response=response, data=data)
            services.assignment_submit(user=koordinator, assignment=assignment)
            services.assignment_accept(user=metodist, assignment=assignment)
        if end < today:
            Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
        ctx.log.append(f"Мониторинг: «{title}» с ответами участников")


def _seed_report_material(ctx, norilsk, orgs, metodist, koordinator, today) -> None:
    """What the annual report needs to have something to conclude in every section: pairs of several
    forms, a school whose mentor has too many mentees, a young specialist left without a mentor, a
    quarterly quality questionnaire with a low score in one school, a second best practice, and the
    municipality's report settings (addressee, signature, executor)."""
    from mentorship.models import (
        MenteeCategory,
        MentoringForm,
        Pair,
        PairParticipant,
        PairStatus,
        Person,
        PersonKind,
        Practice,
        PracticeStatus,
        Program,
    )
    from monitoring.models import ReportSettings

    ReportSettings.objects.get_or_create(
        municipality=norilsk,
        defaults={
            "recipient": "Министерство образования Красноярского края",
            "signatory_position": "Начальник Управления общего и дошкольного образования Администрации города Норильска",
            "signatory_name": "Е. В. Ткачёва",
            "executor_name": "Соколова Ирина Павловна",
            "executor_position": "методист МБУ «Методический центр»",
            "executor_phone": "+7 (3919) 42-15-08",
        },
    )
    by_name = {o.short_name: o for o in orgs}
    forms = {f.name: f for f in MentoringForm.objects.all()}
    start = today - dt.timedelta(days=75)
    plans = [
        # organization, order, form, mentor, mentees [(last, first, middle, young)]
        (
            "МБОУ «Гимназия № 4»",
            "58-о/1",
            "Учитель – учитель",
            ("Белоусова", "Галина", "Петровна"),
            [("Широков", "Денис", "Олегович", False)],
        ),
        (
            "МБОУ «Гимназия № 4»",
            "58-о/2",
            "Руководитель – учитель",
            ("Ларионов", "Сергей", "Викторович"),
            [("Мельник", "Юлия", "Андреевна", True)],
        ),
        (
            "МБОУ «Лицей № 3»",
            "77-о/1",
            "Опытный педагог – педагог с затруднениями",
            ("Гарипова", "Лилия", "Рашидовна"),
            [
                ("Котов", "Илья", "Сергеевич", True),
                ("Зуева", "Анна", "Игоревна", True),
                ("Пак", "Виктория", "Олеговна", False),
                ("Юсупов", "Тимур", "Ренатович", True),
            ],
        ),
    ]
    created = 0
    for org_name, order, form_name, mentor, mentees in plans:
        org = by_name.get(org_name)
        if org is None or form_name not in forms:
            continue
        pair, made = Pair.objects.get_or_create(
            organization=org,
            order_number=order,
            defaults={
                "form": forms[form_name],
                "status": PairStatus.ACTIVE,
                "started_on": start,
                "planned_end_on": start + dt.timedelta(days=270),
                "order_date": start - dt.timedelta(days=3),
            },
        )
        created += made
        m, _ = Person.objects.get_or_create(
            organization=org,
            last_name=mentor[0],
            first_name=mentor[1],
            middle_name=mentor[2],
            defaults={"kind": PersonKind.EDUCATOR, "is_mentor": True, "position": "учитель", "experience_years": 21},
        )
        PairParticipant.objects.get_or_create(pair=pair, person=m, defaults={"role": "mentor"})
        for last, first, middle, young in mentees:
            p, _ = Person.objects.get_or_create(
                organization=org,
                last_name=last,
                first_name=first,
                middle_name=middle,
                defaults={
                    "kind": PersonKind.EDUCATOR,
                    "is_mentee": True,
                    "position": "учитель",
                    "experience_years": 1 if young else 6,
                    "mentee_category": MenteeCategory.YOUNG if young else MenteeCategory.NEW,
                },
            )
            PairParticipant.objects.get_or_create(pair=pair, person=p, defaults={"role": "mentee"})
        if order != "58-о/2":  # one pair still works without a personalized program
            Program.objects.get_or_create(pair=pair, defaults={"title": f"Персонализированная программа ({form_name})"})
    gymnasium5 = by_name.get("МБОУ «Гимназия № 5»")
    if gymnasium5 is not None:
        Person.objects.get_or_create(
            organization=gymnasium5,
            last_name="Воронина",
            first_name="Ксения",
            middle_name="Алексеевна",
            defaults={
                "kind": PersonKind.EDUCATOR,
                "is_mentee": True,
                "position": "учитель начальных классов",
                "experience_years": 0,
                "mentee_category": MenteeCategory.YOUNG,
            },
        )
    gymnasium4 = by_name.get("МБОУ «Гимназия № 4»")
    if gymnasium4 is not None:
        Practice.objects.get_or_create(
            organization=gymnasium4,
            title="«Методический десант»: руководитель и учитель готовят открытый урок вместе",
            defaults={
                "authors": "Ларионов С. В., Мельник Ю. А.",
                "description": "Заместитель директора и молодой учитель вместе проектируют, проводят и "
                "разбирают открытый урок; по итогам — памятка для методобъединения.",
                "form": forms.get("Руководитель – учитель"),
                "status": PracticeStatus.APPROVED,
            },
        )
    if created:
        ctx.log.append(f"Мониторинг: для аналитического отчёта добавлено пар {created} (Гимназия № 4, Лицей № 3)")
    _seed_quality(ctx, norilsk, orgs, metodist, koordinator, today)


def _seed_quality(ctx, norilsk, orgs, metodist, koordinator, today) -> None:
    """A quarterly questionnaire on the quality of programs; one school scores low."""
    from mentorship.models import Person

    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    title = f"Анкетирование: качество реализации программ наставничества, {today.year} (Норильск)"
    if Campaign.objects.filter(municipality=norilsk, title=title).exists():
        return
    targets = [o for o in orgs if Person.objects.filter(organization=o, is_active=True).exists()][:5]
    if not targets:
        return
    deadline = max(quarter_start, today - dt.timedelta(days=5))
    campaign = services.campaign_create(
        user=metodist,
        municipality=norilsk,
        kind=CampaignKind.QUALITY,
        title=title,
        period_start=quarter_start,
        period_end=deadline,
        deadline=deadline,
        organizations=targets,
    )
    services.campaign_open(user=metodist, campaign=campaign)
    for number, assignment in enumerate(campaign.assignments.select_related("organization").order_by("pk")):
        score = 5 if assignment.organization.short_name == "МБОУ «СШ № 3»" else 8 + number % 2
        for response in assignment.responses.select_related("questionnaire"):
            data = {}
            for q in response.questionnaire.questions.all():
                if q.kind == QuestionKind.SCALE:
                    data[q.pk] = score
                elif q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                    data[q.pk] = [q.option_list[0]] if q.kind == QuestionKind.MULTIPLE else q.option_list[0]
                elif q.required:
                    data[q.pk] = "Встречи регулярные, нужна помощь с планированием уроков."
            services.response_fill(user=koordinator, response=response, data=data)
        if assignment.responses.exists():
            services.assignment_submit(user=koordinator, assignment=assignment)
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    ctx.log.append(f"Мониторинг: «{title}» с ответами участников")
