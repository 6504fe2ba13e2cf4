"""My duty: today's and the next stage's assignments, the team and the boxes, for the phone."""

from datetime import timedelta

from django.utils import timezone

from kawal.custody import ledger
from kawal.operations.models import CustodyRules
from kawal.planning.models import Plan
from tests.conftest import user
from tests.custody.conftest import journey
from tests.field.conftest import boxes_of

DUTY = "/api/v1/field/duty"


def test_the_duty_lists_todays_post_and_tomorrows_escort_with_team_and_boxes(phone, duty):
    body = phone.get(DUTY).json()
    assert body["member"]["nrp"] == phone.device.member.nrp
    assert body["region"] == "35.10.16"
    assert body["operation"] == {
        "name": "Operasi Mantap Praja Semeru 2024", "checkin_distance_m": 300,
        "require_signatures": False,
    }  # fmt: skip
    voting, escort = body["assignments"]
    assert (voting["id"], voting["stage"]) == (duty.assignment.pk, "voting")
    assert voting["post"]["code"] == duty.tps_post.code and len(voting["post"]["tps"]) == 2
    assert voting["team"] == [
        {
            "nrp": duty.partner.nrp, "name": duty.partner.name, "rank": duty.partner.rank,
            "force": "polri", "phone": duty.partner.phone,
        }
    ]  # fmt: skip
    codes = [b["code"] for b in voting["boxes"]]
    assert set(boxes_of(duty.tps)) <= set(codes) and len(codes) == 4
    first = next(b for b in voting["boxes"] if b["code"] == codes[0])
    assert first["state"] == "at_kpu_warehouse" and first["seals"] == []
    assert first["next"] == {"kind": "departed", "place": "35.10"}
    assert escort["stage"] == "return" and escort["team"] == []
    village = duty.escort_post.code.split("-")[0]
    assert escort["boxes"] and all(b["code"].startswith(village + "-") for b in escort["boxes"])
    assert "crime" in [value for value, _ in body["incident_categories"]]


def test_a_box_shows_the_next_move_and_its_seals(phone, duty, route_in_duty):
    ledger.ingest(user("komandan"), journey(route_in_duty)[:9])  # delivered, opened, sealed
    body = phone.get(DUTY).json()
    box = next(b for a in body["assignments"] for b in a["boxes"] if b["code"] == route_in_duty.box)
    assert box["state"] == "sealed"
    assert box["seals"] == ["KPU-0001", "KPU-0002"]
    assert box["next"] == {"kind": "departed", "place": route_in_duty.tps}


def test_a_plan_not_yet_approved_gives_no_duty(phone, duty):
    Plan.objects.filter(pk=duty.plan.pk).update(status=Plan.Status.DRAFT)
    assert phone.get(DUTY).json()["assignments"] == []


def test_stages_long_past_give_no_duty(phone, duty):
    from kawal.field.duty import duty as duty_of

    later = timezone.now() + timedelta(days=10)
    assert duty_of(phone.device, now=later)["assignments"] == []


def test_the_operation_settings_reach_the_phone(phone, duty, demo):
    CustodyRules.objects.filter(operation=demo).update(
        checkin_distance_m=150, require_signatures=True
    )
    operation = phone.get(DUTY).json()["operation"]
    assert operation["checkin_distance_m"] == 150 and operation["require_signatures"] is True


def test_a_device_sees_only_its_own_members_duty(enrol, duty):
    other = enrol(duty.partner)
    body = other.get(DUTY).json()
    assert body["member"]["nrp"] == duty.partner.nrp
    assert [a["post"]["code"] for a in body["assignments"]] == [duty.tps_post.code]


def test_the_duty_is_in_the_openapi_schema_with_its_status_codes(demo):
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    for path, method, codes in (
        ("/api/v1/field/duty", "get", {"200", "401", "403"}),
        ("/api/v1/devices/enrol", "post", {"200", "400", "410", "422"}),
        ("/api/v1/checkins", "post", {"200", "400", "401", "403", "422"}),
        ("/api/v1/photos/{photo_id}", "put", {"200", "401", "403", "404", "409", "413", "422"}),
        ("/api/v1/photos/{photo_id}", "get", {"200", "401", "403", "404"}),
    ):
        assert codes <= set(schema["paths"][path][method]["responses"]), path
