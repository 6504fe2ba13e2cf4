from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kawal.accounts"
    label = "accounts"
    verbose_name = _("accounts and audit")

    def ready(self) -> None:
        from kawal.accounts import audit

        audit.connect()
