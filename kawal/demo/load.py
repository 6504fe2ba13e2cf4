"""Load the whole Banyuwangi operation into an empty database."""

from django.db import transaction

from kawal.accounts import audit
from kawal.demo import generator
from kawal.demo.operation import create_operation
from kawal.demo.users import create_demo_users
from kawal.operations.models import CustodyRules, Operation
from kawal.territory.loader import load_regions


def is_loaded() -> bool:
    return Operation.objects.exists()


@transaction.atomic
def load_demo(seed: int = generator.SEED) -> generator.DemoData:
    load_regions(generator.DATA_DIR)
    data = generator.build(seed)
    generator.write(data)
    CustodyRules.objects.create(operation=create_operation(generator.REGENCY))
    create_demo_users(generator.REGENCY)
    audit.record(
        "demo.load",
        actor=None,
        seed=seed,
        tps=len(data.tps),
        members=len(data.members),
        boxes=len(data.box_codes),
    )
    return data
