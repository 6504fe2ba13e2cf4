import pytest

from kawal.planning import service
from tests.conftest import user


@pytest.fixture
def plan(demo):
    """A fresh draft plan of the whole demo operation, made by the commander."""
    return service.make_plan(demo, user=user("komandan"))


@pytest.fixture
def small_plan(small):
    """A fresh draft plan of the small operation (tests/factories.py), made by its commander."""
    return service.make_plan(small.operation, user=user("commander"))
