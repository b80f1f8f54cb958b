"""The ``xuncha`` command: the same commands as ``manage.py``.

Command names may be written with hyphens (``xuncha audit-verify``) or underscores.
"""

import os
import sys


def normalize_argv(argv: list[str]) -> list[str]:
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv = [argv[0], argv[1].replace("-", "_"), *argv[2:]]
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(normalize_argv(sys.argv))


if __name__ == "__main__":
    main()
