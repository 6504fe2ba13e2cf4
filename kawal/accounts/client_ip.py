"""The address a request came from, for the login lockout (django-axes).

Behind KAWAL_PROXY_COUNT reverse proxies, each appends the address it was reached from to
X-Forwarded-For, and the last one is the connection's own address. So the client is the
PROXY_COUNT-th entry from the right: everything left of it was written by the client, who
may have put anything there. With no proxy configured no header is trusted at all.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    connected = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count <= 0:
        return connected
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < count:
        # It came around the proxies, or through fewer than expected: only the connection
        # itself can be trusted.
        return connected
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return connected
