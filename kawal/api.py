"""The NinjaAPI: mounts each app's router under /api/v1."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import SessionAuth

from kawal.api_errors import validation_detail
from kawal.command.api import router as command_router
from kawal.custody.api import router as custody_router
from kawal.field.api import router as field_router
from kawal.field.auth import DeviceBearer
from kawal.incidents.api import router as incidents_router
from kawal.personnel.api import router as personnel_router
from kawal.planning.api import router as planning_router

api = NinjaAPI(
    title="Kawal API",
    version="1",
    urls_namespace="api",
    auth=[DeviceBearer(), SessionAuth()],
    description="Election-security operations: territory, personnel, custody, plan, incidents.",
)
api.add_router("", command_router)
api.add_router("", personnel_router)
api.add_router("", planning_router)
api.add_router("", custody_router)
api.add_router("", incidents_router)
api.add_router("", field_router)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": validation_detail(exc)}, status=422)


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # A chunked body with no Content-Length, found too large only as it was read.
    return api.create_response(request, {"detail": "the body is too large"}, status=413)
