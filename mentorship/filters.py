"""List filters. Organization choices come from the user's scope, never from the whole table."""

import django_filters
from django.db.models import Q

from accounts import scoping
from accounts.widgets import FastSelect
from mentorship.models import (
    Competency,
    Deficit,
    MenteeCategory,
    MentoringForm,
    Pair,
    PairStatus,
    Person,
    PersonKind,
)


def _search_people(queryset, name, value):
    q = Q()
    for word in value.split():
        q &= (
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(middle_name__icontains=word)
            | Q(position__icontains=word)
        )
    return queryset.filter(q)


class ScopedOrganizationFilterSet(django_filters.FilterSet):
    """«Организация» among the organizations the user reads. A user who reads several whole
    municipalities (a regional user, an administrator) chooses the municipality first and is then
    offered its organizations: one select of every organization of a region (2,000 and growing
    with it) was half of a regional list's time and grew with the region."""

    municipality = django_filters.ModelChoiceFilter(
        widget=FastSelect(label_field="name"),
        label="Муниципалитет",
        field_name="organization__municipality",
        queryset=None,
        empty_label="Все",
    )
    organization = django_filters.ModelChoiceFilter(
        widget=FastSelect(label_field="short_name"), label="Организация", queryset=None, empty_label="Все"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scoping.scope_for(user)
        organizations = scoping.organization_choices(user, edit=False)
        if scope.is_admin or len(scope.view_municipality_ids) > 1:
            self.filters["municipality"].queryset = scoping.visible_municipalities(user).order_by("name")
            # the chosen municipality's organizations, and the chosen organization itself (a link
            # from an organization's page names only it)
            municipality, organization = _id(self.data.get("municipality")), _id(self.data.get("organization"))
            organizations = organizations.filter(Q(municipality_id=municipality) | Q(pk=organization))
        else:
            del self.filters["municipality"]
        self.filters["organization"].queryset = organizations
        if "municipality" in self.filters and not self.data.get("municipality") and not self.data.get("organization"):
            self.form.fields["organization"].widget.attrs.update(disabled=True, title="Сначала выберите муниципалитет")

    @property
    def qs(self):
        # a value the form refuses (an organization or municipality the user may not read, a word
        # for a number) lists nobody and says why under the field, never the whole scope
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    @property
    def is_filtered(self) -> bool:
        """Whether any filter is set (a region-wide user's list without one is its municipalities
        as rows: mentorship.views._region_rows)."""
        return any(self.data.get(name) not in (None, "") for name in self.filters)


def _id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class WaitingFilter(django_filters.FilterSet):
    """«Ожидают пару» of one municipality (a region-wide user's drill-down from its municipality rows)."""

    municipality = django_filters.ModelChoiceFilter(
        label="Муниципалитет",
        field_name="organization__municipality",
        queryset=None,
        empty_label="Все",
        widget=FastSelect(label_field="name"),
    )

    class Meta:
        model = Person
        fields = ["municipality"]

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["municipality"].queryset = municipalities


class PersonFilter(ScopedOrganizationFilterSet):
    q = django_filters.CharFilter(label="Поиск", method="search")
    kind = django_filters.ChoiceFilter(label="Кто", choices=PersonKind.choices, empty_label="Все")
    role = django_filters.ChoiceFilter(
        label="Банк",
        method="by_role",
        empty_label="Все",
        choices=[("mentor", "Наставники"), ("mentee", "Наставляемые")],
    )
    consent = django_filters.ChoiceFilter(
        label="Согласие",
        method="by_consent",
        empty_label="Все",
        choices=[("yes", "Есть"), ("no", "Нет")],
    )

    class Meta:
        model = Person
        fields = ["q", "organization", "kind", "role", "consent"]

    def search(self, queryset, name, value):
        return _search_people(queryset, name, value)

    def by_role(self, queryset, name, value):
        return queryset.filter(**{f"is_{value}": True})

    def by_consent(self, queryset, name, value):
        return queryset.filter(has_consent=value == "yes")


class MentorFilter(ScopedOrganizationFilterSet):
    q = django_filters.CharFilter(label="Поиск", method="search")
    competency = django_filters.ModelChoiceFilter(
        widget=FastSelect(label_field="name"),
        label="Компетенция",
        queryset=Competency.objects.filter(is_active=True),
        field_name="competencies",
        empty_label="Все",
    )
    free = django_filters.BooleanFilter(label="Есть свободные места", method="with_free")

    class Meta:
        model = Person
        fields = ["q", "organization", "competency", "free"]

    def search(self, queryset, name, value):
        return _search_people(queryset, name, value)

    def with_free(self, queryset, name, value):
        from django.db.models import F

        if value is None:
            return queryset
        return queryset.filter(load__lt=F("capacity")) if value else queryset.filter(load__gte=F("capacity"))


class MenteeFilter(ScopedOrganizationFilterSet):
    q = django_filters.CharFilter(label="Поиск", method="search")
    category = django_filters.ChoiceFilter(
        label="Категория", field_name="mentee_category", choices=MenteeCategory.choices, empty_label="Все"
    )
    deficit = django_filters.ModelChoiceFilter(
        widget=FastSelect(label_field="name"),
        label="Дефицит",
        queryset=Deficit.objects.filter(is_active=True),
        field_name="deficits",
        empty_label="Все",
    )

    class Meta:
        model = Person
        fields = ["q", "organization", "category", "deficit"]

    def search(self, queryset, name, value):
        return _search_people(queryset, name, value)


class PairFilter(ScopedOrganizationFilterSet):
    q = django_filters.CharFilter(label="Поиск", method="search")
    status = django_filters.ChoiceFilter(label="Статус", choices=PairStatus.choices, empty_label="Все")
    form = django_filters.ModelChoiceFilter(
        widget=FastSelect(label_field="name"),
        label="Форма",
        queryset=MentoringForm.objects.filter(kind=MentoringForm.Kind.FORM),
        empty_label="Все",
    )

    class Meta:
        model = Pair
        fields = ["q", "organization", "status", "form"]

    def search(self, queryset, name, value):
        q = (
            Q(title__icontains=value)
            | Q(order_number__icontains=value)
            | Q(participants__person__last_name__icontains=value)
        )
        return queryset.filter(pk__in=queryset.filter(q).values("pk"))
