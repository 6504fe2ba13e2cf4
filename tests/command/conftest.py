"""Command-center fixtures: boxes moved along their real journey through the custody ledger."""

import pytest

from kawal.custody import ledger
from kawal.custody.models import Box
from kawal.personnel.models import Member
from tests.conftest import user
from tests.custody.conftest import Route, event, home_route, journey, route_of
from tests.factories import Small

# Steps of tests.custody.conftest.journey(): how many to take to reach a point of the chain.
TO_DEPARTED = 1  # left the KPU warehouse, under way to the PPK
TO_DELIVERED = 7  # arrived at its TPS
TO_SEALED = 9  # opened, voted, sealed
TO_AT_PPK = 13  # back up at the PPK
TO_AT_KPU = 15  # the whole journey


@pytest.fixture
def escorts(demo) -> tuple[str, str]:
    polri = Member.objects.filter(force="polri").values_list("nrp", flat=True).first()
    tni = Member.objects.filter(force="tni").values_list("nrp", flat=True).first()
    return polri, tni


@pytest.fixture
def routes(escorts):
    """routes(prefix, n): the first n boxes under a region code, ready to move."""

    def _routes(prefix: str, n: int = 1) -> list[Route]:
        boxes = Box.objects.select_related("tps__village").filter(code__startswith=prefix + ".")
        return [route_of(b, *escorts) for b in boxes.order_by("code")[:n]]

    return _routes


@pytest.fixture
def route(small: Small) -> Route:
    """A box of the small operation, in the district where its officer serves."""
    return home_route(small)


def move(route: Route, steps: int, *, by: str = "komandan") -> list[dict]:
    """Record the first `steps` events of the box's journey, as the user named `by`."""
    results = ledger.ingest(user(by), journey(route)[:steps])
    assert {r["status"] for r in results} == {"accepted"}, results
    return results


def depart_unescorted(route: Route, at, *, by: str = "komandan") -> None:
    """A departure with no escort at all (with a GPS fix): the ledger raises a critical
    escort alert, and only that."""
    lat, lng = route.village_point
    results = ledger.ingest(
        user(by), [event(route, "departed", at, route.regency, lat=lat, lng=lng)]
    )
    assert results[0]["status"] == "accepted", results
