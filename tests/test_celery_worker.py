"""A task sent through the real broker is executed by a real worker process on the same database."""

import pytest

from accounts.tasks import count_organizations
from tests.factories import MunicipalityFactory, OrganizationFactory


@pytest.mark.real_worker
def test_task_runs_in_a_real_worker(transactional_db, celery_worker_process):
    municipality = MunicipalityFactory()
    OrganizationFactory.create_batch(3, municipality=municipality)
    OrganizationFactory(municipality=municipality, is_active=False)
    result = count_organizations.delay(municipality.pk)
    assert result.get(timeout=60) == 3
    assert result.successful()


def test_task_runs_eagerly_without_a_broker(db):
    municipality = MunicipalityFactory()
    OrganizationFactory.create_batch(2, municipality=municipality)
    assert count_organizations.delay(municipality.pk).get(timeout=5) == 2
