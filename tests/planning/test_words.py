"""Plan pages say what people need: re-plans in names and words, phones for the room,
watch times with their days."""

import re

from kawal.planning.models import Assignment, Post
from tests.conftest import logged_in


def test_a_replan_names_the_members_with_their_nrp_the_post_and_the_stage(plan):
    held = Assignment.objects.filter(
        plan=plan, post__district_id="35.10.01", force="polri", member__unit__kind="polsek"
    ).select_related("member", "post").first()
    client = logged_in("polsek-pesanggaran")
    html = client.post(
        f"/plan/member/{held.member.nrp}/", {"reason": "sick", "note": "DBD"}
    ).content.decode()
    diff = html[html.index('id="diff"') :]
    member = held.member
    assert f"{member.rank} {member.name} ({member.nrp}): sakit" in diff
    assert held.post.name in diff and held.post.code not in diff
    assert re.search(r"<td>[A-Z][a-z]", diff)  # the stage by its name, capitalised
    assert held.stage not in re.findall(r"<td>(\w+)</td>", diff)
    page = client.get(f"/plan/member/{member.nrp}/").content.decode()
    assert "sakit — DBD" in page


def test_the_room_sees_members_phones_on_the_plan_but_an_observer_never(plan):
    phones = set(
        Assignment.objects.filter(plan=plan, post__district_id="35.10.09")
        .exclude(member__phone="")
        .values_list("member__phone", flat=True)
    )
    assert phones
    sector = logged_in("polsek-genteng").get("/plan/35.10.09/").content.decode()
    assert any(f'href="tel:{p}"' in sector for p in phones)
    observer = logged_in("pemantau").get("/plan/35.10.09/").content.decode()
    assert "tel:" not in observer and not any(p in observer for p in phones)


def test_the_tps_page_gives_each_guards_phone_to_command_not_to_an_observer(plan):
    guard = (
        Assignment.objects.filter(plan=plan, post__kind="tps")
        .exclude(member__phone="")
        .select_related("member", "post")
        .first()
    )
    tps = guard.post.post_tps.first().tps.code
    command = logged_in("komandan").get(f"/tps/{tps}/").content.decode()
    assert f'href="tel:{guard.member.phone}"' in command
    assert guard.post.code not in command.replace(f'data-post="{guard.post.code}"', "")
    observer = logged_in("pemantau").get(f"/tps/{tps}/").content.decode()
    assert "tel:" not in observer and guard.member.phone not in observer


def test_a_members_page_gives_their_phone(plan):
    member = Assignment.objects.exclude(member__phone="").select_related("member").first().member
    html = logged_in("komandan").get(f"/plan/member/{member.nrp}/").content.decode()
    assert f'href="tel:{member.phone}"' in html


def test_a_warehouse_watch_carries_its_days_as_well_as_its_hours(plan):
    names = set(
        Post.objects.filter(plan=plan, kind="warehouse", stage="distribution").values_list(
            "name", flat=True
        )
    )
    assert "Jaga gudang KPU Kabat (00.00–08.00, 23/11–26/11)" in names
