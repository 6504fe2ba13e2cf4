"""The `kawal` command: Django's management commands with kawal's settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kawal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kawal", *sys.argv[1:]])


if __name__ == "__main__":
    main()
