"""A phone can't renew its own token: it works to the end of its operation."""

from datetime import timedelta

from django.utils import timezone

from kawal.operations.models import Operation


def test_a_phones_token_lasts_to_the_end_of_its_operation(demo, enrol):
    ends = timezone.now() + timedelta(days=120)
    Operation.objects.filter(pk=demo.pk).update(ends_at=ends)
    phone = enrol()
    assert phone.device.token.expires_at == ends


def test_a_phone_after_its_operation_gets_the_usual_days(demo, enrol, settings):
    # The demo's operation ended in 2024.
    phone = enrol()
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert abs(phone.device.token.expires_at - expected) < timedelta(minutes=1)
