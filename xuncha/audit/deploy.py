"""What ``manage.py check --deploy`` says about the audit chain (registered in
``xuncha/ops/checks.py``): its MAC key and where its checkpoints go."""

from pathlib import Path

from django.conf import settings
from django.core import checks

from .keys import DEV_KEY, MIN_KEY_BYTES, parse_keys


def deploy_problems() -> list[checks.CheckMessage]:
    """What ``check --deploy`` reports about the audit chain's key and checkpoints."""
    entries = list(getattr(settings, "XUNCHA_AUDIT_KEYS", []) or [])
    problems: list[checks.CheckMessage] = []
    hint = ("Set XUNCHA_AUDIT_KEYS=\"id:base64key\"; generate a key with: python -c \"import "
            "base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())\"")
    if not entries:
        problems.append(checks.Error(
            "XUNCHA_AUDIT_KEYS is not set: the audit chain would be signed with the public "
            "development key, and anyone with database access could rewrite it.",
            hint=hint, id="xuncha.E020"))
    else:
        try:
            keys = parse_keys(entries)
        except ValueError as exc:
            problems.append(checks.Error(str(exc), hint=hint, id="xuncha.E021"))
        else:
            for key in keys:
                if key.secret == DEV_KEY:
                    problems.append(checks.Error(
                        f"XUNCHA_AUDIT_KEYS: {key.id!r} is the public development key.",
                        hint=hint, id="xuncha.E020"))
                elif len(key.secret) < MIN_KEY_BYTES:
                    problems.append(checks.Error(
                        f"XUNCHA_AUDIT_KEYS: the key of {key.id!r} has {len(key.secret)} bytes; "
                        f"at least {MIN_KEY_BYTES} random bytes are needed.",
                        hint=hint, id="xuncha.E021"))
    directory = str(getattr(settings, "XUNCHA_AUDIT_CHECKPOINT_DIR", "") or "")
    if not directory and not getattr(settings, "XUNCHA_AUDIT_CHECKPOINT_EMAIL", None):
        problems.append(checks.Warning(
            "Audit checkpoints go only to the log: neither XUNCHA_AUDIT_CHECKPOINT_DIR nor "
            "XUNCHA_AUDIT_CHECKPOINT_EMAIL is set, so a truncated or re-chained audit trail "
            "may go unnoticed.",
            hint="Point XUNCHA_AUDIT_CHECKPOINT_DIR at storage the database server cannot "
                 "write (another host or mount), and/or set XUNCHA_AUDIT_CHECKPOINT_EMAIL.",
            id="xuncha.W020"))
    if directory:
        path = Path(directory).resolve()
        local = [Path(settings.VAR_DIR).resolve(), Path(settings.MEDIA_ROOT).resolve()]
        if not path.is_dir():
            problems.append(checks.Warning(
                f"XUNCHA_AUDIT_CHECKPOINT_DIR {directory} is not a directory (is the other "
                "storage mounted?).", id="xuncha.W021"))
        elif any(path == p or p in path.parents for p in local):
            problems.append(checks.Warning(
                "XUNCHA_AUDIT_CHECKPOINT_DIR lies inside XUNCHA_VAR_DIR or the media root: "
                "checkpoints there share the fate of the data they vouch for.",
                id="xuncha.W021"))
    return problems
