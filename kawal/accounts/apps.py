from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kawal.accounts"
    label = "accounts"

    def ready(self) -> None:
        from kawal.accounts import audit

        audit.connect()
