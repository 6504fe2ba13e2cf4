"""Django's flush, around the append-only triggers (custody/append_only.py): they would
refuse its DELETE and TRUNCATE. `kawal demo --fresh` and the tests flush this way; it needs
the database owner's rights, which `kawal serve`'s role doesn't have."""

from django.core.management.commands import flush

from kawal.custody import append_only


class Command(flush.Command):
    def handle(self, **options: object) -> None:
        append_only.drop()
        try:
            super().handle(**options)
        finally:
            append_only.install()
