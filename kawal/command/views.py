from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from kawal.accounts.scope import require_region, scope_of
from kawal.command.status import region_status
from kawal.operations.models import Operation
from kawal.territory.geometry import svg_map
from kawal.territory.models import Region


@login_required
def home(request: HttpRequest) -> HttpResponse:
    home_region = scope_of(request.user).home
    if home_region is None:
        raise PermissionDenied("your account holds no role over any region")
    return redirect("region", code=home_region)


@login_required
def region(request: HttpRequest, code: str) -> HttpResponse:
    scope = require_region(request.user, code)
    area = get_object_or_404(Region, code=code)
    status = region_status(area, with_personnel=scope.sees_personnel)
    operation = Operation.objects.filter(region_id=code[:5]).prefetch_related("stages").first()
    now = timezone.now()
    current_stages = (
        [s for s in operation.stages.all() if s.starts_at <= now < s.ends_at] if operation else []
    )
    breadcrumbs = []
    parent = area.parent
    while parent is not None and scope.covers(parent.code):
        breadcrumbs.insert(0, parent)
        parent = parent.parent
    return render(
        request,
        "command/region.html",
        {
            "area": area,
            "status": status,
            "map": svg_map(area) if area.level != Region.Level.DESA else None,
            "operation": operation,
            "current_stages": current_stages,
            "sees_personnel": scope.sees_personnel,
            "breadcrumbs": breadcrumbs,
        },
    )
