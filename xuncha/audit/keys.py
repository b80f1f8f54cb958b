"""The audit chain's MAC keys: ``XUNCHA_AUDIT_KEYS``, read from the environment.

Format: comma-separated ``id:key`` pairs, newest first::

    XUNCHA_AUDIT_KEYS="2026b:3q2+7w...=,2026a:q83v..."

``id`` is 1-16 characters of ``A-Z a-z 0-9 . _ -`` and is stored in every row it signs;
``key`` is the base64 (standard or URL-safe, padding optional) of at least 32 random bytes.
Generate one with ``python -c "import base64, secrets;
print(base64.b64encode(secrets.token_bytes(32)).decode())"``. The first key signs new rows
and checkpoints; every listed key verifies. See ``xuncha/audit/chain.py`` for rotation.

Without the variable, development and test processes (``XUNCHA_DEBUG=1``, the test runner)
use a fixed, public development key (id ``dev``); any other process refuses to start
(``xuncha/settings.py``) and ``manage.py check --deploy`` refuses a missing, public,
malformed or short key.
"""

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: Shortest key accepted by ``check --deploy``: the output size of SHA-256.
MIN_KEY_BYTES = 32
DEV_KEY_ID = "dev"
#: Public on purpose: rows signed with it prove nothing, so production refuses it.
DEV_KEY = hashlib.sha256(b"xuncha-development-audit-key: never use in production").digest()
_ID = re.compile(r"[A-Za-z0-9._-]{1,16}")


@dataclass(frozen=True)
class AuditKey:
    id: str
    secret: bytes = b""

    def __repr__(self) -> str:  # never print the secret
        return f"AuditKey({self.id!r})"


def parse_keys(entries: list[str] | tuple[str, ...]) -> tuple[AuditKey, ...]:
    """The keys of ``XUNCHA_AUDIT_KEYS`` entries, in order; ``ValueError`` names the first
    malformed entry by position (never by content: it is a secret)."""
    keys: list[AuditKey] = []
    for position, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.strip().partition(":")
        if not sep or not _ID.fullmatch(key_id):
            raise ValueError(f"XUNCHA_AUDIT_KEYS entry {position} is not 'id:base64key' "
                             "(id: 1-16 of A-Z a-z 0-9 . _ -).")
        if any(k.id == key_id for k in keys):
            raise ValueError(f"XUNCHA_AUDIT_KEYS lists the key id {key_id!r} twice.")
        padded = encoded.strip() + "=" * (-len(encoded.strip()) % 4)
        try:
            secret = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"XUNCHA_AUDIT_KEYS: the key of {key_id!r} is not base64.") from None
        if not secret:
            raise ValueError(f"XUNCHA_AUDIT_KEYS: the key of {key_id!r} is empty.")
        keys.append(AuditKey(key_id, secret))
    return tuple(keys)


@lru_cache(maxsize=8)
def _keys(entries: tuple[str, ...], development: bool) -> tuple[AuditKey, ...]:
    if entries:
        try:
            return parse_keys(entries)
        except ValueError as exc:
            raise ImproperlyConfigured(str(exc)) from None
    if development:
        return (AuditKey(DEV_KEY_ID, DEV_KEY),)
    raise ImproperlyConfigured("XUNCHA_AUDIT_KEYS must be set when XUNCHA_DEBUG is off.")


def audit_keys() -> tuple[AuditKey, ...]:
    """The configured keys, newest (signing) first. Cached: costs a tuple per call."""
    return _keys(tuple(settings.XUNCHA_AUDIT_KEYS), bool(settings.DEBUG or settings.TESTING))


def signing_key() -> AuditKey:
    return audit_keys()[0]
