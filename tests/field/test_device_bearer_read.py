"""The bearer check reads an enrolled phone in the token's own statement: the same fields
as the ORM reads for it (field/auth.DeviceBearer), or none for a token without one."""

from kawal.accounts.api_auth import read
from kawal.accounts.models import ApiToken
from kawal.field.auth import DeviceBearer
from kawal.field.models import Device
from tests.conftest import user


def test_it_reads_the_phone_as_the_orm_does(phone):
    found = read(ApiToken.digest_of(phone.token), DeviceBearer.beside)
    assert found is not None and isinstance(found.beside, Device)
    names = DeviceBearer.beside.fields
    stored = Device.objects.only(*names).get(pk=phone.device.pk)
    assert {n: getattr(found.beside, n) for n in names} == {n: getattr(stored, n) for n in names}
    assert found.beside.get_deferred_fields() == stored.get_deferred_fields()


def test_a_token_without_a_phone_reads_none_beside_it(demo):
    _, secret = ApiToken.issue(user("komandan"))
    found = read(ApiToken.digest_of(secret), DeviceBearer.beside)
    assert found is not None and found.beside is None
