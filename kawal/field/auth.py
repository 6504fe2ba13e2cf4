"""Bearer tokens that may belong to a field device: a revoked device is refused at once.

A device's request says how many records are still queued on the phone
(`X-Kawal-Pending: <n>`); that and the time are kept on the device for the device list.
"""

from ninja.errors import AuthenticationError

from kawal.accounts.api_auth import BearerToken
from kawal.accounts.models import ApiToken
from kawal.field import devices
from kawal.field.models import Device

PENDING_HEADER = "X-Kawal-Pending"


def _pending(request) -> int | None:
    value = request.headers.get(PENDING_HEADER, "")
    return int(value) if value.isdigit() else None


class DeviceBearer(BearerToken):
    """A plain API token, or a device's: then `request.device` is that device."""

    def authenticate(self, request, token):
        device = (
            Device.objects.filter(token__digest=ApiToken.digest_of(token))
            .only(
                "id", "member_id", "region_id", "public_key", "revoked_at", "last_sync_at",
                "pending",
            )
            .first()
        )
        if device is not None and device.revoked_at is not None:
            raise AuthenticationError
        user = super().authenticate(request, token)
        request.device = device
        if request.device is not None:
            devices.note_sync(request.device, _pending(request))
        return user


def device_of(request) -> Device | None:
    """The enrolled device that made this request, if a device made it."""
    return getattr(request, "device", None)
