"""Deployment checks of Xuncha's own settings (run by ``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def field_keys_check(app_configs, **kwargs):
    """Reporter identities must be encrypted with their own keys in production, not with a
    key derived from the secret key (rotating that would make them unreadable)."""
    from cryptography.fernet import Fernet

    keys = list(getattr(settings, "XUNCHA_FIELD_KEYS", []) or [])
    if not keys:
        return [checks.Error(
            "XUNCHA_FIELD_KEYS is not set: reporter identities would be encrypted with a key "
            "derived from the secret key.", hint="Generate one with: python -c 'from "
            "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'",
            id="xuncha.E001")]
    problems = []
    for i, key in enumerate(keys):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(checks.Error(f"XUNCHA_FIELD_KEYS: key {i + 1} is not a Fernet key.",
                                         id="xuncha.E002"))
    return problems


@checks.register(checks.Tags.security, deploy=True)
def audit_chain_check(app_configs, **kwargs):
    """The audit chain needs its own MAC key (not the public development one) and a place
    outside the database for its checkpoints (``xuncha/audit/deploy.py``)."""
    from xuncha.audit.deploy import deploy_problems

    return deploy_problems()


@checks.register(checks.Tags.security, deploy=True)
def public_url_check(app_configs, **kwargs):
    """Notices and code slips print links and QR codes to the public site: without
    ``XUNCHA_PUBLIC_URL`` they carry whatever address the office worked at."""
    from xuncha.lib.links import public_url_problem

    problem = public_url_problem(getattr(settings, "XUNCHA_PUBLIC_URL", ""))
    if problem is None:
        return []
    return [checks.Warning(
        problem + ": printed notices and QR codes would carry the address the office "
        "worked at.", hint="Set XUNCHA_PUBLIC_URL=https://<the public host> "
        "(docs/operations.md, \"Printed links\").", id="xuncha.W030")]
