from tests.conftest import bearer, logged_in, user


def test_a_commander_gets_coverage_requirement_assignment_and_shortfall_per_force(plan):
    response = logged_in("komandan").get("/api/v1/plan", {"region": "35.10"})
    assert response.status_code == 200
    body = response.json()
    assert body["plan"] == {"id": plan.pk, "version": plan.version, "status": "draft"}
    assert body["region"]["tps"] == body["region"]["tps_covered"] == 2732
    polri = body["region"]["forces"]["polri"]
    assert polri["required"] - polri["assigned"] == polri["shortfall"]
    assert len(body["districts"]) == 25
    tps_post = next(p for p in body["posts"] if p["kind"] == "tps")
    officer = tps_post["members"]["polri"][0]
    assert set(officer) == {"nrp", "name", "rank", "unit", "travel_km"}


def test_a_sector_user_sees_only_their_district(plan):
    client = logged_in("polsek-pesanggaran")
    assert client.get("/api/v1/plan", {"region": "35.10"}).status_code == 403
    assert client.get("/api/v1/plan", {"region": "35.10.02"}).status_code == 403
    body = client.get("/api/v1/plan", {"region": "35.10.01"}).json()
    assert body["posts"] and all(p["code"].startswith("35.10.01") for p in body["posts"])
    assert all(t.startswith("35.10.01.") for p in body["posts"] for t in p["tps"])


def test_an_observer_gets_coverage_but_no_personnel(plan):
    response = logged_in("pemantau").get("/api/v1/plan", {"region": "35.10"})
    assert response.status_code == 200
    body = response.json()
    assert body["region"]["forces"]["linmas"]["assigned"] == 5464
    assert all("members" not in p for p in body["posts"])
    nrps = set(plan.assignments.values_list("member__nrp", flat=True)[:50])
    assert not any(nrp in response.content.decode() for nrp in nrps)


def test_a_device_token_works_and_a_stranger_is_refused(plan):
    client = logged_in("komandan")
    client.logout()
    assert client.get("/api/v1/plan", {"region": "35.10.01"}).status_code == 401
    ok = client.get("/api/v1/plan", {"region": "35.10.01"}, **bearer("polsek-pesanggaran"))
    assert ok.status_code == 200


def test_before_any_plan_the_api_says_so(demo):
    response = logged_in("komandan").get("/api/v1/plan", {"region": "35.10"})
    assert response.status_code == 404 and "no deployment plan" in response.json()["detail"]


def _scan(client, token, **headers):
    return client.post(
        "/api/v1/plan/scan", {"token": token}, content_type="application/json", **headers
    )


def test_the_field_app_checks_a_scanned_assignment_code(plan, demo):
    from kawal.planning import qr, service
    from kawal.planning.models import Assignment

    held = Assignment.objects.filter(plan=plan, post__district_id="35.10.16", force="polri").select_related(
        "post", "member"
    ).first()
    token = qr.assignment_token(held)
    client = logged_in("petugas")
    body = _scan(client, token).json()
    assert body["post"] == held.post.code and body["nrp"] == held.member.nrp and body["current"]
    # A newer approved plan makes the old code stale, and the scan says so.
    newer = service.make_plan(demo, user=user("komandan"))
    service.approve(newer, user=user("komandan"))
    assert _scan(client, token).json()["current"] is False
    altered = _scan(client, token[:-2] + "xx")
    assert altered.status_code == 422 and "token" in altered.json()["detail"]


def test_a_scan_outside_the_callers_district_is_refused(plan):
    from kawal.planning import qr
    from kawal.planning.models import Assignment

    held = Assignment.objects.filter(plan=plan, post__district_id="35.10.01").select_related(
        "post", "member"
    ).first()
    assert _scan(logged_in("petugas"), qr.assignment_token(held)).status_code == 403
