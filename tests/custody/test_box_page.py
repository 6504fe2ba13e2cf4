"""The box page says what people need: the way back to its TPS, places by name, and the
alert actions for the roles that may take them."""

from kawal.custody import ledger
from kawal.custody.models import Alert
from kawal.territory.models import TPS, Region
from tests.conftest import logged_in, user
from tests.custody.conftest import journey


def test_the_box_page_leads_back_to_its_tps_village_and_district(route):
    ledger.ingest(user("officer"), journey(route)[:3])
    html = logged_in("commander").get(f"/boxes/{route.box}/").content.decode()
    tps = TPS.objects.select_related("village").get(code=route.tps)
    assert f'<a href="/tps/{route.tps}/" data-tps-link>TPS {tps.number:03d} {tps.village.name}</a>' in (
        html
    )
    assert f'<a href="/region/{route.village}/">{tps.village.name}</a>' in html
    assert f'<a href="/region/{route.district}/">' in html


def test_the_timeline_names_each_place_beside_its_code(route):
    ledger.ingest(user("officer"), journey(route)[:3])
    html = logged_in("commander").get(f"/boxes/{route.box}/").content.decode()
    district = Region.objects.get(code=route.district)
    assert f"{district.name}<br><code>{route.district}</code>" in html


def test_command_may_act_on_the_boxs_alerts_and_an_observer_may_not(route):
    ledger.ingest(user("officer"), [{**journey(route)[0], "escorts": []}])
    alert = Alert.objects.get(box__code=route.box)
    command = logged_in("commander").get(f"/boxes/{route.box}/").content.decode()
    assert f"/alerts/{alert.pk}/acknowledge/" in command
    assert "berangkat tanpa pengawal Polri" in command and "terjadi" in command
    observer = logged_in("observer").get(f"/boxes/{route.box}/").content.decode()
    assert f'data-alert="{alert.pk}"' in observer and "/acknowledge/" not in observer
