from __future__ import annotations

from django import forms
from django.utils.timezone import localtime

from accounts import scoping
from accounts.forms import ScopedFormMixin
from accounts.models import Municipality, Organization, OrganizationKind, local_today
from monitoring.models import Campaign, Question, QuestionKind, SchoolReport


class CampaignForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "municipality",
            "kind",
            "title",
            "period_start",
            "period_end",
            "deadline",
            "organizations",
            "questionnaires",
        ]
        widgets = {"organizations": forms.CheckboxSelectMultiple, "questionnaires": forms.CheckboxSelectMultiple}
        help_texts = {
            "organizations": "Не отмечено ни одной — охватываются все действующие организации муниципалитета.",
            "questionnaires": "Для анкетирования; не отмечено — стандартные анкеты для этого вида кампании.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        municipalities = scoping.monitoring_municipalities(user)
        self.fields["municipality"].queryset = municipalities
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()
        self.fields["organizations"].queryset = Organization.objects.filter(
            municipality__in=municipalities, is_active=True
        ).order_by("short_name")
        self.fields["organizations"].required = False
        self.fields["questionnaires"].required = False
        self.fields["questionnaires"].queryset = self.fields["questionnaires"].queryset.filter(is_active=True)
        for name in ("period_start", "period_end", "deadline"):
            self.fields[name].widget = forms.DateInput(attrs={"placeholder": "дд.мм.гггг"}, format="%d.%m.%Y")

    def clean(self):
        data = super().clean()
        municipality = data.get("municipality")
        orgs = data.get("organizations")
        if municipality and orgs and any(o.municipality_id != municipality.pk for o in orgs):
            self.add_error("organizations", "Выберите организации этого муниципалитета.")
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", "Окончание периода раньше его начала.")
        return data


class ReportForm(forms.ModelForm):
    class Meta:
        model = SchoolReport
        fields = ["local_acts", "local_acts_list", "website_url", "achievements", "problems"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("local_acts_list", "achievements", "problems")}


class ReturnForm(forms.Form):
    comment = forms.CharField(label="Что исправить", widget=forms.Textarea(attrs={"rows": 3}))


class ResponseForm(forms.Form):
    """A questionnaire rendered from its questions (built in the admin)."""

    def __init__(self, *args, questions: list[Question], initial_answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        initial_answers = initial_answers or {}
        for q in questions:
            name = f"q{q.pk}"
            if q.kind == QuestionKind.SCALE:
                field = forms.TypedChoiceField(
                    choices=[(i, str(i)) for i in range(1, 11)],
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "scale"}),
                    empty_value=None,
                )
            elif q.kind == QuestionKind.SINGLE:
                field = forms.ChoiceField(choices=[(o, o) for o in q.option_list], widget=forms.RadioSelect)
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=[(o, o) for o in q.option_list], widget=forms.CheckboxSelectMultiple
                )
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
            field.label = f"{q.order}. {q.text}"
            field.required = q.required
            if q.pk in initial_answers:
                field.initial = initial_answers[q.pk]
            self.fields[name] = field

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


def year_choices() -> list[tuple[int, str]]:
    """Years a monitoring form offers, computed when the form is shown (not at import time:
    a server started in December must offer the new year in January)."""
    return [(y, str(y)) for y in range(local_today().year + 1, 2019, -1)]


YEAR_CHOICES = year_choices


class PeriodFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Год", choices=YEAR_CHOICES, coerce=int, required=False)
    kind = forms.ChoiceField(
        label="Тип организации", choices=[("", "Все типы"), *OrganizationKind.choices], required=False
    )


class BuildForm(ScopedFormMixin, forms.Form):
    municipality = forms.ModelChoiceField(label="Муниципалитет", queryset=Municipality.objects.none())
    year = forms.TypedChoiceField(label="Год", choices=YEAR_CHOICES, coerce=int)
    period = forms.ChoiceField(
        label="Период",
        choices=[
            ("calendar", "Календарный год (1 января – 31 декабря)"),
            ("academic", "Учебный год, который заканчивается в этом году (1 сентября – 31 августа)"),
        ],
        initial="calendar",
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        qs = scoping.monitoring_municipalities(user)
        self.fields["municipality"].queryset = qs
        if qs.count() == 1:
            self.fields["municipality"].initial = qs.first()
        self.fields["year"].initial = scoping.user_today(user).year


class RegionBuildForm(forms.Form):
    """The regional annual report: the year and the kind of year (the region comes from the URL)."""

    year = forms.TypedChoiceField(label="Год", choices=YEAR_CHOICES, coerce=int)
    period = forms.ChoiceField(
        label="Период", choices=BuildForm.base_fields["period"].choices, initial="calendar", required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = scoping.user_today(user).year


class RegionalCampaignForm(forms.Form):
    """A region's request for every municipality's annual report."""

    title = forms.CharField(label="Название", max_length=300)
    year = forms.TypedChoiceField(label="Год отчёта", choices=YEAR_CHOICES, coerce=int)
    period = forms.ChoiceField(label="Период", choices=BuildForm.base_fields["period"].choices, initial="calendar")
    deadline = forms.DateField(label="Срок сдачи", help_text="дд.мм.гггг")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        year = scoping.user_today(user).year
        self.fields["year"].initial = year
        self.fields["title"].initial = f"Годовой аналитический отчёт муниципалитета за {year} год"


class RegionalSubmitForm(ScopedFormMixin, forms.Form):
    """A municipality hands a finished annual report in to the region: the builds offered are the
    municipality's own (`builds`, from the selector), within the user's scope."""

    build = forms.ModelChoiceField(label="Отчёт", queryset=None, empty_label=None)  # type: ignore[arg-type]

    def __init__(self, *args, builds, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["build"]
        field.queryset = builds  # type: ignore[attr-defined]
        field.label_from_instance = lambda b: (  # type: ignore[attr-defined]
            f"Отчёт № {b.pk}, сформирован {localtime(b.finished_at):%d.%m.%Y %H:%M}"
            if b.finished_at
            else f"Отчёт № {b.pk}"
        )
