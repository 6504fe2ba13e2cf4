from functools import partial
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kawal import paper, paper_pages
from kawal.accounts import audit
from kawal.accounts.models import Role
from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import (
    require_personnel,
    require_region,
    require_roles,
    scope_for_roles,
    scope_of,
)
from kawal.incidents.models import Incident
from kawal.operations.models import Operation, Stage
from kawal.personnel.models import Member
from kawal.planning import assessment, changes, coverage, deployment, exports, qr, service
from kawal.planning.inputs import patterns_of
from kawal.planning.models import Absence, Assignment, Indicator, Plan
from kawal.planning.posts import Pattern
from kawal.territory.codes import lies_within, within
from kawal.territory.geometry import svg_map
from kawal.territory.models import TPS, Region

if TYPE_CHECKING:
    from weasyprint.document import Document


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    home_region = scope_of(request.user).home
    if home_region is None:
        raise PermissionDenied("your account holds no role over any region")
    return redirect("plan", code=home_region)


def _map(area: Region, result: coverage.Coverage) -> dict | None:
    if area.level == Region.Level.DESA:
        return None
    drawing = svg_map(area)
    if area.level == Region.Level.KECAMATAN:
        status = {}
        for line in result.posts:
            colour = "red" if line.shortfall else "green"
            for code in line.tps:
                status[code] = colour
        dots = []
        for code, lat, lng in TPS.objects.filter(within("code", area.code)).values_list(
            "code", "lat", "lng"
        ):
            x, y = drawing.project(lat, lng)
            dots.append({"code": code, "x": f"{x:.1f}", "y": f"{y:.1f}",
                         "colour": status.get(code, "red")})
        return {"drawing": drawing, "shapes": [(s, "") for s in drawing.shapes], "dots": dots}
    areas = {d.code: d for d in result.districts}
    return {
        "drawing": drawing,
        "shapes": [(s, areas[s.code].colour if s.code in areas else "") for s in drawing.shapes],
        "dots": [],
    }


