from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings

from accounts import scoping, uploads
from accounts.forms import ScopedFormMixin
from roadmaps.models import Activity, ExecutionRecord, ExecutionStatus, Indicator, RoadmapStatus
from roadmaps.services import ALLOWED_EVIDENCE_EXTENSIONS

DATE_WIDGET = forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "дд.мм.гггг"})


class RoadmapUploadForm(ScopedFormMixin, forms.Form):
    file = forms.FileField(
        label="Файл дорожной карты",
        help_text="Word (.docx) с таблицей мероприятий или Excel (.xlsx). Сначала покажем, что распознано.",
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.xlsx"}),
    )
    municipality = forms.ModelChoiceField(label="Муниципалитет", queryset=None)
    organization = forms.ModelChoiceField(
        label="Организация",
        queryset=None,
        required=False,
        help_text="Оставьте пустым для муниципальной дорожной карты.",
    )
    is_template = forms.BooleanField(label="Типовая дорожная карта (образец для ОО)", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        from accounts.imports import limits_text

        self.fields["file"].help_text = f"{self.fields['file'].help_text} {limits_text('.docx или .xlsx')}"
        # Curators upload their school's roadmap: they may pick their municipality even though
        # they cannot edit its municipal roadmap.
        municipality_ids = set(scoping.editable_municipalities(user).values_list("pk", flat=True))
        municipality_ids |= set(scoping.editable_organizations(user).values_list("municipality_id", flat=True))
        from accounts.models import Municipality

        self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=municipality_ids)
        self.fields["organization"].queryset = scoping.organization_choices(user)
        if len(municipality_ids) == 1:
            self.fields["municipality"].initial = next(iter(municipality_ids))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.name.lower().endswith((".doc", ".xls")):
            raise forms.ValidationError("Старые форматы .doc и .xls сохраните как .docx или .xlsx и загрузите снова.")
        uploads.validate_upload(upload, uploads.ROADMAP_SOURCES)
        return upload

    def clean(self):
        data = super().clean()
        municipality, organization = data.get("municipality"), data.get("organization")
        if municipality and organization and organization.municipality_id != municipality.pk:
            self.add_error("organization", "Организация не относится к выбранному муниципалитету.")
        if municipality and not organization and not scoping.can_edit_municipality(self.user, municipality):
            self.add_error("organization", "Выберите свою организацию: муниципальную карту загружает координатор.")
        return data


class DeriveForm(ScopedFormMixin, forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label="Организации",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    period_start = forms.DateField(
        label="Начало периода",
        required=False,
        widget=DATE_WIDGET,
        help_text="Для типовой карты на другой учебный год: сроки сдвинутся на целое число лет.",
    )

    def __init__(self, *args, roadmap, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organizations"].queryset = scoping.organization_choices(user).filter(
            municipality_id=roadmap.municipality_id
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Статус",
        choices=RoadmapStatus.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    order_number = forms.CharField(
        label="Номер приказа",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    order_date = forms.DateField(
        label="Дата приказа",
        required=False,
        widget=forms.DateInput(
            format="%d.%m.%Y", attrs={"placeholder": "дд.мм.гггг", "class": "form-control form-control-sm"}
        ),
    )


class DueDatesForm(forms.Form):
    dates = forms.CharField(
        label="Сроки",
        help_text="Одна или несколько дат через запятую: 15.09.2026, 15.01.2027",
        widget=forms.TextInput(attrs={"placeholder": "дд.мм.гггг, дд.мм.гггг"}),
    )

    def clean_dates(self) -> list[dt.date]:
        parts = [p for p in re.split(r"[,;\s]+", self.cleaned_data["dates"]) if p]
        dates = []
        for part in parts:
            try:
                dates.append(dt.datetime.strptime(part, "%d.%m.%Y").date())
            except ValueError:
                raise forms.ValidationError(f"«{part}» — не дата; пишите как 31.08.2026.") from None
        if not dates:
            raise forms.ValidationError("Укажите хотя бы одну дату.")
        return sorted(set(dates))


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "result", "deadline_text", "responsible_text", "participants_text"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in fields}


class RecordForm(forms.ModelForm):
    evidence_url = forms.URLField(label="Ссылка", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = ExecutionRecord
        fields = [
            "status",
            "completed_on",
            "evidence_file",
            "evidence_url",
            "document_number",
            "document_date",
            "comment",
        ]
        widgets = {
            "completed_on": DATE_WIDGET,
            "document_date": DATE_WIDGET,
            "comment": forms.Textarea(attrs={"rows": 3}),
            "evidence_file": forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EVIDENCE_EXTENSIONS)}),
        }
        help_texts = {
            "evidence_file": "Приказ, справка, отчёт: "
            + ", ".join(ALLOWED_EVIDENCE_EXTENSIONS)
            + f"; до {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} МБ.",
            "completed_on": "Пусто — сегодняшняя дата.",
        }

    def clean(self):
        data = super().clean()
        if data.get("status") == ExecutionStatus.DONE and not (
            data.get("evidence_file") or data.get("evidence_url") or data.get("document_number")
        ):
            raise forms.ValidationError("Для отметки «Выполнено» приложите файл, ссылку или реквизиты документа.")
        return data


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["metric", "actual_manual", "evidence"]
