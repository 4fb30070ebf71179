"""Standard questionnaires (Распоряжение Минпросвещения № Р-145, приложение 2): process quality and
satisfaction for mentors and mentees; growth self-assessment for the entry and final assessment."""

from django.db import migrations

SCALE, SINGLE, MULTIPLE, TEXT = "scale", "single", "multiple", "text"
MOTIV, COMP, PROF = "Мотивационно-личностный рост", "Компетентностный рост", "Профессиональный рост"

QUALITY_COMMON = [
    ("Насколько комфортным было общение с наставником (наставляемым)?", SCALE, "", True, ""),
    ("Насколько полезными были встречи?", SCALE, "", True, ""),
    ("Насколько понятными были цели и план программы?", SCALE, "", True, ""),
    ("Насколько вы удовлетворены участием в программе наставничества?", SCALE, "", True, ""),
    ("Как часто проходили встречи?", SINGLE, "Раз в неделю\nРаз в две недели\nРаз в месяц\nРеже одного раза в месяц", True, ""),
    ("Какие формы работы были наиболее полезны?", MULTIPLE,
     "Совместное планирование уроков\nПосещение и анализ уроков\nКонсультации\nСовместные проекты\nДистанционное общение", False, ""),
    ("Что можно улучшить в программе?", TEXT, "", False, ""),
]

GROWTH = [
    ("Я понимаю, зачем мне участие в программе наставничества", SCALE, "", True, MOTIV),
    ("Я уверен(а) в своих профессиональных силах", SCALE, "", True, MOTIV),
    ("Я хочу развиваться в профессии и остаться в ней", SCALE, "", True, MOTIV),
    ("Я умею планировать учебные занятия под разные группы учеников", SCALE, "", True, COMP),
    ("Я владею методами оценки результатов обучающихся", SCALE, "", True, COMP),
    ("Я умею выстраивать отношения с родителями и коллегами", SCALE, "", True, COMP),
    ("Я применяю новые педагогические технологии", SCALE, "", True, PROF),
    ("Я участвую в методической работе, конкурсах, конференциях", SCALE, "", True, PROF),
    ("Какие профессиональные затруднения для вас сейчас главные?", TEXT, "", False, ""),
]

QUESTIONNAIRES = [
    ("Качество реализации программы наставничества: анкета наставника", "quality", "mentor", QUALITY_COMMON),
    ("Качество реализации программы наставничества: анкета наставляемого", "quality", "mentee", QUALITY_COMMON),
    ("Оценка роста участников: анкета наставляемого", "growth", "mentee", GROWTH),
    ("Оценка роста участников: анкета наставника", "growth", "mentor", GROWTH[:-1] + [
        ("Какие новые задачи наставничества вы готовы взять?", TEXT, "", False, "")]),
]


def forwards(apps, schema_editor):
    Questionnaire = apps.get_model("monitoring", "Questionnaire")
    Question = apps.get_model("monitoring", "Question")
    for title, purpose, audience, questions in QUESTIONNAIRES:
        q, created = Questionnaire.objects.get_or_create(
            title=title, defaults={"purpose": purpose, "audience": audience, "is_standard": True,
                                   "description": "Оцените каждое утверждение по шкале от 1 (совсем нет) до 10 (полностью)."})
        if not created:
            continue
        Question.objects.bulk_create([
            Question(questionnaire=q, order=i, text=text, kind=kind, options=options, required=required, dimension=dim)
            for i, (text, kind, options, required, dim) in enumerate(questions, start=1)
        ])


def backwards(apps, schema_editor):
    apps.get_model("monitoring", "Questionnaire").objects.filter(is_standard=True, responses__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