@login_required
def region_plan(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(Region, code=code)
    scope = require_region(request.user, code)
    operation = Operation.objects.covering(code).first()
    plan = service.current_plan(operation) if operation else None
    context: dict[str, object] = {
        "area": area,
        "operation": operation,
        "plan": plan,
        "sees_personnel": scope.sees_personnel_in(code),
        "is_command": scope_for_roles(request.user, (Role.COMMAND,)).covers(code),
        "parent": area.parent if area.parent and scope.covers(area.parent.code) else None,
    }
    if plan is not None:
        show_posts = area.level in (Region.Level.KECAMATAN, Region.Level.DESA)
        result = coverage.coverage(
            plan, area, with_personnel=scope.sees_personnel_in(code) and show_posts, tps_codes=show_posts
        )
        if scope.sees_personnel_in(code) and show_posts:
            audit.record("personnel.read", area, actor=request.user, page="plan", plan=plan.pk)
        context.update(
            result=result,
            # Links only where they lead: a member's page needs their home region in scope
            # (BKO members are based at the regency), a TPS's risk page an editor's role.
            member_pages={
                m["nrp"] for line in result.posts for people in line.members.values()
                for m in people if scope.sees_personnel_in(m["region"])
            },
            edits_risk=scope_for_roles(request.user, service.EDITORS).covers(code),
            patterns=[(label, plan.patterns.get(c, "")) for c, label in TPS.Risk.choices],
            map=_map(area, result),
            show_posts=show_posts,
            changes=changes.described(
                [
                    c for c in plan.changes.all()[:50]
                    if any(lies_within(part, code) for part in c.scope.split(","))
                ][:10],
                people_in=scope.sees_personnel_in,
            ),
        )
    return render(request, "planning/plan.html", context)


def _commanded_operation(request: AuthenticatedHttpRequest, code: str) -> tuple[Region, Operation]:
    """The operation covering `code`, for a user who holds the command role over it."""
    area = get_object_or_404(Region, code=code)
    operation = Operation.objects.covering(code).first()
    if operation is None:
        raise Http404(f"no operation covers {code}")
    holder = operation.region_id
    require_roles(request.user, (Role.COMMAND,), f"needs the role command over {holder}", holder)
    return area, operation


@login_required
@require_POST
def new_plan(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    operation = _commanded_operation(request, code)[1]
    plan = service.make_plan(operation, user=request.user)
    messages.success(request, _("Plan v%(version)s drafted.") % {"version": plan.version})
    return redirect("plan", code=code)


@login_required
@require_POST
def approve(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.select_related("operation"), pk=plan_id)
    try:
        service.approve(plan, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Plan v%(version)s approved.") % {"version": plan.version})
    return redirect("plan", code=plan.operation.region_id)


@login_required
def patterns(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area, operation = _commanded_operation(request, code)
    current = patterns_of(operation)
    errors: dict[str, str] = {}
    values = {c: {"text": str(p), "tni": p.tni} for c, p in current.items()}
    if request.method == "POST":
        parsed = {}
        for category in TPS.Risk.values:
            text = request.POST.get(f"pattern_{category}", "")
            tni = request.POST.get(f"tni_{category}", "0")
            values[category] = {"text": text, "tni": tni}
            try:
                parsed[category] = Pattern.parse(text, int(tni) if tni.strip().isdigit() else -1)
            except ValueError as exc:
                errors[category] = str(exc)
        if not errors:
            plan = service.set_patterns(operation, parsed, user=request.user)
            messages.success(
                request, _("Patterns saved; plan v%(version)s drafted.") % {"version": plan.version}
            )
            return redirect("plan", code=operation.region_id)
    rows = [
        {"category": c, "label": label, **values[c], "error": errors.get(c)}
        for c, label in TPS.Risk.choices
    ]
    return render(
        request, "planning/patterns.html",
        {"operation": operation, "area": area, "rows": rows},
        status=400 if errors else 200,
    )


@login_required
def tps_risk(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    require_region(request.user, code)
    require_roles(
        request.user, service.EDITORS, f"needs the role command or sector over {code}", code
    )
    tps = get_object_or_404(TPS.objects.select_related("village"), code=code)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "indicators":
                assessment.set_indicators(
                    tps, set(request.POST.getlist("indicator")), user=request.user
                )
            elif action == "override":
                assessment.override(
                    tps, request.POST.get("category", ""), request.POST.get("reason", ""),
                    user=request.user,
                )
            elif action == "clear":
                assessment.clear_override(tps, user=request.user)
            else:
                raise ValueError(f"action: unknown {action!r}")
        except ValueError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Risk saved."))
            return redirect("plan-tps-risk", code=code)
    result = assessment.assess(tps)
    incidents = Incident.objects.filter(within("region__code", code[:8])).order_by("-occurred_at")[:20]
    return render(
        request, "planning/risk.html",
        {
            "tps": tps,
            "result": result,
            "suggested": TPS.Risk(result.suggested).label,
            "indicators": [(v, label, v in result.indicators) for v, label in Indicator.choices],
            "categories": TPS.Risk.choices,
            "incidents": incidents,
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
def member(request: AuthenticatedHttpRequest, nrp: str) -> HttpResponse:
    person = get_object_or_404(Member.objects.select_related("unit", "region"), nrp=nrp)
    scope = require_personnel(request.user, person.region_id)
    if request.method == "GET":
        audit.record("personnel.read", person, actor=request.user, nrp=person.nrp)
    operation = Operation.objects.covering(person.region_id).first()
    if operation is None:
        raise Http404(f"no operation covers {person.region_id}")
    can_edit = scope_for_roles(request.user, service.EDITORS).covers(person.region_id)
    replanned, error = [], None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("needs the role command or sector")
        try:
            if request.POST.get("action") == "available":
                service.mark_available(operation, person, user=request.user)
            else:
                replanned = service.mark_absent(
                    operation, person, request.POST.get("reason", ""),
                    note=request.POST.get("note", ""), user=request.user,
                )
        except ValueError as exc:
            error = str(exc)
    plan = service.current_plan(operation)
    held = sorted(
        Assignment.objects.filter(plan=plan, member=person).select_related("post") if plan else [],
        key=lambda a: Stage.Kind.values.index(a.stage),
    )
    return render(
        request, "planning/member.html",
        {
            "person": person,
            "plan": plan,
            "held": held,
            "absence": Absence.objects.filter(operation=operation, member=person).first(),
            "reasons": Absence.Reason.choices,
            "can_edit": can_edit,
            "changes": changes.described(replanned, people_in=scope.sees_personnel_in),
            "error": error,
        },
        status=400 if error else 200,
    )


def _listed(request: AuthenticatedHttpRequest, code: str) -> tuple[Plan, Region]:
    """The current plan and the district or regency whose deployment list is asked for."""
    region = get_object_or_404(
        Region, code=code, level__in=(Region.Level.KECAMATAN, Region.Level.KABUPATEN)
    )
    require_personnel(request.user, code)
    operation = Operation.objects.covering(code).first()
    plan = service.current_plan(operation) if operation else None
    if plan is None:
        raise Http404(f"no deployment plan covers {code} yet")
    return plan, region


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def deployment_xlsx(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A district's list, or a regency's with a sheet per Polsek."""
    plan, region = _listed(request, code)
    sections = [deployment.section(plan, d) for d in deployment.districts_of(region)]
    name = f"ploting-{code}-v{plan.version}.xlsx"
    audit.record("export.xlsx", plan, actor=request.user, region=code, file=name)
    return _download(
        exports.xlsx(plan, sections),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        name,
    )


@login_required
def deployment_pdf(request: AuthenticatedHttpRequest, code: str) -> HttpResponse | FileResponse:
    """A district's list made at once; a regency's served when made (else its page)."""
    plan, region = _listed(request, code)
    name = deployment.document_name(plan, region)
    filename = f"ploting-{code}-v{plan.version}.pdf"
    made = paper_pages.download(name, filename)
    if made is None and region.level == Region.Level.KABUPATEN:
        return redirect("plan-pdf-page", code=code)
    audit.record("export.pdf", plan, actor=request.user, region=code, file=filename)
    if made is not None:
        return made
    part = deployment.section(plan, region)
    return _download(
        exports.pdf(plan, region, part.polsek, part.rows), "application/pdf", filename
    )


def _list_words(region: Region) -> dict[str, object]:
    return {
        "area": region,
        "title": _("Deployment list"),
        "about": _("Each Polsek's list of who stands where, stage by stage, with its signature "
                   "block; made district by district in the background."),
        "back_url": reverse("plan", args=[region.code]),
        "page_url": reverse("plan-pdf-page", args=[region.code]),
        "progress_url": reverse("plan-pdf-progress", args=[region.code]),
        "download_url": reverse("plan-pdf", args=[region.code]),
    }


def _list_part(plan: Plan, district: Region) -> "Document":
    part = deployment.section(plan, district)
    return exports.document(plan, district, part.polsek, part.rows)


@login_required
def deployment_page(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A district's or regency's list as a PDF made in the background, a part per Polsek."""
    plan, region = _listed(request, code)

    def parts() -> list[paper.Part]:
        return [partial(_list_part, plan, d) for d in deployment.districts_of(region)]

    return paper_pages.document_page(
        request, deployment.document_name(plan, region), parts, _list_words(region)
    )


@login_required
def deployment_progress(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    plan, region = _listed(request, code)
    return paper_pages.progress_part(
        request, deployment.document_name(plan, region), _list_words(region)
    )


@login_required
def assignment_qr(request: AuthenticatedHttpRequest, assignment_id: int) -> HttpResponse:
    held = get_object_or_404(Assignment.objects.select_related("post", "member"), pk=assignment_id)
    require_personnel(request.user, held.post.district_id)
    return HttpResponse(
        exports.qr_svg(qr.assignment_token(held)), content_type="image/svg+xml"
    )
