"""The ``xuncha`` command: the same commands as ``manage.py``.

Command names may be written with hyphens (``xuncha audit-verify``) or underscores. A missing
or malformed setting ends the command with one line on stderr (exit status 2), never a
traceback.
"""

import os
import sys


def normalize_argv(argv: list[str]) -> list[str]:
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv = [argv[0], argv[1].replace("-", "_"), *argv[2:]]
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(normalize_argv(sys.argv))
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"xuncha: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
