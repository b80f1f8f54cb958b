"""Encryption of sensitive fields (reporter identity, TOTP secrets) at rest.

Keys come from ``XUNCHA_FIELD_KEYS``: comma-separated Fernet keys, newest first. New
values are encrypted with the first key; any listed key decrypts, so a key is rotated
by putting a new one in front and running ``xuncha rotate-field-keys``, then dropping
the old one. Without keys (development and tests only) a key is derived from the
secret key; ``manage.py check --deploy`` refuses that in production.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    if not keys:
        derived = base64.urlsafe_b64encode(
            hashlib.sha256(("xuncha-field-key:" + secret).encode()).digest()
        )
        return MultiFernet([Fernet(derived)])
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.XUNCHA_FIELD_KEYS), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    """Encrypt ``value``; the empty string stays empty (nothing to protect)."""
    if not value:
        return ""
    return fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("Encrypted value cannot be read with the configured keys.") from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the newest key."""
    if not token:
        return ""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


def mask(value: str, *, keep_start: int = 1, keep_end: int = 0) -> str:
    """``张三丰`` → ``张**``; ``13812345678`` with keep_end=4 → ``1******5678``."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return value[:1] + "*" * (len(value) - 1)
    middle = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * middle + (value[-keep_end:] if keep_end else "")
