from io import BytesIO

import pytest
from django.core import signing
from openpyxl import load_workbook

from kawal.accounts.models import AuditEntry
from kawal.incidents.models import Incident
from kawal.planning import qr, service
from kawal.planning.models import Absence, Assignment, GuardPattern, Plan, RiskOverride
from kawal.territory.models import TPS
from tests.conftest import logged_in, user
from tests.factories import HOME, OTHER, REGENCY


def test_the_regency_plan_page_colours_each_district_by_coverage(small_plan):
    page = logged_in("commander").get(f"/plan/{REGENCY}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-coverage="green"') == 2
    assert 'id="districts"' in html and "Barat" in html


def test_a_district_page_lists_its_posts_with_names_and_tps_dots(small_plan):
    plan = small_plan
    page = logged_in("polsek-barat").get(f"/plan/{HOME}/")
    html = page.content.decode()
    assert page.status_code == 200
    some = Assignment.objects.filter(plan=plan, post__district_id=HOME, force="polri").first()
    assert some.member.name in html
    assert html.count("data-tps=") == TPS.objects.filter(code__startswith=HOME + ".").count()


def test_a_sector_user_cannot_open_another_district(small_plan):
    assert logged_in("polsek-barat").get(f"/plan/{OTHER}/").status_code == 403
    assert logged_in("polsek-barat").get(f"/plan/{REGENCY}/").status_code == 403


def test_an_observer_sees_coverage_but_no_names(small_plan):
    plan = small_plan
    page = logged_in("observer").get(f"/plan/{HOME}/")
    html = page.content.decode()
    assert page.status_code == 200
    names = Assignment.objects.filter(plan=plan, post__district_id=HOME).values_list(
        "member__name", flat=True
    )[:30]
    assert not any(f">{n}<" in html or f" {n}</a>" in html for n in names)
    assert "daftar.xlsx" not in html


def test_the_deployment_list_xlsx_carries_every_assignment_of_the_polsek(small_plan):
    plan = small_plan
    response = logged_in("polsek-barat").get(f"/plan/{HOME}/daftar.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r[0] == "No"))
    listed = {(r[2], r[8]) for r in rows[header + 1 :] if isinstance(r[0], int)}
    expected = set(
        Assignment.objects.filter(plan=plan, post__district_id=HOME).values_list(
            "post__code", "member__nrp"
        )
    )
    assert listed == expected and len(expected) > 10
    assert any(r[1] == "Mengetahui," for r in rows)  # the signature block
    assert "POLSEK BARAT" in rows[1][0]


def test_the_deployment_list_pdf_renders(small_plan):
    response = logged_in("commander").get(f"/plan/{HOME}/daftar.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and len(response.content) > 10_000


def test_an_observer_cannot_download_the_deployment_list(small_plan):
    assert logged_in("observer").get(f"/plan/{HOME}/daftar.xlsx").status_code == 403
    assert logged_in("polsek-timur").get(f"/plan/{HOME}/daftar.pdf").status_code == 403


def test_a_members_qr_code_names_their_post_and_cannot_be_forged(small_plan):
    plan = small_plan
    held = Assignment.objects.filter(plan=plan, force="polri").select_related("post", "member").first()
    response = logged_in("commander").get(f"/plan/assignment/{held.pk}/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    token = qr.assignment_token(held)
    assert qr.read_assignment_token(token) == {
        "plan": plan.pk, "post": held.post.code, "stage": held.stage, "nrp": held.member.nrp
    }
    with pytest.raises(signing.BadSignature):
        qr.read_assignment_token(token[:-3] + "abc")
    assert logged_in("observer").get(f"/plan/assignment/{held.pk}/qr.svg").status_code == 403


def test_the_commander_edits_patterns_on_a_page_and_a_new_plan_is_drafted(small_plan, small):
    plan = small_plan
    client = logged_in("commander")
    form = {"pattern_kurang_rawan": "1-4-8", "tni_kurang_rawan": "0",
            "pattern_rawan": "2-2-4", "tni_rawan": "1",
            "pattern_sangat_rawan": "2-1-2", "tni_sangat_rawan": "1",
            "pattern_khusus": "2-1-2", "tni_khusus": "1"}
    assert client.post(f"/plan/{REGENCY}/patterns/", form).status_code == 302
    assert GuardPattern.objects.get(operation=small.operation, category="kurang_rawan").tps == 4
    assert Plan.objects.get(operation=small.operation, status="draft").version == plan.version + 1


def test_a_bad_pattern_is_refused_naming_it(small_plan):
    plan = small_plan
    client = logged_in("commander")
    response = client.post(f"/plan/{REGENCY}/patterns/", {"pattern_kurang_rawan": "1-five-10"})
    assert response.status_code == 400 and "1-five-10" in response.content.decode()
    assert Plan.objects.filter(operation=plan.operation, status="draft").count() == 1


def test_a_sector_user_cannot_edit_patterns(small_plan):
    assert logged_in("polsek-timur").get(f"/plan/{REGENCY}/patterns/").status_code == 403


def test_the_commander_approves_the_draft_on_the_page(small_plan):
    plan = small_plan
    response = logged_in("commander").post(f"/plan/approve/{plan.pk}/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by == user("commander")


def test_a_sector_user_records_indicators_and_the_category_follows(small):
    tps = TPS.objects.filter(code__startswith=HOME + ".", risk="kurang_rawan").first()
    client = logged_in("polsek-barat")
    response = client.post(
        f"/plan/tps/{tps.code}/risk/",
        {"action": "indicators", "indicator": ["violence_history", "intimidation"]},
    )
    assert response.status_code == 302
    tps.refresh_from_db()
    assert tps.risk == "sangat_rawan"
    assert AuditEntry.objects.filter(action="planning.risk_indicators", target_id=str(tps.pk)).exists()


def test_an_override_needs_a_reason_and_is_audited(small):
    tps = TPS.objects.filter(code__startswith=HOME + ".").first()
    client = logged_in("polsek-barat")
    refused = client.post(f"/plan/tps/{tps.code}/risk/", {"action": "override", "category": "khusus"})
    assert refused.status_code == 400 and "reason" in refused.content.decode()
    client.post(
        f"/plan/tps/{tps.code}/risk/",
        {"action": "override", "category": "khusus", "reason": "TPS di lapas"},
    )
    tps.refresh_from_db()
    assert tps.risk == "khusus" and RiskOverride.objects.get(tps=tps).reason == "TPS di lapas"
    entry = AuditEntry.objects.get(action="planning.risk_override", target_id=str(tps.pk))
    assert entry.actor == user("polsek-barat") and entry.details["category"] == "khusus"
    # Indicators no longer move an overridden TPS.
    client.post(f"/plan/tps/{tps.code}/risk/", {"action": "indicators", "indicator": []})
    tps.refresh_from_db()
    assert tps.risk == "khusus"


def test_an_observer_and_another_sector_cannot_touch_a_tps_risk(small):
    tps = TPS.objects.filter(code__startswith=HOME + ".").first()
    assert logged_in("observer").get(f"/plan/tps/{tps.code}/risk/").status_code == 403
    assert logged_in("polsek-timur").get(f"/plan/tps/{tps.code}/risk/").status_code == 403


def test_incidents_near_a_tps_raise_it_when_the_next_plan_is_made(small):
    tps = TPS.objects.filter(code__startswith=HOME + ".", risk="kurang_rawan").first()
    Incident.objects.create(
        category="disturbance", severity="high", occurred_at=small.operation.starts_at, region=tps.village,
        lat=tps.lat + 0.002, lng=tps.lng, description="keributan dekat TPS",
    )
    plan = service.make_plan(small.operation, user=user("commander"))
    tps.refresh_from_db()
    assert tps.risk == "rawan"
    post = plan.posts.get(post_tps__tps=tps)
    assert post.category == "rawan" and post.tni == 1


def test_marking_a_member_sick_on_their_page_shows_the_diff(small_plan):
    plan = small_plan
    held = Assignment.objects.filter(
        plan=plan, post__district_id=HOME, force="polri", member__unit__kind="polsek"
    ).select_related("member").first()
    client = logged_in("polsek-barat")
    response = client.post(f"/plan/member/{held.member.nrp}/", {"reason": "sick", "note": "DBD"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="diff"' in html and held.member.nrp in html
    assert Absence.objects.filter(member=held.member, reason="sick").exists()


def test_incidents_from_before_the_operation_do_not_count(small):
    from datetime import timedelta

    from kawal.planning import assessment

    tps = TPS.objects.filter(code__startswith=OTHER + ".", risk="kurang_rawan").first()
    Incident.objects.create(
        category="crime", severity="high", occurred_at=small.operation.starts_at - timedelta(days=400),
        region=tps.village, tps=tps, description="kejadian lama",
    )
    assert assessment.assess(tps).incident_severities == ()
    assert assessment.raise_for_incidents(small.operation) == {}
    Incident.objects.create(
        category="crime", severity="high", occurred_at=small.operation.starts_at + timedelta(days=1),
        region=tps.village, tps=tps, description="kejadian selama operasi",
    )
    assert assessment.assess(tps).incident_severities == ("high",)
    assert assessment.assess(tps).suggested == "rawan"


def test_only_the_commander_can_make_a_plan_from_the_page(small):
    assert logged_in("polsek-timur").post(f"/plan/{REGENCY}/new/").status_code == 403
    assert not Plan.objects.filter(operation=small.operation).exists()
    response = logged_in("commander").post(f"/plan/{REGENCY}/new/")
    assert response.status_code == 302
    assert Plan.objects.get(operation=small.operation).created_by == user("commander")
    page = logged_in("commander").get(f"/plan/{REGENCY}/").content.decode()
    assert 'data-plan-status' in page
