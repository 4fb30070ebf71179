import importlib

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def _reference_lists(request):
    """Reference lists come from a data migration; transactional tests flush them, so put them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from mentorship.models import Competency

    if not Competency.objects.exists():
        importlib.import_module("mentorship.migrations.0002_reference_lists").seed(apps, None)
