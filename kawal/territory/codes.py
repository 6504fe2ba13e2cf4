"""Kemendagri region codes and TPS/box codes: parsing and prefix scoping."""

import re
from collections.abc import Iterable

from django.db.models import Q

REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
REGENCY_LENGTH = len("35.10")
TPS_CODE = re.compile(r"^(?P<village>\d{2}\.\d{2}\.\d{2}\.\d{4})-(?P<number>\d{3})$")


def lies_within(code: str, region_code: str) -> bool:
    """Whether a region, TPS or box `code` lies in `region_code` (itself included).

    The Python twin of `within`: `35.10.01` holds `35.10.01.2001-001-BUP`, not `35.10.010`.
    """
    return code == region_code or code.startswith((region_code + ".", region_code + "-"))


def regency_of(code: str) -> str:
    """The regency (kabupaten or kota) a region, TPS or box code at that depth or deeper lies
    in: `35.10` for `35.10.01.2001-001-BUP`. The ledger's rows carry it as `regency`, the key
    that shards them on Citus (docs/deploy.md), and its queries filter on it."""
    return code[:REGENCY_LENGTH]


def regencies_of(codes: Iterable[str]) -> set[str]:
    return {regency_of(code) for code in codes}


def within(field: str, region_code: str) -> Q:
    """Rows whose hierarchical code `field` lies in `region_code` (itself included).

    Region, TPS and box codes all extend their parent's code, so scope is a prefix match
    that stops at a separator: `35.10.01` must not match `35.10.010`.
    """
    return (
        Q(**{field: region_code})
        | Q(**{f"{field}__startswith": region_code + "."})
        | Q(**{f"{field}__startswith": region_code + "-"})
    )
