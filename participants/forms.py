from __future__ import annotations

from django import forms

from mentorship.models import MeetingFormat, Stage


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Оценка встречи (1 — совсем не полезно, 10 — очень полезно)",
        choices=[(i, str(i)) for i in range(1, 11)],
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    text = forms.CharField(
        label="Что было полезно, что получилось, что хотелось бы изменить",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class ProposeForm(forms.Form):
    held_on = forms.DateField(label="Дата (дд.мм.гггг)", widget=forms.DateInput(attrs={"inputmode": "numeric"}))
    format = forms.ChoiceField(label="Формат", choices=MeetingFormat.choices)
    topic = forms.CharField(label="Тема", max_length=300)
    stage = forms.ChoiceField(label="Этап программы", choices=Stage.choices, initial=Stage.JOINT)
    duration_minutes = forms.IntegerField(label="Продолжительность, мин", min_value=5, max_value=600, initial=45)
