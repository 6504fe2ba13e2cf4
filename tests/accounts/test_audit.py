"""One audit entry per action, with its actor named: writes, sign-ins, exports and
personnel reads."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from kawal.accounts.models import ApiToken, AuditEntry
from kawal.custody import checkpoints, ledger, log
from kawal.field import devices
from kawal.incidents import reporting
from kawal.planning import assessment, service
from kawal.planning.models import Assignment
from kawal.planning.posts import Pattern
from kawal.territory.models import TPS
from tests.command.conftest import depart_unescorted
from tests.conftest import logged_in, user
from tests.custody.conftest import home_route, journey
from tests.factories import COMMANDER, HOME, OFFICER, REGENCY
from tests.field.conftest import new_key, spki

NIGHT = datetime(2024, 11, 27, 21, tzinfo=ZoneInfo("Asia/Jakarta"))


class Written:
    """The audit entries written since it was made, as (action, actor's username)."""

    def __init__(self) -> None:
        self.since = log.size()

    def entries(self) -> list[AuditEntry]:
        return list(
            AuditEntry.objects.filter(position__gte=self.since)
            .select_related("actor")
            .order_by("position")
        )

    def __call__(self) -> list[tuple[str, str | None]]:
        return [(e.action, e.actor.username if e.actor else None) for e in self.entries()]


@pytest.fixture
def plan(small):
    return service.approve(
        service.make_plan(small.operation, user=user(COMMANDER)), user=user(COMMANDER)
    )


def test_acknowledging_an_alert_writes_that_and_nothing_else(small):
    depart_unescorted(home_route(small), NIGHT, by=COMMANDER)
    alert = small.boxes_in(HOME)[0].alerts.get(rule="escort")
    client = logged_in(COMMANDER)
    written = Written()
    response = client.post(f"/alerts/{alert.pk}/acknowledge/", {"note": "Kapolsek informed"})
    assert response.status_code == 200
    assert written() == [("alert.acknowledged", COMMANDER)]
    entry = written.entries()[0]
    assert entry.target_id == str(alert.pk) and entry.region == alert.box.code


def test_a_custody_batch_writes_one_entry_for_the_batch(small):
    written = Written()
    ledger.ingest(user(OFFICER), journey(home_route(small))[:4])
    assert written() == [("custody.ingest", OFFICER)]
    assert written.entries()[0].details["accepted"] == 4


def test_making_and_approving_a_plan_write_one_entry_each(small):
    written = Written()
    draft = service.make_plan(small.operation, user=user(COMMANDER))
    assert written() == [("planning.plan", COMMANDER)]
    written = Written()
    service.approve(draft, user=user(COMMANDER))
    assert written() == [("planning.approve", COMMANDER)]
    assert written.entries()[0].region == REGENCY


def test_new_patterns_and_the_plan_they_make_are_one_entry(small):
    written = Written()
    plan = service.set_patterns(
        small.operation, {"kurang_rawan": Pattern(3, 1, 2, 2)}, user=user(COMMANDER)
    )
    assert written() == [("planning.patterns", COMMANDER)]
    assert written.entries()[0].details["plan"] == plan.pk


def test_marking_a_member_absent_is_one_entry_however_many_plans_it_replans(plan, small):
    service.make_plan(small.operation, user=user(COMMANDER))  # a draft beside the approved
    held = Assignment.objects.filter(plan=plan, post__kind="tps", force="polri").first()
    written = Written()
    changes = service.mark_absent(small.operation, held.member, "sick", user=user(COMMANDER))
    assert len(changes) == 2
    assert written() == [("planning.absent", COMMANDER)]
    assert len(written.entries()[0].details["replanned"]) == 2
    written = Written()
    service.mark_available(small.operation, held.member, user=user(COMMANDER))
    assert written() == [("planning.available", COMMANDER)]


def test_a_risk_override_is_one_entry(small):
    written = Written()
    assessment.override(small.tps[0], "rawan", "bentrok 2019", user=user(COMMANDER))
    assert written() == [("planning.risk_override", COMMANDER)]
    assert written.entries()[0].region == small.tps[0].code


def test_issuing_enrolling_and_revoking_a_device_write_one_entry_each(small):
    sector = user("polsek-barat")
    member = small.members("polri", HOME)[0]
    written = Written()
    issued = devices.issue_code(nrp=member.nrp, region_code=HOME, actor=sector)
    assert written() == [("field.issue", "polsek-barat")]
    written = Written()
    device, _ = devices.enrol(issued.code, spki(new_key()))
    assert written() == [("field.enrol", device.user.username)]
    written = Written()
    devices.revoke(device.pk, actor=sector)
    assert written() == [("field.revoke", "polsek-barat")]
    assert written.entries()[0].region == HOME


def test_a_token_made_on_the_command_line_is_recorded_once_by_the_system(small, capsys):
    written = Written()
    call_command("token", "create", COMMANDER)
    token = capsys.readouterr().out.strip()
    row = ApiToken.objects.get(digest=ApiToken.digest_of(token))
    assert token not in (row.digest, row.prefix)
    assert written() == [("token.create", None)]
    assert written.entries()[0].target_id == str(row.pk)


def test_a_checkpoint_is_recorded_once(small):
    written = Written()
    taken = checkpoints.take("test")
    assert written() == [("custody.checkpoint", None)]
    assert written.entries()[0].details["digest"] == taken.digest


def test_an_admin_edit_is_one_entry_naming_the_fields_changed(small):
    tps = small.tps[0]
    client = logged_in("administrator")
    written = Written()
    form = {
        "code": tps.code, "village": tps.village_id, "number": tps.number, "voters": 333,
        "address": tps.address, "lat": tps.lat, "lng": tps.lng, "risk": tps.risk,
    }  # fmt: skip
    response = client.post(f"/admin/territory/tps/{tps.pk}/change/", form)
    assert response.status_code == 302
    assert written() == [("admin.change", "administrator")]
    entry = written.entries()[0]
    assert (entry.target_type, entry.target_id) == ("territory.TPS", str(tps.pk))
    assert entry.details["fields"] == ["voters"] and entry.region == tps.code


def test_an_admin_delete_one_by_one_or_in_bulk_is_one_entry(small):
    client = logged_in("administrator")
    first, second, third = small.tps[-3:]
    for t in (first, second, third):
        t.boxes.all().delete()
    written = Written()
    response = client.post(f"/admin/territory/tps/{first.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert written() == [("admin.delete", "administrator")]
    assert written.entries()[0].target_id == str(first.pk)
    written = Written()
    response = client.post(
        "/admin/territory/tps/",
        {"action": "delete_selected", "_selected_action": [second.pk, third.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert written() == [("admin.delete", "administrator")]
    details = written.entries()[0].details
    assert details["model"] == "territory.TPS"
    assert sorted(details["ids"]) == sorted([str(second.pk), str(third.pk)])
    assert not TPS.objects.filter(pk__in=[first.pk, second.pk, third.pk]).exists()


@pytest.fixture
def password(small) -> str:
    commander = user(COMMANDER)
    commander.set_password("rahasia-123")
    commander.save(update_fields=["password"])
    return "rahasia-123"


def test_signing_in_and_out_is_recorded(password):
    client = Client()
    written = Written()
    response = client.post("/login/", {"username": COMMANDER, "password": password})
    assert response.status_code == 302
    assert written() == [("login", COMMANDER)]
    written = Written()
    client.post("/logout/")
    assert written() == [("logout", COMMANDER)]


def test_a_failed_sign_in_is_recorded_with_the_name_tried_and_never_the_password(password):
    written = Written()
    response = Client().post("/login/", {"username": COMMANDER, "password": "salah"})
    assert response.status_code == 200
    assert written() == [("login.failed", None)]
    details = written.entries()[0].details
    assert details["username"] == COMMANDER
    assert "salah" not in str(details)


def test_the_deployment_list_exports_are_recorded(plan):
    client = logged_in(COMMANDER)
    for suffix, action in (("xlsx", "export.xlsx"), ("pdf", "export.pdf")):
        written = Written()
        response = client.get(f"/plan/{HOME}/daftar.{suffix}")
        assert response.status_code == 200
        assert written() == [(action, COMMANDER)]
        entry = written.entries()[0]
        assert entry.region == HOME and entry.details["file"].endswith(suffix)


def test_a_label_sheet_is_recorded(small):
    client = logged_in(COMMANDER)
    village = small.villages[0].code
    written = Written()
    response = client.get(f"/labels/{village}.pdf")
    assert response.status_code == 200
    assert written() == [("export.labels", COMMANDER)]
    assert written.entries()[0].region == village


def test_a_sitrep_is_recorded_once_beside_the_checkpoint_it_prints(small):
    written = Written()
    made = reporting.make(REGENCY, "html", acting_user=user(COMMANDER))
    assert written() == [("custody.checkpoint", COMMANDER), ("incidents.sitrep", COMMANDER)]
    assert written.entries()[1].details["digest"] == made.digest


def test_reading_personnel_is_recorded_and_a_refused_read_is_not(plan, small):
    client = logged_in(COMMANDER)
    written = Written()
    assert client.get(f"/api/v1/personnel?region={HOME}").status_code == 200
    assert written() == [("personnel.read", COMMANDER)]
    assert written.entries()[0].region == HOME
    member = small.members("polri", HOME)[0]
    written = Written()
    assert client.get(f"/plan/member/{member.nrp}/").status_code == 200
    assert written() == [("personnel.read", COMMANDER)]
    assert written.entries()[0].details["nrp"] == member.nrp
    written = Written()
    assert client.get(f"/plan/{HOME}/").status_code == 200
    assert written() == [("personnel.read", COMMANDER)]
    box = small.boxes_in(HOME)[0]
    for page, region in ((f"/tps/{box.tps.code}/", box.tps.code), (f"/boxes/{box.code}/", box.code)):
        written = Written()
        assert client.get(page).status_code == 200
        assert written() == [("personnel.read", COMMANDER)], page
        assert written.entries()[0].region == region
    observer = logged_in("observer")
    written = Written()
    assert observer.get(f"/api/v1/personnel?region={HOME}").status_code == 403
    assert observer.get(f"/boxes/{box.code}/").status_code == 200  # no personnel shown
    assert written() == []


def test_passwords_are_hashed_with_argon2(password):
    assert user(COMMANDER).password.startswith("argon2")
