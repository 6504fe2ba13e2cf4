"""Bearer tokens that may belong to a field device: a revoked device is refused at once.

A device's request says how many records are still queued on the phone
(`X-Kawal-Pending: <n>`); that and the time are kept on the device for the device list.
"""

from django.db import models
from ninja.errors import AuthenticationError

from kawal.accounts.api_auth import BearerToken, Beside
from kawal.field import devices
from kawal.field.models import Device

PENDING_HEADER = "X-Kawal-Pending"


def _pending(request) -> int | None:
    value = request.headers.get(PENDING_HEADER, "")
    return int(value) if value.isdigit() else None


class DeviceBearer(BearerToken):
    """A plain API token, or a device's: then `request.device` is that device."""

    beside = Beside(
        Device,
        ("id", "member_id", "region_id", "public_key", "revoked_at", "last_sync_at", "pending"),
        "d",
        f"LEFT JOIN {Device._meta.db_table} d ON d.token_id = t.id",
    )

    def refuse(self, beside: models.Model | None) -> None:
        if isinstance(beside, Device) and beside.revoked_at is not None:
            raise AuthenticationError

    def admit(self, request, beside: models.Model | None) -> None:
        request.device = beside
        if isinstance(beside, Device):
            devices.note_sync(beside, _pending(request))


def device_of(request) -> Device | None:
    """The enrolled device that made this request, if a device made it."""
    return getattr(request, "device", None)
