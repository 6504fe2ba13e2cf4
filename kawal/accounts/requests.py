"""The request a page or API function sees once its caller has signed in.

`request.user` is `User | AnonymousUser` in general. Behind `login_required`, and behind the
API's authentication (a bearer token or the session), it is always a `User`; views and API
functions say so by taking an `AuthenticatedHttpRequest`, as django-stubs recommends, and
hand `request.user` to services that take a `User`.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedHttpRequest(HttpRequest):
    user: User
