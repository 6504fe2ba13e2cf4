"""The demo operation, Mantap Praja Semeru 2024, with its stages in WIB (DOMAIN.md)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from kawal.operations.models import Contest, Operation, Stage

WIB = ZoneInfo("Asia/Jakarta")


def wib(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=WIB)


OPERATION = {
    "code": "mantap-praja-semeru-2024",
    "name": "Operasi Mantap Praja Semeru 2024",
    "starts_at": wib(8, 19),
    "ends_at": datetime(2024, 12, 31, 23, 59, 59, tzinfo=WIB),
}
# (kind, first day, day after the last day, note); windows run midnight to midnight WIB.
STAGES = (
    ("distribution", wib(11, 23), wib(11, 27), "KPU→PPK 23–24 Nov, PPK→PPS 25 Nov, PPS→TPS 26 Nov"),
    ("quiet", wib(11, 24), wib(11, 27), "masa tenang 24–26 Nov"),
    ("voting", wib(11, 27), wib(11, 28), "pemungutan dan penghitungan suara 27 Nov"),
    ("return", wib(11, 27), wib(11, 29), "TPS → PPS → PPK 27–28 Nov"),
    ("recap_ppk", wib(11, 28), wib(12, 4), "rekapitulasi PPK 28 Nov – 3 Des"),
    ("recap_kpu", wib(11, 29), wib(12, 7), "rekapitulasi KPU kabupaten 29 Nov – 6 Des"),
)
CONTESTS = (
    ("BUP", "Bupati dan Wakil Bupati Banyuwangi"),
    ("GUB", "Gubernur dan Wakil Gubernur Jawa Timur"),
)


def create_operation(region_code: str) -> Operation:
    operation = Operation.objects.create(region_id=region_code, **OPERATION)
    Stage.objects.bulk_create(
        Stage(operation=operation, kind=kind, order=i, starts_at=start, ends_at=end, note=note)
        for i, (kind, start, end, note) in enumerate(STAGES, start=1)
    )
    Contest.objects.bulk_create(
        Contest(operation=operation, code=code, name=name) for code, name in CONTESTS
    )
    return operation
