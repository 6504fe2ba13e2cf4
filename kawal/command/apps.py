from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_tallies(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from kawal.command import tallies

    tallies.install()


class CommandConfig(AppConfig):
    name = "kawal.command"
    label = "command"

    def ready(self) -> None:
        post_migrate.connect(_install_tallies, sender=self, dispatch_uid="kawal_command_tallies")
