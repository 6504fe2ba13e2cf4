"""The demo's deployment plan: made and approved by the commander, as a simulation needs."""

from django.contrib.auth import get_user_model

from kawal.operations.models import Operation
from kawal.planning import service
from kawal.planning.models import Plan


def approved_plan(operation: Operation) -> Plan:
    """The operation's approved plan; the demo commander makes and approves one if none is."""
    plan = Plan.objects.filter(operation=operation, status=Plan.Status.APPROVED).first()
    if plan is not None:
        return plan
    komandan = get_user_model().objects.get(username="komandan")
    return service.approve(service.make_plan(operation, user=komandan), user=komandan)
