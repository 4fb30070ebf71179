"""Django 6.0 behaviour now, so the suite runs without deprecation warnings.

Every URL field's form field (admin, model forms, django-import-export's forms) assumes https:// for
an address typed without a scheme — what Django 6.0 does by default. The transitional setting
FORMS_URLFIELD_ASSUME_HTTPS is itself deprecated, so the default is set on the model field.
"""

from __future__ import annotations

from typing import Any

from django.db import models

_formfield = models.URLField.formfield


def _url_formfield(self: models.URLField, **kwargs: Any) -> Any:
    kwargs.setdefault("assume_scheme", "https")
    return _formfield(self, **kwargs)


def install() -> None:
    if models.URLField.formfield is not _url_formfield:
        models.URLField.formfield = _url_formfield  # type: ignore[method-assign]
