"""Per-user limits on costly requests (the ledger check, label PDFs): a fixed window counted
in Django's cache, as django-ratelimit counts. Over the limit, the page or API answers 429
with how long to wait.

The default cache is each server process's own memory, so with W gunicorn workers a user
gets at most W times the limit (docs/security.md "Production settings").
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class Throttled(Exception):
    def __init__(self, action: str, limit: int, per: int, retry_after: int) -> None:
        self.action, self.limit, self.per, self.retry_after = action, limit, per, retry_after
        super().__init__(
            f"too many requests: {action} is allowed {limit} times per {per // 60} minutes "
            f"for each user; try again in {retry_after} seconds"
        )


def take(user: User | AnonymousUser, action: str) -> None:
    """Count one `action` by `user`, or raise Throttled if that is one too many."""
    limit, per = settings.RATE_LIMITS[action]
    now = time.time()
    window = int(now // per)
    key = f"kawal:throttle:{action}:{user.pk}:{window}"
    cache.add(key, 0, timeout=per)
    if cache.incr(key) > limit:
        raise Throttled(action, limit, per, retry_after=max(1, int((window + 1) * per - now)))


def limited(action: str, methods: tuple[str, ...] = ("GET", "POST")) -> Callable:
    """A page limited per user: over the limit it answers 429 with a message."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                try:
                    take(request.user, action)
                except Throttled as exc:
                    return too_many(exc)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def too_many(exc: Throttled) -> HttpResponse:
    message = _(
        "Too many requests: this may be done %(limit)s times in %(minutes)s minutes. "
        "Try again in %(seconds)s seconds."
    ) % {"limit": exc.limit, "minutes": exc.per // 60, "seconds": exc.retry_after}
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(exc.retry_after)
    return response
