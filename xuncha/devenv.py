"""The development settings ``make run`` keeps in ``var/development.env``.

``make run`` serves the demo with ``XUNCHA_DEBUG=1``; the README's other commands
(``.venv/bin/xuncha demo-logins``, ``extract-announcement FILE``, ``audit-verify``, …) are
typed bare afterwards. So ``make run`` writes, once, ``var/development.env``: ``XUNCHA_DEBUG=1``
and a random development ``XUNCHA_SECRET_KEY``; the settings read it for every later command
of that checkout. The environment always wins over the file, and a production install (no
``make run``, its own ``XUNCHA_VAR_DIR``) has no such file.

``python -m xuncha.devenv`` writes the file when it is missing (this module imports nothing
of Django: the settings import it before Django is configured).
"""

import os
import secrets
import sys
from pathlib import Path

FILE_NAME = "development.env"
#: The only names the file may set; anything else in it is ignored.
NAMES = ("XUNCHA_DEBUG", "XUNCHA_SECRET_KEY")


def path(var_dir: Path) -> Path:
    return Path(var_dir) / FILE_NAME


def read(var_dir: Path) -> dict[str, str]:
    """The file's ``NAME=value`` lines (only ``NAMES``); nothing when there is no file."""
    try:
        text = path(var_dir).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return {}
    values = {}
    for line in text.splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name in NAMES and value.strip():
            values[name] = value.strip()
    return values


def load(var_dir: Path, environ: "os._Environ[str] | dict[str, str]" = os.environ) -> None:
    """Set the file's values that the environment does not already give."""
    for name, value in read(var_dir).items():
        environ.setdefault(name, value)


def ensure(var_dir: Path) -> Path:
    """Write the file (mode 600) if it is not there; return its path."""
    target = path(var_dir)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        body = (
            "# Written by `make run`: a development install of Xuncha. Every `xuncha` command of\n"
            "# this checkout reads it; the environment wins. Never use it in production.\n"
            "XUNCHA_DEBUG=1\n"
            f"XUNCHA_SECRET_KEY={secrets.token_urlsafe(50)}\n"
        )
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
    return target


def main() -> None:
    base = Path(__file__).resolve().parent.parent
    var_dir = Path(os.environ.get("XUNCHA_VAR_DIR", base / "var"))
    target = ensure(var_dir)
    sys.stdout.write(f"development settings: {target}\n")


if __name__ == "__main__":
    main()
