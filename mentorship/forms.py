"""Forms of the curator screens. Every choice list comes from accounts.scoping or the selectors."""

from __future__ import annotations

import datetime as dt

from django import forms

from accounts import scoping
from accounts.forms import ScopedFormMixin
from accounts.uploads import validate_document
from accounts.widgets import FastSelect
from mentorship import selectors
from mentorship.models import (
    Community,
    CommunityMeeting,
    Consent,
    Deficit,
    Event,
    EventParticipant,
    ImportJob,
    Meeting,
    MentoringForm,
    Pair,
    Person,
    PersonKind,
    PlanItem,
    Practice,
    PracticeFile,
    Program,
    ProgramSource,
    ProgramTemplate,
    full_name,
    normalize_name,
)


class RuDateInput(forms.DateInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": "дд.мм.гггг", "autocomplete": "off", **(attrs or {})}, format="%d.%m.%Y")


class RuFormMixin:
    """Dates typed as дд.мм.гггг; long multi-selects shown as check boxes."""

    def _ru_widgets(self) -> None:
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = RuDateInput()
            elif isinstance(field, forms.ModelMultipleChoiceField) and not isinstance(
                field.widget, forms.CheckboxSelectMultiple
            ):
                # searchable with tom-select (static/js/app.js), a plain list without JavaScript
                field.widget = forms.SelectMultiple(attrs={"size": 6, "data-tom-select": "1"})
                field.widget.choices = field.choices  # a new widget does not inherit the field's choices

    def fieldsets(self) -> list[tuple[str, list]]:
        """The form's fields grouped by `sections` ((title, [field names]) on the form class); fields of
        no section follow in a last group. Used by mentorship/form.html."""
        sections = getattr(self, "sections", None)
        if not sections:
            return [("", list(self))]  # type: ignore[call-overload]
        seen: set[str] = set()
        groups = []
        for title, names in sections:
            fields = [self[name] for name in names if name in self.fields]  # type: ignore[index]
            seen.update(names)
            if fields:
                groups.append((title, fields))
        rest = [self[name] for name in self.fields if name not in seen]  # type: ignore[index]
        if rest:
            groups.append(("Прочее", rest))
        return groups


class PersonForm(ScopedFormMixin, RuFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "organization",
            "kind",
            "last_name",
            "first_name",
            "middle_name",
            "position",
            "grade",
            "subjects",
            "experience_years",
            "qualification_category",
            "email",
            "phone",
            "is_mentor",
            "competencies",
            "awards",
            "in_municipal_bank",
            "training",
            "training_completed_on",
            "capacity",
            "is_mentee",
            "mentee_category",
            "deficits",
            "deficits_note",
            "requests",
            "mentee_since",
        ]
        widgets = {
            "awards": forms.Textarea(attrs={"rows": 2}),
            "deficits_note": forms.Textarea(attrs={"rows": 2}),
            "requests": forms.Textarea(attrs={"rows": 2}),
        }

    sections = [
        ("Человек", ["organization", "kind", "last_name", "first_name", "middle_name", "grade"]),
        ("Работа и контакты", ["position", "subjects", "experience_years", "qualification_category", "email", "phone"]),
        (
            "Наставник",
            [
                "is_mentor",
                "competencies",
                "awards",
                "in_municipal_bank",
                "training",
                "training_completed_on",
                "capacity",
            ],
        ),
        ("Наставляемый", ["is_mentee", "mentee_category", "deficits", "deficits_note", "requests", "mentee_since"]),
        (
            "Согласие на обработку персональных данных",
            ["consent_given_on", "consent_representative", "consent_withdrawn_on"],
        ),
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self._consent_fields(user)
        orgs = scoping.organization_choices(user)
        self.fields["organization"].queryset = orgs
        if self.instance.pk is None and len(orgs) == 1:
            self.fields["organization"].initial = orgs[0]
        # joining the municipal bank is the coordinator's decision (or a contest result)
        if not scoping.scope_for(user).edits_municipal_data:
            self.fields.pop("in_municipal_bank", None)
        self._ru_widgets()

    def clean(self):
        data = super().clean()
        organization = data.get("organization")
        key = normalize_name(data.get("last_name"), data.get("first_name"), data.get("middle_name"))
        if organization and key:
            duplicate = Person.objects.filter(organization=organization, name_key=key).exclude(pk=self.instance.pk)
            if duplicate.exists():
                self.add_error(
                    "last_name",
                    f"{data.get('last_name')} {data.get('first_name')} {data.get('middle_name') or ''} уже есть "
                    f"в организации {organization}: откройте существующую карточку.".replace("  ", " "),
                )
        if not data.get("is_mentor") and not data.get("is_mentee"):
            self.add_error("is_mentor", "Отметьте, кто этот человек: наставник, наставляемый или оба.")
        if data.get("is_mentee") and not data.get("mentee_category"):
            self.add_error("mentee_category", "Укажите категорию наставляемого.")
        self._clean_consent(data)
        return data

    # The consent section (152-ФЗ) ---------------------------------------------------------------
    def _consent_fields(self, user) -> None:
        """A new person's consent is typed with the card, the form people finish in one go. On an
        existing person's form the section shows their current consent: its date and representative
        are corrected in place (the consent's history keeps the old values), and a withdrawal date
        withdraws it (services.consent_withdraw: without another valid consent the personal data
        are anonymized and the participant's account is closed). A person with no valid consent
        gets a new one from the same two fields; earlier, withdrawn ones stay on the card."""
        self.current_consent = (
            self.instance.consents.filter(withdrawn_on__isnull=True).order_by("-given_on", "-pk").first()
            if self.instance.pk is not None and not self.instance.is_anonymized
            else None
        )
        self.today = scoping.user_today(user)
        current = self.current_consent
        if self.instance.pk is not None and self.instance.is_anonymized:
            return  # nothing personal is left to consent to
        self.fields["consent_given_on"] = forms.DateField(
            label="Дата согласия",
            required=False,
            initial=current.given_on if current else None,
            help_text=(
                "Исправление даты сохранится в истории согласия."
                if current
                else "Если согласие уже подписано. Скан можно приложить позже на карточке участника."
            ),
        )
        self.fields["consent_representative"] = forms.CharField(
            label="Законный представитель (ФИО)",
            required=False,
            max_length=200,
            initial=current.representative_name if current else "",
            help_text="Для несовершеннолетнего согласие даёт родитель (законный представитель).",
        )
        if current is not None:
            others = self.instance.consents.filter(withdrawn_on__isnull=True).exclude(pk=current.pk).exists()
            self.fields["consent_withdrawn_on"] = forms.DateField(
                label="Согласие отозвано (дата)",
                required=False,
                help_text=(
                    "Заполните, только если участник отозвал согласие. Другое действующее согласие остаётся."
                    if others
                    else "Заполните, только если участник отозвал согласие: его персональные данные будут "
                    "обезличены (составится акт об уничтожении), а учётная запись участника закрыта."
                ),
            )

    def _clean_consent(self, data) -> None:
        if "consent_given_on" not in self.fields:
            return
        current = self.current_consent
        given_on = data.get("consent_given_on")
        withdrawn_on = data.get("consent_withdrawn_on")
        if current is not None and not given_on:
            self.add_error(
                "consent_given_on",
                "Дата согласия нужна. Если участник отозвал согласие, укажите дату отзыва.",
            )
            return
        if given_on and given_on > self.today:
            self.add_error("consent_given_on", "Дата согласия не может быть позже сегодняшней.")
        representative = (data.get("consent_representative") or "").strip()
        changed = current is None or (given_on, representative) != (current.given_on, current.representative_name)
        if given_on and changed and data.get("kind") == PersonKind.PUPIL and not representative:
            self.add_error("consent_representative", "За обучающегося согласие даёт родитель: укажите его ФИО.")
        if withdrawn_on:
            if withdrawn_on > self.today:
                self.add_error("consent_withdrawn_on", "Дата отзыва не может быть позже сегодняшней.")
            elif given_on and withdrawn_on < given_on:
                self.add_error("consent_withdrawn_on", "Дата отзыва не может быть раньше даты согласия.")

    @property
    def consent_changes(self) -> dict:
        """What the consent section asks the service to do (services.person_save)."""
        if "consent_given_on" not in self.fields:
            return {}
        data = self.cleaned_data
        return {
            "current": self.current_consent,
            "given_on": data.get("consent_given_on"),
            "representative_name": (data.get("consent_representative") or "").strip(),
            "withdrawn_on": data.get("consent_withdrawn_on"),
        }


class ConsentForm(RuFormMixin, forms.ModelForm):
    class Meta:
        model = Consent
        fields = ["given_on", "purpose", "representative_name", "scan"]

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.person = person
        if person.kind != PersonKind.PUPIL:
            self.fields["representative_name"].help_text = "Заполняется, если согласие даёт законный представитель."
        self._ru_widgets()


def _mentee_choices(user):
    return selectors.people_editable(user).filter(is_mentee=True, is_active=True).select_related("organization")


class PairForm(ScopedFormMixin, RuFormMixin, forms.ModelForm):
    mentors = forms.ModelMultipleChoiceField(label="Наставники", queryset=Person.objects.none())
    mentees = forms.ModelMultipleChoiceField(label="Наставляемые", queryset=Person.objects.none())

    class Meta:
        model = Pair
        fields = [
            "organization",
            "form",
            "formats",
            "title",
            "started_on",
            "planned_end_on",
            "order_number",
            "order_date",
        ]
        widgets = {"formats": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        orgs = scoping.organization_choices(user)
        self.fields["organization"].queryset = orgs
        if len(orgs) == 1:
            self.fields["organization"].initial = orgs[0]
        self.fields["form"].queryset = MentoringForm.objects.filter(kind=MentoringForm.Kind.FORM, is_active=True)
        self.fields["formats"].queryset = MentoringForm.objects.filter(kind=MentoringForm.Kind.FORMAT, is_active=True)
        self.fields["mentors"].queryset = selectors.mentor_bank(user).order_by("last_name", "first_name")
        self.fields["mentors"].label_from_instance = lambda p: f"{p.full_name} ({p.organization.short_name})"
        self.fields["mentees"].queryset = _mentee_choices(user)
        self.fields["mentees"].label_from_instance = lambda p: f"{p.full_name} ({p.organization.short_name})"
        self._ru_widgets()


class PairEditForm(RuFormMixin, forms.ModelForm):
    class Meta:
        model = Pair
        fields = ["form", "formats", "title", "started_on", "planned_end_on", "order_number", "order_date"]
        widgets = {"formats": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = MentoringForm.objects.filter(kind=MentoringForm.Kind.FORM)
        self.fields["formats"].queryset = MentoringForm.objects.filter(kind=MentoringForm.Kind.FORMAT)
        self._ru_widgets()


class AddParticipantForm(ScopedFormMixin, forms.Form):
    # the names read as values and written without a template per option: the ~130 people a pair of
    # a regional centre may take cost a third of the pair's page through Django's Select
    person = forms.ModelChoiceField(
        label="Участник",
        queryset=Person.objects.none(),
        widget=FastSelect(label_field=("last_name", "first_name", "middle_name"), label=full_name),
    )
    role = forms.ChoiceField(label="Роль", choices=[("mentor", "Наставник"), ("mentee", "Наставляемый")])

    def __init__(self, *args, user, pair=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        bank = selectors.mentor_bank(user)
        mentees = _mentee_choices(user)
        if pair is None:
            ids = (bank | mentees).values("pk")
        else:
            # only whom this pair can take (services._validate_mentor/_validate_mentee): its school's
            # people and the municipal bank's mentors. A coordinator was offered all 4,800 people of a
            # regional centre in one list (2.4 s to render the pair page). Three narrow sets joined
            # by UNION: as one OR the planner read every active mentor of the region (×2 region,
            # ×2 time on a curator's pair card)
            school = pair.organization_id
            ids = (
                bank.filter(organization_id=school)
                .order_by()
                .values("pk")
                .union(
                    mentees.filter(organization_id=school).order_by().values("pk"),
                    bank.filter(in_municipal_bank=True, organization__municipality_id=pair.organization.municipality_id)
                    .order_by()
                    .values("pk"),
                )
            )
        self.fields["person"].queryset = Person.objects.filter(pk__in=ids)


class PairStopForm(RuFormMixin, forms.Form):
    reason = forms.CharField(label="Причина досрочного прекращения", widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label="Дата прекращения", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ru_widgets()


class PairCompleteForm(RuFormMixin, forms.Form):
    results = forms.CharField(label="Достигнутые результаты", widget=forms.Textarea(attrs={"rows": 3}))
    reflection = forms.CharField(label="Итоги рефлексии", widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label="Дата завершения", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ru_widgets()


class ProgramCreateForm(ScopedFormMixin, forms.Form):
    source = forms.ChoiceField(
        label="Основа программы", choices=ProgramSource.choices, widget=forms.RadioSelect, initial=ProgramSource.BLANK
    )
    template = forms.ModelChoiceField(
        label="Типовая программа", queryset=ProgramTemplate.objects.filter(is_active=True), required=False
    )
    based_on = forms.ModelChoiceField(label="Программа из базы", queryset=Program.objects.none(), required=False)
    title = forms.CharField(
        label="Название",
        required=False,
        max_length=300,
        help_text="Можно оставить пустым: название возьмётся из основы.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["based_on"].queryset = selectors.program_bank(user)
        self.fields["based_on"].label_from_instance = lambda p: f"{p.title} ({p.pair.organization.short_name})"

    def clean(self):
        data = super().clean()
        if data.get("source") == ProgramSource.TEMPLATE and not data.get("template"):
            self.add_error("template", "Выберите типовую программу.")
        if data.get("source") == ProgramSource.BANK and not data.get("based_on"):
            self.add_error("based_on", "Выберите программу из базы.")
        return data


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = ["title", "goals", "deficits", "expected_results"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "expected_results": forms.Textarea(attrs={"rows": 3}),
            "deficits": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["deficits"].queryset = Deficit.objects.filter(is_active=True)


def pair_window(pair: Pair | None) -> tuple[dt.date | None, dt.date | None]:
    """The dates a pair works between: its start and its end (actual, else planned)."""
    if pair is None:
        return None, None
    return pair.started_on, pair.ended_on or pair.planned_end_on


def date_inside(day: dt.date, pair: Pair | None) -> dt.date:
    """`day` moved inside the pair's dates (the default of a new meeting or plan item)."""
    start, end = pair_window(pair)
    if start and day < start:
        day = start
    if end and day > end:
        day = end
    return day


class PairDatesMixin:
    """A date field of a pair's meeting or plan item must lie within the pair's dates."""

    pair_date_field = ""
    pair_date_what = ""

    def _check_pair_dates(self, data: dict, pair: Pair | None) -> None:
        from mentorship.models import pair_date_error

        if getattr(self, "instance", None) is not None and getattr(self.instance, "pair_id", None):
            return  # a saved meeting: Meeting.clean checks it (one message, not two)
        message = pair_date_error(pair, data.get(self.pair_date_field), self.pair_date_what)
        if message:
            self.add_error(self.pair_date_field, message)  # type: ignore[attr-defined]


class PlanItemForm(PairDatesMixin, RuFormMixin, forms.ModelForm):
    pair_date_field = "due_on"
    pair_date_what = "Срок"

    class Meta:
        model = PlanItem
        fields = ["title", "stage", "due_on"]

    def __init__(self, *args, pair: Pair | None = None, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = pair
        if today is not None and not self.is_bound and self.instance.pk is None:
            self.fields["due_on"].initial = date_inside(today, pair)
        self._ru_widgets()

    def clean(self):
        data = super().clean()
        self._check_pair_dates(data, self.pair)
        return data


class MeetingForm(PairDatesMixin, RuFormMixin, forms.ModelForm):
    pair_date_field = "held_on"
    pair_date_what = "Дата встречи"

    class Meta:
        model = Meeting
        fields = [
            "held_on",
            "format",
            "stage",
            "topic",
            "duration_minutes",
            "mentor_rating",
            "mentor_feedback",
            "mentee_rating",
            "mentee_feedback",
        ]
        widgets = {
            "mentor_feedback": forms.Textarea(attrs={"rows": 3}),
            "mentee_feedback": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"mentee_feedback": "Встреча без обратной связи обеих сторон считается незаполненной."}

    def __init__(self, *args, pair: Pair | None = None, today: dt.date | None = None, **kwargs):
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.pair = pair or (self.instance.pair if self.instance.pair_id else None)
        if today is not None and not self.is_bound and self.instance.pk is None:
            self.fields["held_on"].initial = date_inside(today, self.pair)
        self._ru_widgets()

    def clean(self):
        data = super().clean()
        self._check_pair_dates(data, self.pair)
        for side, label in (("mentor", "наставника"), ("mentee", "наставляемого")):
            if data.get(f"{side}_rating") and not (data.get(f"{side}_feedback") or "").strip():
                self.add_error(f"{side}_feedback", f"Добавьте к оценке {label} хотя бы пару слов.")
        return data


class PracticeForm(ScopedFormMixin, forms.ModelForm):
    file = forms.FileField(label="Файл (презентация, описание)", required=False, validators=[validate_document])

    class Meta:
        model = Practice
        fields = ["organization", "title", "authors", "form", "description", "status", "is_published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        orgs = scoping.organization_choices(user)
        self.fields["organization"].queryset = orgs
        if len(orgs) == 1:
            self.fields["organization"].initial = orgs[0]


class PracticeFileForm(forms.ModelForm):
    class Meta:
        model = PracticeFile
        fields = ["title", "file"]


def _event_scope_fields(form, user) -> None:
    form.fields["municipality"].queryset = scoping.visible_municipalities(user)
    form.fields["organization"].queryset = scoping.organization_choices(user)
    form.fields["organization"].required = False


class MunicipalOrSchoolForm(ScopedFormMixin, forms.ModelForm):
    """Municipal rows need the municipality's edit right; school rows the organization's."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        _event_scope_fields(self, user)
        munis = self.fields["municipality"].queryset
        if len(munis) == 1:
            self.fields["municipality"].initial = munis[0]

    def clean(self):
        data = super().clean()
        municipality, organization = data.get("municipality"), data.get("organization")
        if organization and municipality and organization.municipality_id != municipality.pk:
            self.add_error("organization", "Организация из другого муниципалитета.")
        elif organization is None and municipality and not scoping.can_edit_municipality(self.user, municipality):
            self.add_error("organization", "Муниципальные записи ведёт координатор: выберите свою организацию.")
        return data


class EventForm(RuFormMixin, MunicipalOrSchoolForm):
    class Meta:
        model = Event
        fields = ["municipality", "organization", "title", "kind", "starts_on", "place", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ru_widgets()


class EventParticipantForm(ScopedFormMixin, forms.ModelForm):
    class Meta:
        model = EventParticipant
        fields = ["person", "result"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["person"].queryset = selectors.people_visible(user).select_related("organization")
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} ({p.organization.short_name})"


class CommunityForm(MunicipalOrSchoolForm):
    link = forms.URLField(label="Ссылка на площадку", required=False, assume_scheme="https")

    class Meta:
        model = Community
        fields = ["municipality", "organization", "title", "description", "link"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CommunityMemberForm(ScopedFormMixin, forms.Form):
    person = forms.ModelChoiceField(label="Наставник", queryset=Person.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["person"].queryset = selectors.mentor_bank(user)
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} ({p.organization.short_name})"


class CommunityMeetingForm(RuFormMixin, forms.ModelForm):
    class Meta:
        model = CommunityMeeting
        fields = ["held_on", "topic", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ru_widgets()


class ImportJobForm(forms.ModelForm):
    """The file is read and checked here (foreign or broken file, sheet, headers, template,
    limits) so that a wrong file is refused at once; the rows are checked by the background job."""

    sheet = forms.CharField(label="Лист", required=False, max_length=100, widget=forms.HiddenInput)

    class Meta:
        model = ImportJob
        fields = ["kind", "file", "sheet"]

    def __init__(self, *args, **kwargs):
        from accounts.imports import limits_text

        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = limits_text()

    def clean(self):
        from accounts import imports
        from mentorship.exchange import RESOURCES

        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if not upload or not kind:
            return cleaned
        if upload.size > imports.max_bytes():
            self.add_error("file", _too_big(upload))
            return cleaned
        resource = RESOURCES[kind]
        try:
            upload.seek(0)
            content = upload.read()
            upload.seek(0)
            sheet = imports.read_workbook(
                content, upload.name, expected=resource.import_template().headers, sheet=cleaned.get("sheet") or None
            )
            imports.check_headers(sheet, resource.import_template())
        except imports.ImportRejected as exc:
            if exc.sheets:
                # the user picks the sheet and sends the file again
                self.fields["sheet"].widget = forms.Select(choices=[(s, s) for s in exc.sheets])
            self.add_error("file", " ".join(str(p) for p in exc.problems))
            return cleaned
        cleaned["sheet"] = sheet.name
        return cleaned


def _too_big(upload) -> str:
    from accounts import imports

    try:
        imports.sniff(b"x" * (imports.max_bytes() + 1), upload.name)
    except imports.ImportRejected as exc:
        return exc.message
    return "Файл слишком большой."
