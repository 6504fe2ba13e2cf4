"""A plan page renders only the links its reader may follow."""

import re

from kawal.planning.models import Assignment
from tests.conftest import logged_in


def _links(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf'href="({re.escape(prefix)}[^"]*)"', html))


def test_an_observer_gets_no_risk_links_but_the_tps_pages_they_may_open(plan):
    client = logged_in("pemantau")
    html = client.get("/plan/35.10.09/").content.decode()
    assert not _links(html, "/plan/tps/")
    tps_pages = _links(html, "/tps/")
    assert len(tps_pages) > 50
    assert client.get(min(tps_pages)).status_code == 200


def test_a_sector_user_gets_risk_links_for_their_district(plan):
    html = logged_in("polsek-genteng").get("/plan/35.10.09/").content.decode()
    risk = _links(html, "/plan/tps/")
    assert risk and all(link.startswith("/plan/tps/35.10.09.") for link in risk)


def test_a_sector_user_gets_member_links_only_for_members_based_in_their_district(plan):
    client = logged_in("polsek-genteng")
    html = client.get("/plan/35.10.09/").content.decode()
    bko = (
        Assignment.objects.filter(plan=plan, post__district_id="35.10.09")
        .exclude(member__region__code__startswith="35.10.09")
        .values_list("member__nrp", flat=True)
    )
    assert bko, "the demo places BKO members in Genteng"
    linked = {link.split("/")[3] for link in _links(html, "/plan/member/")}
    assert linked and not linked & set(bko)
    assert f'data-member="{bko[0]}"' in html  # named, not linked
    for nrp in sorted(linked)[:5]:
        assert client.get(f"/plan/member/{nrp}/").status_code == 200
