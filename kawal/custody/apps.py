from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _install_in_database(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from kawal.custody import append_only, log

    append_only.install()
    log.install()


class CustodyConfig(AppConfig):
    name = "kawal.custody"
    label = "custody"
    verbose_name = _("custody of ballot boxes")

    def ready(self) -> None:
        post_migrate.connect(
            _install_in_database, sender=self, dispatch_uid="kawal_custody_in_database"
        )
