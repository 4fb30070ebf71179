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
        help_text=(
            "Приказ с таблицей мероприятий: Word (.docx, .doc), RTF, OpenDocument (.odt, .ods), Excel (.xlsx, .xls) "
            "или PDF с текстовым слоем. Сначала покажем, что распознано."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(uploads.ROADMAP_SOURCES)}),
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
        from roadmaps.models import local_today

        super().__init__(*args, user=user, **kwargs)
        self.roadmap = roadmap
        self.fields["organizations"].queryset = scoping.organization_choices(user).filter(
            municipality_id=roadmap.municipality_id
        )
        # A roadmap whose period is over makes school copies full of past (overdue) dates: warn first.
        self.period_over = roadmap.period_end < local_today(roadmap.municipality)
        if self.period_over:
            self.fields["confirm_period_over"] = forms.BooleanField(
                label=(
                    f"Период этой карты закончился {roadmap.period_end:%d.%m.%Y}: всё равно создать карты ОО "
                    "(или укажите выше начало нового периода)"
                ),
                required=False,
            )

    def clean(self):
        data = super().clean()
        if self.period_over and not data.get("period_start") and not data.get("confirm_period_over"):
            self.add_error(
                "confirm_period_over",
                f"Период дорожной карты закончился {self.roadmap.period_end:%d.%m.%Y}: все сроки в картах ОО "
                "окажутся прошедшими. Укажите начало нового периода или подтвердите создание.",
            )
        return data


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


class ImportCorrectionForm(forms.Form):
    """The preview's corrections: period, approving order, column roles and the dates of any cell.

    Built for one staged document: a dates field per activity (prefilled with what was read) and,
    when the reading says which column it took for what, a choice per role."""

    period_start = forms.DateField(label="Начало периода", required=False, widget=DATE_WIDGET)
    period_end = forms.DateField(label="Окончание периода", required=False, widget=DATE_WIDGET)
    order_number = forms.CharField(label="Номер приказа", required=False, max_length=100)
    order_date = forms.DateField(label="Дата приказа", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, staged, rows: list[dict], **kwargs):
        from roadmaps.upload import column_choices

        document = staged.document
        initial = {
            "period_start": None if staged.needs_period else document.period_start,
            "period_end": None if staged.needs_period else document.period_end,
            "order_number": document.order_number,
            "order_date": document.order_date,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.staged = staged
        self.rows = {row["key"]: row for section in rows for row in section["activities"]}
        for key, row in self.rows.items():
            self.fields[f"dates-{key}"] = forms.CharField(
                label=f"Даты мероприятия {row['number']}".strip(),
                required=False,
                initial=row["dates_input"],
                widget=forms.TextInput(attrs={"placeholder": "дд.мм.гггг, дд.мм.гггг"}),
            )
        self.roles, options = column_choices(document)
        for role, label, current in self.roles:
            self.fields[f"column-{role}"] = forms.TypedChoiceField(
                label=label, choices=options, required=False, coerce=int, empty_value=-1, initial=current
            )

    def clean(self):
        from roadmaps.upload import parse_dates

        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if bool(start) != bool(end):
            self.add_error("period_end" if start else "period_start", "Укажите и начало, и окончание периода.")
        elif start and end and end < start:
            self.add_error("period_end", "Окончание периода раньше начала.")
        elif start and end and (end - start).days > 366 * 10:
            self.add_error("period_end", "Период дорожной карты длиннее десяти лет: проверьте годы.")
        if self.staged.needs_period and not (start and end):
            self.add_error("period_start", "Период в документе не найден: укажите его, иначе сроки не рассчитать.")
        if self.errors:
            return data
        period = (start, end)
        dates: dict[str, list[dt.date]] = {}
        for key, row in self.rows.items():
            text = (data.get(f"dates-{key}") or "").strip()
            if not text or (text == row["dates_input"] and not row["corrected"]):
                continue  # unchanged, or emptied: the dates read from the cell stand
            try:
                dates[key] = parse_dates(text, period=period)
            except forms.ValidationError as exc:
                self.add_error(f"dates-{key}", exc)
        data["dates"] = dates
        chosen = {role: data.get(f"column-{role}") for role, _label, _current in self.roles}
        changed = any(chosen[role] != current for role, _label, current in self.roles)
        kept = bool(self.staged.corrections.column_map)
        data["column_map"] = {r: v for r, v in chosen.items() if v is not None} if (changed or kept) else {}
        return data
