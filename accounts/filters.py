import django_filters
from django.db.models import Q

from accounts.models import Organization, OrganizationKind
from accounts.widgets import FastSelect


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Поиск", method="search")
    kind = django_filters.ChoiceFilter(label="Тип", choices=OrganizationKind.choices, empty_label="Все типы")
    municipality = django_filters.ModelChoiceFilter(
        widget=FastSelect(label_field="name"), label="Муниципалитет", queryset=None, empty_label="Все"
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "municipality"]

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        # choices come from the caller's scope, never from the whole table
        self.filters["municipality"].queryset = municipalities

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(short_name__icontains=value) | Q(full_name__icontains=value) | Q(address__icontains=value)
        )
