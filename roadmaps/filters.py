from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from accounts import scoping
from accounts.widgets import FastSelect
from roadmaps import selectors
from roadmaps.models import ExecutionRecord, ExecutionState, Roadmap, RoadmapLevel, RoadmapStatus

DATE_INPUT = forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": "дд.мм.гггг"})


class RoadmapFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Поиск", method="search")
    level = django_filters.ChoiceFilter(label="Уровень", choices=RoadmapLevel.choices, empty_label="Все")
    status = django_filters.ChoiceFilter(label="Статус", choices=RoadmapStatus.choices, empty_label="Все")
    municipality = django_filters.ModelChoiceFilter(
        widget=FastSelect(label_field="name"), label="Муниципалитет", queryset=None, empty_label="Все"
    )

    class Meta:
        model = Roadmap
        fields = ["q", "level", "status", "municipality"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["municipality"].queryset = scoping.visible_municipalities(user)

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(organization__short_name__icontains=value))


class RecordFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label="Состояние",
        choices=ExecutionState.choices,
        method="filter_state",
        empty_label="Не выполненные",
    )
    roadmap = django_filters.ModelChoiceFilter(
        widget=FastSelect(label_field="title", label=Roadmap.shorten),
        label="Дорожная карта",
        field_name="activity__roadmap",
        queryset=None,
        empty_label="Все",
    )
    level = django_filters.ChoiceFilter(
        label="Уровень",
        method="filter_level",
        empty_label="Все",
        choices=[("municipal", "Муниципальный уровень"), ("schools", "Образовательные организации")],
    )
    organization = django_filters.ModelChoiceFilter(
        widget=FastSelect(label_field="short_name"), label="Организация", queryset=None, empty_label="Все"
    )
    due_from = django_filters.DateFilter(label="Срок с", field_name="due_on", lookup_expr="gte", widget=DATE_INPUT)
    due_to = django_filters.DateFilter(label="Срок по", field_name="due_on", lookup_expr="lte", widget=DATE_INPUT)

    class Meta:
        model = ExecutionRecord
        fields = ["state", "roadmap", "level", "organization", "due_from", "due_to"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.municipalities = list(scoping.visible_municipalities(user))
        self.filters["roadmap"].queryset = selectors.roadmaps_editable(user).exclude(status=RoadmapStatus.ARCHIVED)
        self.filters["organization"].queryset = scoping.organization_choices(user)

    def filter_level(self, queryset, name, value):
        return queryset.filter(organization__isnull=(value == "municipal"))

    def filter_state(self, queryset, name, value):
        return queryset.filter(selectors.state_q(value, self.municipalities))

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("state"):
            # by default the list shows what is still to do
            qs = qs.exclude(status="done")
        return qs


class MatrixFilter(django_filters.FilterSet):
    """Organizations of the matrix. `state` and `sort` need the rates of every organization, so they
    are applied by roadmaps.selectors.matrix_order after the query (their filters pass the rows on)."""

    q = django_filters.CharFilter(label="Организация", method="search")
    kind = django_filters.ChoiceFilter(label="Тип", choices=None, empty_label="Все")
    state = django_filters.ChoiceFilter(label="Состояние", choices=None, empty_label="Все", method="keep")
    sort = django_filters.ChoiceFilter(label="Порядок", choices=None, empty_label=None, method="keep")

    class Meta:
        from accounts.models import Organization

        model = Organization
        fields = ["q", "kind", "state", "sort"]

    def keep(self, queryset, name, value):
        return queryset

    def choice(self, name: str) -> str:
        if not self.is_bound or not self.form.is_valid():
            return ""
        return self.form.cleaned_data.get(name) or ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.models import OrganizationKind

        self.filters["kind"].extra["choices"] = OrganizationKind.choices
        self.filters["state"].extra["choices"] = list(selectors.MATRIX_STATES.items())
        self.filters["sort"].extra["choices"] = list(selectors.MATRIX_SORTS.items())

    def search(self, queryset, name, value):
        return queryset.filter(Q(short_name__icontains=value) | Q(full_name__icontains=value))
