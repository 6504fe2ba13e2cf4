"""The `kawal` command: Django's management commands with kawal's settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawal.settings")
    if sys.argv[1:2] == ["demo"]:
        # The demo serves plain http on 127.0.0.1, and its users keep the printed password.
        os.environ.setdefault("KAWAL_HTTPS", "0")
        os.environ.setdefault("KAWAL_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kawal", *sys.argv[1:]])


if __name__ == "__main__":
    main()
