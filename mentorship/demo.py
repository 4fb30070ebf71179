"""Demo data: mentors, mentees, pairs in every status, programs with plan items, meetings with feedback.

Idempotent: people by (organization, name), pairs by (organization, order number), programs by pair,
meetings by (pair, topic); dates relative to today are set only when a row is first created.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accounts.models import local_today
from accounts.plurals import count_noun
from mentorship.models import (
    Community,
    CommunityMeeting,
    Competency,
    Consent,
    Deficit,
    Event,
    EventKind,
    EventParticipant,
    EventResult,
    Meeting,
    MeetingFormat,
    MenteeCategory,
    MentoringForm,
    Pair,
    PairParticipant,
    PairStatus,
    PersonKind,
    PlanItem,
    Practice,
    PracticeStatus,
    Program,
    ProgramSource,
    ProgramStatus,
    ProgramTemplate,
    QualificationCategory,
    Subject,
    normalize_name,
)
from mentorship.models import Person as P

# (last, first, middle, position, subjects, years, category, competencies, awards, municipal bank)
MENTORS = {
    ("norilsk", 0): [
        (
            "Кравченко",
            "Людмила",
            "Петровна",
            "Учитель математики",
            ["Математика"],
            27,
            QualificationCategory.HIGHEST,
            ["Методика преподавания предмета", "Подготовка к ГИА (ОГЭ, ЕГЭ)", "Оценивание образовательных результатов"],
            "Победитель муниципального конкурса «Я и мой наставник» 2025",
            True,
        ),
        (
            "Алексеева",
            "Ольга",
            "Игоревна",
            "Учитель русского языка и литературы",
            ["Русский язык", "Литература"],
            19,
            QualificationCategory.MENTOR,
            ["Планирование и анализ урока по ФГОС", "Функциональная грамотность"],
            "",
            False,
        ),
        (
            "Борисов",
            "Виктор",
            "Андреевич",
            "Учитель физики",
            ["Физика"],
            15,
            QualificationCategory.FIRST,
            ["Цифровые образовательные технологии", "Проектная и исследовательская деятельность"],
            "",
            False,
        ),
        (
            "Гусева",
            "Наталья",
            "Михайловна",
            "Учитель начальных классов",
            ["Начальные классы"],
            22,
            QualificationCategory.HIGHEST,
            [
                "Классное руководство и воспитательная работа",
                "Взаимодействие с родителями",
                "Управление классом и дисциплина",
            ],
            "",
            False,
        ),
    ],
    ("norilsk", 1): [
        (
            "Денисова",
            "Елена",
            "Александровна",
            "Учитель английского языка",
            ["Английский язык"],
            17,
            QualificationCategory.HIGHEST,
            ["Методика преподавания предмета", "Цифровые образовательные технологии"],
            "Призёр краевого конкурса «Учитель года» 2023",
            True,
        ),
        (
            "Ершов",
            "Константин",
            "Юрьевич",
            "Учитель истории и обществознания",
            ["История", "Обществознание"],
            12,
            QualificationCategory.FIRST,
            ["Подготовка к ГИА (ОГЭ, ЕГЭ)", "Проектная и исследовательская деятельность"],
            "",
            False,
        ),
    ],
    ("norilsk", 7): [
        (
            "Жукова",
            "Светлана",
            "Николаевна",
            "Воспитатель",
            ["Дошкольное образование"],
            24,
            QualificationCategory.HIGHEST,
            ["Дошкольное образование: игровые технологии", "Взаимодействие с родителями"],
            "",
            False,
        ),
        (
            "Зуева",
            "Марина",
            "Геннадьевна",
            "Старший воспитатель",
            ["Дошкольное образование"],
            18,
            QualificationCategory.METHODIST,
            ["Дошкольное образование: игровые технологии", "Школьная документация"],
            "",
            False,
        ),
    ],
    ("nizhnevartovsk", 0): [
        (
            "Ахмедова",
            "Гульнара",
            "Ринатовна",
            "Учитель химии",
            ["Химия", "Биология"],
            21,
            QualificationCategory.HIGHEST,
            ["Методика преподавания предмета", "Подготовка к ГИА (ОГЭ, ЕГЭ)"],
            "Победитель городского конкурса «Наставник года» 2024",
            True,
        ),
        (
            "Белоусов",
            "Андрей",
            "Сергеевич",
            "Учитель информатики",
            ["Информатика", "Математика"],
            9,
            QualificationCategory.FIRST,
            ["Цифровые образовательные технологии", "Проектная и исследовательская деятельность"],
            "",
            False,
        ),
        (
            "Власова",
            "Ирина",
            "Владимировна",
            "Педагог-психолог",
            ["Педагог-психолог"],
            14,
            QualificationCategory.HIGHEST,
            ["Психологическая поддержка и профилактика выгорания", "Инклюзивное образование (обучающиеся с ОВЗ)"],
            "",
            False,
        ),
    ],
}

# (last, first, middle, kind, position or grade, subjects, years, category, deficits, note, consent)
MENTEES = {
    ("norilsk", 0): [
        (
            "Соловьёв",
            "Артём",
            "Дмитриевич",
            PersonKind.EDUCATOR,
            "Учитель математики",
            ["Математика"],
            1,
            MenteeCategory.YOUNG,
            ["Планирование урока по ФГОС", "Подготовка обучающихся к ГИА"],
            "Затруднения с дифференциацией заданий",
            True,
        ),
        (
            "Фролова",
            "Дарья",
            "Сергеевна",
            PersonKind.EDUCATOR,
            "Учитель русского языка",
            ["Русский язык"],
            2,
            MenteeCategory.YOUNG,
            ["Формирование функциональной грамотности"],
            "",
            True,
        ),
        (
            "Тарасова",
            "Алина",
            "Руслановна",
            PersonKind.EDUCATOR,
            "Учитель начальных классов",
            ["Начальные классы"],
            0,
            MenteeCategory.YOUNG,
            ["Управление дисциплиной в классе", "Взаимодействие с родителями"],
            "",
            True,
        ),
        (
            "Мельникова",
            "Юлия",
            "Андреевна",
            PersonKind.EDUCATOR,
            "Учитель начальных классов",
            ["Начальные классы"],
            1,
            MenteeCategory.YOUNG,
            ["Взаимодействие с родителями"],
            "",
            True,
        ),
        (
            "Королёв",
            "Никита",
            "Павлович",
            PersonKind.EDUCATOR,
            "Учитель физики",
            ["Физика"],
            6,
            MenteeCategory.NEW,
            ["Использование цифровых ресурсов"],
            "Перешёл из другой школы в этом году",
            False,
        ),
        (
            "Савельева",
            "Оксана",
            "Витальевна",
            PersonKind.EDUCATOR,
            "Учитель математики",
            ["Математика"],
            11,
            MenteeCategory.DIFFICULTIES,
            ["Оценивание образовательных результатов"],
            "По итогам диагностики ноября",
            True,
        ),
        (
            "Лаптева",
            "Виктория",
            "Олеговна",
            PersonKind.EDUCATOR,
            "Учитель литературы",
            ["Литература"],
            2,
            MenteeCategory.YOUNG,
            ["Планирование урока по ФГОС"],
            "",
            True,
        ),
        (
            "Никифоров",
            "Глеб",
            "Артёмович",
            PersonKind.EDUCATOR,
            "Учитель информатики",
            ["Информатика"],
            1,
            MenteeCategory.YOUNG,
            ["Организация проектной деятельности"],
            "",
            False,
        ),
    ],
    ("norilsk", 1): [
        (
            "Пономарёва",
            "Кристина",
            "Алексеевна",
            PersonKind.EDUCATOR,
            "Учитель английского языка",
            ["Английский язык"],
            1,
            MenteeCategory.YOUNG,
            ["Планирование урока по ФГОС", "Использование цифровых ресурсов"],
            "",
            True,
        ),
        (
            "Рябов",
            "Егор",
            "Игоревич",
            PersonKind.EDUCATOR,
            "Учитель истории",
            ["История"],
            0,
            MenteeCategory.YOUNG,
            ["Подготовка обучающихся к ГИА"],
            "",
            False,
        ),
    ],
    ("norilsk", 7): [
        (
            "Шарипова",
            "Алсу",
            "Ильдаровна",
            PersonKind.EDUCATOR,
            "Воспитатель",
            ["Дошкольное образование"],
            1,
            MenteeCategory.YOUNG,
            ["Организация игровой деятельности дошкольников", "Взаимодействие с родителями"],
            "",
            True,
        ),
    ],
    ("nizhnevartovsk", 0): [
        (
            "Исмаилов",
            "Тимур",
            "Маратович",
            PersonKind.EDUCATOR,
            "Учитель химии",
            ["Химия"],
            1,
            MenteeCategory.YOUNG,
            ["Подготовка обучающихся к ГИА", "Планирование урока по ФГОС"],
            "",
            True,
        ),
        (
            "Кузнецова",
            "Полина",
            "Евгеньевна",
            PersonKind.EDUCATOR,
            "Учитель информатики",
            ["Информатика"],
            2,
            MenteeCategory.YOUNG,
            ["Организация проектной деятельности"],
            "",
            True,
        ),
        (
            "Лысенко",
            "Мария",
            "Сергеевна",
            PersonKind.EDUCATOR,
            "Учитель биологии",
            ["Биология"],
            8,
            MenteeCategory.DIFFICULTIES,
            ["Эмоциональное выгорание, стресс"],
            "",
            True,
        ),
        (
            "Осипов",
            "Данила",
            "Романович",
            PersonKind.PUPIL,
            "8 «А»",
            [],
            None,
            MenteeCategory.PUPIL,
            ["Низкая учебная мотивация (для обучающихся)"],
            "",
            True,
        ),
    ],
}

# organization key, order number, form, mentors (last names), mentees (last names), status, start offset (days ago)
PAIRS = [
    (("norilsk", 0), "112-о/1", "Педагог – молодой специалист", ["Кравченко"], ["Соловьёв"], PairStatus.ACTIVE, 80),
    (("norilsk", 0), "112-о/2", "Педагог – молодой специалист", ["Алексеева"], ["Фролова"], PairStatus.ACTIVE, 80),
    (
        ("norilsk", 0),
        "112-о/3",
        "Педагог – молодой специалист",
        ["Гусева"],
        ["Тарасова", "Мельникова"],
        PairStatus.ACTIVE,
        75,
    ),
    (
        ("norilsk", 0),
        "98-о/4",
        "Опытный педагог – педагог с затруднениями",
        ["Кравченко"],
        ["Савельева"],
        PairStatus.COMPLETED,
        400,
    ),
    (("norilsk", 0), "98-о/5", "Педагог – молодой специалист", ["Алексеева"], ["Лаптева"], PairStatus.STOPPED, 300),
    (("norilsk", 0), "130-о/1", "Учитель – учитель", ["Борисов"], ["Королёв"], PairStatus.FORMING, 0),
    (("norilsk", 1), "45-о/1", "Педагог – молодой специалист", ["Денисова"], ["Пономарёва"], PairStatus.ACTIVE, 70),
    (("norilsk", 7), "31-од/1", "Педагог – молодой специалист", ["Жукова"], ["Шарипова"], PairStatus.ACTIVE, 60),
    (("nizhnevartovsk", 0), "201/1", "Педагог – молодой специалист", ["Ахмедова"], ["Исмаилов"], PairStatus.ACTIVE, 85),
    (("nizhnevartovsk", 0), "201/2", "Учитель – ученик", ["Белоусов"], ["Осипов"], PairStatus.ACTIVE, 50),
    (
        ("nizhnevartovsk", 0),
        "187/3",
        "Опытный педагог – педагог с затруднениями",
        ["Власова"],
        ["Лысенко"],
        PairStatus.COMPLETED,
        380,
    ),
]

MEETINGS = [
    # stage, topic, days after start, mentor rating/feedback, mentee rating/feedback (None: not filled yet)
    (
        "acquaintance",
        "Знакомство, ожидания от работы в паре",
        0,
        (9, "Наставляемый открыт, запросы сформулированы"),
        (10, "Стало понятно, к кому обращаться с вопросами"),
    ),
    (
        "trial",
        "Пробная встреча: посещение урока наставника",
        7,
        (8, "Обсудили структуру урока"),
        (9, "Увидел приёмы работы с сильными и слабыми учениками"),
    ),
    (
        "planning",
        "Встреча-планирование: план на полугодие",
        14,
        (9, "План согласован, дефициты учтены"),
        (9, "План реалистичный"),
    ),
    (
        "joint",
        "Совместное проектирование урока",
        45,
        (8, "Урок спроектирован, есть над чем работать"),
        (8, "Получилось выстроить этапы урока по ФГОС"),
    ),
    ("joint", "Разбор трудной ситуации на уроке", 70, (7, "Нужно больше внимания дисциплине"), None),
]


def _person(organization, last, first, middle, create_only: dict | None = None, **fields) -> P:
    person = P.objects.filter(organization=organization, name_key=normalize_name(last, first, middle)).first()
    if person is None:
        person = P(
            organization=organization, last_name=last, first_name=first, middle_name=middle, **(create_only or {})
        )
    changed = person.pk is None
    for name, value in fields.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed = True
    if changed:  # an unchanged re-run must not add history records
        person.save()
    return person


@transaction.atomic
def seed(ctx) -> None:
    today = local_today()
    competencies = {c.name: c for c in Competency.objects.all()}
    deficits = {d.name: d for d in Deficit.objects.all()}
    subjects = {s.name: s for s in Subject.objects.all()}
    forms = {f.name: f for f in MentoringForm.objects.all()}
    people: dict[tuple, dict[str, P]] = {}
    counts = {"mentors": 0, "mentees": 0, "pairs": 0, "meetings": 0}

    for key, rows in MENTORS.items():
        organization = ctx.organizations[key[0]][key[1]]
        for last, first, middle, position, subj, years, category, comps, awards, bank in rows:
            person = _person(
                organization,
                last,
                first,
                middle,
                kind=PersonKind.EDUCATOR,
                position=position,
                experience_years=years,
                qualification_category=category,
                is_mentor=True,
                awards=awards,
                in_municipal_bank=bank,
                training="КПК «Наставничество в образовательной организации», 36 ч",
                capacity=3,
                training_completed_on=dt.date(2024, 3, 15),
                email=f"{_latin(last)}@{_latin(organization.short_name)[:12]}.example.ru",
                phone="+7 (3919) 42-00-00",
            )
            person.subjects.set([subjects[s] for s in subj])
            person.competencies.set([competencies[c] for c in comps])
            Consent.objects.get_or_create(person=person, given_on=dt.date(2025, 9, 1))
            people.setdefault(key, {})[last] = person
            counts["mentors"] += 1

    for key, rows in MENTEES.items():
        organization = ctx.organizations[key[0]][key[1]]
        for last, first, middle, kind, position, subj, years, category, defs, note, consent in rows:
            pupil = kind == PersonKind.PUPIL
            person = _person(
                organization,
                last,
                first,
                middle,
                kind=kind,
                position="" if pupil else position,
                grade=position if pupil else "",
                experience_years=years,
                is_mentee=True,
                mentee_category=category,
                deficits_note=note,
                requests="Посещать уроки наставника, получать обратную связь по своим урокам"
                if not pupil
                else "Подтянуть информатику, выбрать тему проекта",
                email="" if pupil else f"{_latin(last)}@{_latin(organization.short_name)[:12]}.example.ru",
                create_only={"mentee_since": today - dt.timedelta(days=41 if last == "Никифоров" else 90)},
            )
            person.subjects.set([subjects[s] for s in subj])
            person.deficits.set([deficits[d] for d in defs])
            if consent:
                Consent.objects.get_or_create(
                    person=person,
                    given_on=dt.date(2025, 9, 2),
                    defaults={"representative_name": "Осипова Наталья Викторовна" if pupil else ""},
                )
            people.setdefault(key, {})[last] = person
            counts["mentees"] += 1

    template = ProgramTemplate.objects.filter(title__contains="молодой специалист").prefetch_related("items").first()
    for key, order, form_name, mentor_names, mentee_names, status, offset in PAIRS:
        organization = ctx.organizations[key[0]][key[1]]
        start = today - dt.timedelta(days=offset)
        defaults = {
            "form": forms[form_name],
            "status": status,
            "started_on": start,
            "planned_end_on": start + dt.timedelta(days=270),
            "order_date": start - dt.timedelta(days=3),
        }
        if status == PairStatus.FORMING:
            defaults["started_on"] = None
        if status == PairStatus.COMPLETED:
            defaults["ended_on"] = start + dt.timedelta(days=270)
        if status == PairStatus.STOPPED:
            defaults["ended_on"] = start + dt.timedelta(days=100)
            defaults["stop_reason"] = "Наставляемая уволилась по собственному желанию (переезд в другой город)"
        pair, created = Pair.objects.get_or_create(organization=organization, order_number=order, defaults=defaults)
        if created:
            if len(mentee_names) > 1:
                pair.formats.set([forms["Групповое наставничество"]])
            counts["pairs"] += 1
        for role, names in (("mentor", mentor_names), ("mentee", mentee_names)):
            for name in names:
                PairParticipant.objects.get_or_create(pair=pair, person=people[key][name], defaults={"role": role})
        if status == PairStatus.FORMING:
            continue
        program, program_created = Program.objects.get_or_create(
            pair=pair,
            defaults={
                "title": f"Персонализированная программа: {', '.join(mentee_names)} ({form_name.lower()})",
                "source": ProgramSource.TEMPLATE if template else ProgramSource.BLANK,
                "template": template,
                "goals": template.goals if template else "",
                "expected_results": template.expected_results if template else "",
                "status": {
                    PairStatus.ACTIVE: ProgramStatus.IN_PROGRESS,
                    PairStatus.COMPLETED: ProgramStatus.COMPLETED,
                }.get(status, ProgramStatus.IN_PROGRESS),
            },
        )
        if program_created:
            if template:
                PlanItem.objects.bulk_create(
                    [
                        PlanItem(
                            program=program,
                            title=i.title,
                            stage=i.stage,
                            order=i.order,
                            due_on=start + dt.timedelta(days=i.offset_days),
                            done=start + dt.timedelta(days=i.offset_days) < today,
                            done_on=start + dt.timedelta(days=i.offset_days)
                            if start + dt.timedelta(days=i.offset_days) < today
                            else None,
                        )
                        for i in template.items.all()
                    ]
                )
            program.deficits.set({d for name in mentee_names for d in people[key][name].deficits.all()})
            if status == PairStatus.COMPLETED:
                program.results = (
                    "Наставляемая самостоятельно проектирует уроки, дефицит по оцениванию снят "
                    "по итогам повторной диагностики; проведён открытый урок."
                )
                program.reflection = "Обе стороны отметили пользу взаимопосещений; формат продолжим в методобъединении."
                program.completed_on = pair.ended_on
            if order in ("112-о/1", "201/1"):
                program.is_published, program.published_on = True, today - dt.timedelta(days=20)
            program.save()
        for stage, topic, after, mentor_fb, mentee_fb in MEETINGS:
            held = start + dt.timedelta(days=after)
            if held > today:
                continue
            _, created = Meeting.objects.get_or_create(
                pair=pair,
                topic=topic,
                defaults={
                    "held_on": held,
                    "stage": stage,
                    "duration_minutes": 45 if stage != "joint" else 90,
                    "format": MeetingFormat.ONLINE
                    if key[0] == "nizhnevartovsk" and stage == "joint"
                    else MeetingFormat.IN_PERSON,
                    "mentor_rating": mentor_fb[0] if mentor_fb else None,
                    "mentor_feedback": mentor_fb[1] if mentor_fb else "",
                    "mentee_rating": mentee_fb[0] if mentee_fb else None,
                    "mentee_feedback": mentee_fb[1] if mentee_fb else "",
                },
            )
            counts["meetings"] += created

    counts["schools"] = _every_school(ctx, people, forms, subjects, competencies, deficits, template, today)
    _registries(ctx, people, today)
    ctx.log.append(
        f"Наставничество: наставников {counts['mentors']}, наставляемых {counts['mentees']}, новых пар {counts['pairs']}, "
        f"новых встреч {counts['meetings']} (Норильск и Нижневартовск)."
    )


def _registries(ctx, people, today: dt.date) -> None:
    norilsk, nv = ctx.municipalities["norilsk"], ctx.municipalities["nizhnevartovsk"]
    school1 = ctx.organizations["norilsk"][0]
    contest, _ = Event.objects.get_or_create(
        municipality=norilsk,
        title="Муниципальный конкурс «Я и мой наставник»",
        defaults={
            "kind": EventKind.CONTEST,
            "starts_on": dt.date(2025, 4, 18),
            "place": "МБУ «Методический центр»",
            "description": "Конкурс наставнических пар: презентация совместной работы и открытое занятие.",
        },
    )
    EventParticipant.objects.get_or_create(
        event=contest, person=people[("norilsk", 0)]["Кравченко"], defaults={"result": EventResult.WINNER}
    )
    EventParticipant.objects.get_or_create(
        event=contest, person=people[("norilsk", 1)]["Денисова"], defaults={"result": EventResult.PRIZE}
    )
    seminar, _ = Event.objects.get_or_create(
        municipality=norilsk,
        title="Установочный семинар для кураторов в ОУ",
        defaults={"kind": EventKind.SEMINAR, "starts_on": dt.date(2025, 9, 24), "place": "онлайн"},
    )
    EventParticipant.objects.get_or_create(event=seminar, person=people[("norilsk", 0)]["Алексеева"])
    Event.objects.get_or_create(
        municipality=nv,
        title="Форум наставников города Нижневартовска",
        defaults={"kind": EventKind.FORUM, "starts_on": dt.date(2025, 11, 14), "place": "МАУДО «ЦДТ»"},
    )
    club, _ = Community.objects.get_or_create(
        municipality=norilsk,
        title="Клуб наставников Норильска",
        defaults={
            "description": "Обмен опытом наставников школ и детских садов, методическая копилка.",
            "link": "https://vk.com/club_nastavnikov_norilsk",
        },
    )
    club.members.add(
        people[("norilsk", 0)]["Кравченко"], people[("norilsk", 0)]["Гусева"], people[("norilsk", 1)]["Денисова"]
    )
    CommunityMeeting.objects.get_or_create(
        community=club,
        topic="Как давать обратную связь молодому педагогу",
        defaults={"held_on": today - dt.timedelta(days=12), "notes": "Разобрали 3 кейса"},
    )
    Community.objects.get_or_create(
        municipality=nv,
        organization=ctx.organizations["nizhnevartovsk"][0],
        title="Школа молодого педагога МБОУ «СШ № 2»",
    )
    Practice.objects.get_or_create(
        organization=school1,
        title="«Двойной урок»: взаимопосещения в паре «педагог – молодой специалист»",
        defaults={
            "authors": "Кравченко Л. П., Соловьёв А. Д.",
            "form": MentoringForm.objects.filter(name="Педагог – молодой специалист").first(),
            "description": "Наставник и наставляемый поочерёдно ведут уроки в параллельных классах и разбирают их по единой карте.",
            "status": PracticeStatus.APPROVED,
            "is_published": True,
            "published_on": dt.date(2025, 5, 20),
        },
    )
    Practice.objects.get_or_create(
        organization=ctx.organizations["nizhnevartovsk"][0],
        title="Проект «Ученик – ученик» на уроках информатики",
        defaults={
            "authors": "Белоусов А. С.",
            "description": "Старшеклассники ведут кружок по программированию для 7–8 классов.",
            "status": PracticeStatus.REVIEW,
        },
    )


def _latin(text: str) -> str:
    table = str.maketrans("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "abvgdeejziiklmnoprstufhccss_y_eua")
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum()) or "x"


# Every other school of the first municipality: a mentor and a young specialist with consents, an
# active pair started this school year with its program and meetings around today, a mentee waiting.
SCHOOL_MENTORS = [
    ("Андреева", "Ольга", "Петровна", "Учитель математики", "Математика"),
    ("Белов", "Сергей", "Иванович", "Учитель физики", "Физика"),
    ("Воронина", "Елена", "Сергеевна", "Учитель русского языка и литературы", "Русский язык"),
    ("Гусева", "Марина", "Алексеевна", "Учитель начальных классов", "Начальные классы"),
    ("Дмитриева", "Татьяна", "Юрьевна", "Воспитатель", ""),
]
SCHOOL_MENTEES = [
    ("Егорова", "Алина", "Дмитриевна"),
    ("Жуков", "Артём", "Олегович"),
    ("Зайцева", "Дарья", "Андреевна"),
    ("Ильин", "Кирилл", "Павлович"),
    ("Козлова", "Виктория", "Романовна"),
    ("Лебедев", "Никита", "Сергеевич"),
]


def _every_school(ctx, people, forms, subjects, competencies, deficits, template, today: dt.date) -> int:
    """Idempotent: a school that already has a pair keeps what it has."""
    schools = 0
    form = forms.get("Педагог – молодой специалист")
    for index, organization in enumerate(ctx.organizations.get("norilsk", [])):
        if form is None or Pair.objects.filter(organization=organization).exists():
            continue
        last, first, middle, position, subject = SCHOOL_MENTORS[index % len(SCHOOL_MENTORS)]
        mentor = _person(
            organization,
            last,
            first,
            middle,
            kind=PersonKind.EDUCATOR,
            position=position,
            experience_years=12 + index,
            qualification_category=QualificationCategory.HIGHEST if index % 2 else QualificationCategory.FIRST,
            is_mentor=True,
            capacity=2,
            training="КПК «Наставничество в образовательной организации», 36 ч",
            training_completed_on=dt.date(2024, 3, 15),
            email=f"{_latin(last)}@{_latin(organization.short_name)[:12]}.example.ru",
        )
        if subject in subjects:
            mentor.subjects.set([subjects[subject]])
        mentor.competencies.set(list(competencies.values())[:2])
        mentees = []
        for offset in (0, 1):
            m_last, m_first, m_middle = SCHOOL_MENTEES[(index * 2 + offset) % len(SCHOOL_MENTEES)]
            mentee = _person(
                organization,
                m_last,
                m_first,
                m_middle,
                kind=PersonKind.EDUCATOR,
                position=position.replace("Учитель", "Молодой учитель") if offset == 0 else position,
                experience_years=1,
                is_mentee=True,
                mentee_category=MenteeCategory.YOUNG,
                requests="Посещать уроки наставника, получать обратную связь по своим урокам",
                create_only={"mentee_since": today - dt.timedelta(days=20 + 30 * offset + index)},
            )
            mentee.deficits.set(list(deficits.values())[index % 3 : index % 3 + 2])
            mentees.append(mentee)
        for person in (mentor, *mentees):
            Consent.objects.get_or_create(person=person, given_on=today - dt.timedelta(days=60 + index))
        start = today - dt.timedelta(days=25 + 4 * index)
        pair = Pair.objects.create(
            organization=organization,
            form=form,
            status=PairStatus.ACTIVE,
            order_number=f"{140 + index}-о/1",
            order_date=start - dt.timedelta(days=3),
            started_on=start,
            planned_end_on=start + dt.timedelta(days=270),
        )
        PairParticipant.objects.create(pair=pair, person=mentor, role="mentor")
        PairParticipant.objects.create(pair=pair, person=mentees[0], role="mentee")
        program = Program.objects.create(
            pair=pair,
            title=f"Персонализированная программа: {mentees[0].last_name} (молодой специалист)",
            source=ProgramSource.TEMPLATE if template else ProgramSource.BLANK,
            template=template,
            goals=template.goals if template else "",
            expected_results=template.expected_results if template else "",
            status=ProgramStatus.IN_PROGRESS,
        )
        if template:
            PlanItem.objects.bulk_create(
                [
                    PlanItem(
                        program=program,
                        title=item.title,
                        stage=item.stage,
                        order=item.order,
                        due_on=start + dt.timedelta(days=item.offset_days),
                        done=start + dt.timedelta(days=item.offset_days) < today,
                        done_on=start + dt.timedelta(days=item.offset_days)
                        if start + dt.timedelta(days=item.offset_days) < today
                        else None,
                    )
                    for item in template.items.all()
                ]
            )
        for stage, topic, after, mentor_fb, mentee_fb in MEETINGS:
            held = start + dt.timedelta(days=after)
            if held > today:
                continue
            Meeting.objects.create(
                pair=pair,
                topic=topic,
                held_on=held,
                stage=stage,
                duration_minutes=45,
                format=MeetingFormat.IN_PERSON,
                mentor_rating=mentor_fb[0] if mentor_fb else None,
                mentor_feedback=mentor_fb[1] if mentor_fb else "",
                mentee_rating=mentee_fb[0] if mentee_fb else None,
                mentee_feedback=mentee_fb[1] if mentee_fb else "",
            )
        schools += 1
    if schools:
        ctx.log.append(
            f"Наставничество: ещё {count_noun(schools, 'организация')} Норильска с парой, программой и встречами."
        )
    return schools
