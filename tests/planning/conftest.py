import pytest

from kawal.planning import service
from tests.conftest import user


@pytest.fixture
def plan(demo):
    """A fresh draft plan of the whole demo operation, made by the commander."""
    return service.make_plan(demo, user=user("komandan"))
