"""What an API body may be before anything parses it: at most DATA_UPLOAD_MAX_MEMORY_SIZE
bytes (413), and JSON nested at most MAX_DEPTH levels (400).

Python's json parser recurses once per level, so a body of a few thousand brackets would
raise RecursionError deep inside ninja or a batch; the depth is measured here on the bytes,
without parsing, before any of them sees the body. docs/security.md ("Bad input") says why.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

MAX_DEPTH = 16
API_PREFIX = "/api/"
# Raw JPEG chunks (PUT /api/v1/photos/…): never parsed as JSON, so never measured as JSON.
BINARY_PREFIXES = ("/api/v1/photos/",)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_AS_PARENS = bytes.maketrans(b"[{]}", b"(())")


class TooDeep(ValueError):
    pass


def check_depth(body: bytes, limit: int = MAX_DEPTH) -> None:
    """TooDeep when `body`, read as JSON, nests arrays and objects deeper than `limit`.

    Malformed JSON is left to the parser, which says what is wrong with it; only nesting
    deep enough to exhaust its recursion is refused here, whether or not it is well formed.
    """
    brackets = _outside_strings(body).translate(_AS_PARENS, _NOT_BRACKETS)
    # Each pass takes away the innermost level of every pair, in C: at most `limit` of them.
    for _ in range(limit):
        inner = brackets.replace(b"()", b"")
        if inner == brackets:
            break
        brackets = inner
    # A pair still left is nested deeper than `limit`. What else is left is unmatched, ")))(((":
    # a parser stops at the first unmatched ")", but would descend into every unmatched "(".
    if b"()" in brackets or brackets.count(b"(") > limit:
        raise TooDeep(f"the body nests JSON deeper than {limit} levels")


def _outside_strings(body: bytes) -> bytes:
    """`body` without its JSON strings: their brackets are text, not nesting. Escapes go
    first, left to right as a parser reads them, so every quote left opens or closes one."""
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(unescaped.split(b'"')[::2])


def _refused(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


class BodyLimitsMiddleware:
    """Refuse an API body that is too large (413) or nested too deep (400), with a JSON
    `detail`, before a view or ninja reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            refused = self._refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> JsonResponse | None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        too_large = f"the body is larger than the {limit // 1024 // 1024} MB an API call takes"
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refused(400, "the Content-Length header is not a number")
        if limit is not None and size > limit:
            return _refused(413, too_large)
        if request.path.startswith(BINARY_PREFIXES):
            return None
        try:
            body = request.body
        except RequestDataTooBig:
            return _refused(413, too_large)
        try:
            check_depth(body)
        except TooDeep as exc:
            return _refused(400, str(exc))
        return None
