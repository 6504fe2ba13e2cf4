from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from kawal.accounts.audit import current_actor


class AuditActorMiddleware:
    """Makes the request's user the actor of every audited write during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = current_actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(token)
