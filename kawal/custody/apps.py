from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_append_only(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from kawal.custody import append_only

    append_only.install()


class CustodyConfig(AppConfig):
    name = "kawal.custody"
    label = "custody"

    def ready(self) -> None:
        post_migrate.connect(
            _install_append_only, sender=self, dispatch_uid="kawal_custody_append_only"
        )
