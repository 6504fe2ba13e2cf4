"""The one shape of every API error, `{"detail": str}`, and the status codes each operation
declares in the OpenAPI schema, so that the schema says truthfully what a client can get.

Every call can answer 401 (no or bad token) and 413 or 400 from kawal/request_limits.py
(a body too large, or nested too deep); ninja answers 422 when a parameter or body field
fails its schema; a call taking a JSON body answers 400 when the body is not JSON.
"""

from typing import Any

from ninja import Schema
from ninja.errors import ValidationError

# What every call may answer before its own code runs (401 only where it needs a caller).
ALWAYS = (400, 401, 413, 422)
UNAUTHENTICATED = 401


class Error(Schema):
    detail: str


def responses(ok: Any, *codes: int, public: bool = False, **other: Any) -> dict[int, Any]:
    """`response=` for an operation: `ok` for 200, Error for ALWAYS and `codes`; `other`
    maps a code written as `s409` to a schema of its own. A `public` call (no auth) has no 401."""
    always = {c for c in ALWAYS if not (public and c == UNAUTHENTICATED)}
    declared: dict[int, Any] = {200: ok}
    declared.update(dict.fromkeys(sorted({*always, *codes}), Error))
    declared.update({int(name[1:]): schema for name, schema in other.items()})
    return declared


def validation_detail(exc: ValidationError) -> str:
    """Ninja's list of failed fields as one sentence naming each: `query.region: Field
    required; body.note: Input should be a valid string`."""
    parts = []
    for error in exc.errors:
        where = [str(p) for p in error.get("loc", ())]
        # ninja names the parameter group, then the parameter ("body", "body", "note").
        if len(where) > 2 and where[0] == where[1]:
            where = where[1:]
        parts.append(f"{'.'.join(where) or 'body'}: {error.get('msg', 'is invalid')}")
    return "; ".join(parts) or "the request is invalid"
