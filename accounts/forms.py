"""Form plumbing shared by every app's main-interface forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from accounts import scoping


class ScopedFormMixin:
    """Every relation field offers only what the user may see, and no prefill shows more.

    On construction each model choice field whose model is scoped (organizations,
    municipalities, users, and what the apps register: people, roadmaps, pairs...) is limited to
    `scoping.choices_for(user, model, edit=True)`; a form may then narrow a field, or choose a
    documented wider scope (the municipal mentor bank), in its own `__init__`. An initial value
    (from `?organization=…` or any prefill) outside the field's final choices is ignored.

    Forms take the user as the keyword argument `user` and pass it on to `super().__init__`.
    """

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            allowed = scoping.choices_for(user, queryset.model, edit=True)
            if allowed is not None:
                field.queryset = queryset.filter(pk__in=allowed.values("pk"))

    def get_initial_for_field(self, field, field_name):
        value = super().get_initial_for_field(field, field_name)
        queryset = getattr(field, "queryset", None)
        if queryset is None or value in (None, "", [], ()):
            return value
        many = isinstance(value, list | tuple | set) or hasattr(value, "all")
        values = list(value.all() if hasattr(value, "all") else value) if many else [value]
        keys = [getattr(v, "pk", v) for v in values]
        try:
            kept = {str(pk) for pk in queryset.filter(pk__in=keys).values_list("pk", flat=True)}
        except (ValueError, TypeError, ValidationError):
            kept = set()
        if many:
            return [v for v, key in zip(values, keys, strict=True) if str(key) in kept]
        return value if str(keys[0]) in kept else None
