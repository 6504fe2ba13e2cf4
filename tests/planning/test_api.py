from tests.conftest import bearer, logged_in, user
from tests.factories import HOME, LINMAS_PER_TPS, OTHER, REGENCY


def test_a_commander_gets_coverage_requirement_assignment_and_shortfall_per_force(
    small_plan, small
):
    response = logged_in("commander").get("/api/v1/plan", {"region": REGENCY})
    assert response.status_code == 200
    body = response.json()
    plan = small_plan
    assert body["plan"] == {"id": plan.pk, "version": plan.version, "status": "draft"}
    assert body["region"]["tps"] == body["region"]["tps_covered"] == len(small.tps)
    polri = body["region"]["forces"]["polri"]
    assert polri["required"] - polri["assigned"] == polri["shortfall"]
    assert len(body["districts"]) == len(small.districts)
    tps_post = next(p for p in body["posts"] if p["kind"] == "tps")
    officer = tps_post["members"]["polri"][0]
    assert set(officer) == {"nrp", "name", "rank", "unit", "travel_km"}


def test_a_sector_user_sees_only_their_district(small_plan):
    client = logged_in("polsek-barat")
    assert client.get("/api/v1/plan", {"region": REGENCY}).status_code == 403
    assert client.get("/api/v1/plan", {"region": OTHER}).status_code == 403
    body = client.get("/api/v1/plan", {"region": HOME}).json()
    assert body["posts"] and all(p["code"].startswith(HOME) for p in body["posts"])
    assert all(t.startswith(HOME + ".") for p in body["posts"] for t in p["tps"])


def test_an_observer_gets_coverage_but_no_personnel(small_plan, small):
    response = logged_in("observer").get("/api/v1/plan", {"region": REGENCY})
    assert response.status_code == 200
    body = response.json()
    assert body["region"]["forces"]["linmas"]["assigned"] == LINMAS_PER_TPS * len(small.tps)
    assert all("members" not in p for p in body["posts"])
    nrps = set(small_plan.assignments.values_list("member__nrp", flat=True)[:50])
    assert not any(nrp in response.content.decode() for nrp in nrps)


def test_a_device_token_works_and_a_stranger_is_refused(small_plan):
    client = logged_in("commander")
    client.logout()
    assert client.get("/api/v1/plan", {"region": HOME}).status_code == 401
    ok = client.get("/api/v1/plan", {"region": HOME}, **bearer("polsek-barat"))
    assert ok.status_code == 200


def test_before_any_plan_the_api_says_so(small):
    response = logged_in("commander").get("/api/v1/plan", {"region": REGENCY})
    assert response.status_code == 404 and "no deployment plan" in response.json()["detail"]


def _scan(client, token, **headers):
    return client.post(
        "/api/v1/plan/scan", {"token": token}, content_type="application/json", **headers
    )


def test_the_field_app_checks_a_scanned_assignment_code(small_plan, small):
    from kawal.planning import qr, service
    from kawal.planning.models import Assignment

    held = Assignment.objects.filter(
        plan=small_plan, post__district_id=HOME, force="polri"
    ).select_related("post", "member").first()
    token = qr.assignment_token(held)
    client = logged_in("officer")
    body = _scan(client, token).json()
    assert body["post"] == held.post.code and body["nrp"] == held.member.nrp and body["current"]
    # A newer approved plan makes the old code stale, and the scan says so.
    newer = service.make_plan(small.operation, user=user("commander"))
    service.approve(newer, user=user("commander"))
    assert _scan(client, token).json()["current"] is False
    altered = _scan(client, token[:-2] + "xx")
    assert altered.status_code == 422 and "token" in altered.json()["detail"]


def test_an_observer_scanning_an_assignment_code_is_told_the_post_but_not_the_nrp(small_plan):
    from kawal.planning import qr
    from kawal.planning.models import Assignment

    held = Assignment.objects.filter(plan=small_plan, post__district_id=HOME).first()
    body = _scan(logged_in("observer"), qr.assignment_token(held)).json()
    assert body["post"] == held.post.code and "nrp" not in body


def test_a_scan_outside_the_callers_district_is_refused(small_plan):
    from kawal.planning import qr
    from kawal.planning.models import Assignment

    held = Assignment.objects.filter(plan=small_plan, post__district_id=OTHER).select_related(
        "post", "member"
    ).first()
    assert _scan(logged_in("officer"), qr.assignment_token(held)).status_code == 403
