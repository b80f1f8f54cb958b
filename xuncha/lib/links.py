"""Absolute links that leave the system on paper: the public reporting page in a notice
and its QR code, the voting page on code slips.

The public site is often not the address the office works at (an intranet host, a proxy):
``settings.XUNCHA_PUBLIC_URL`` names it. Unset (a developer machine), the link is taken from
the request that builds the file; ``manage.py check --deploy`` warns about that.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def public_base() -> str:
    return (getattr(settings, "XUNCHA_PUBLIC_URL", "") or "").rstrip("/")


def public_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (from ``reverse``) on the public site."""
    base = public_base()
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.XUNCHA_BASE_URL.rstrip("/") + path


def public_url_problem(value: str) -> str | None:
    """Why ``value`` cannot be the public address, or None."""
    if not value:
        return "XUNCHA_PUBLIC_URL is not set"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"XUNCHA_PUBLIC_URL is not an absolute http(s) address: {value!r}"
    if parts.hostname in ("localhost", "127.0.0.1", "::1") or parts.hostname.endswith(".local"):
        return f"XUNCHA_PUBLIC_URL points at this machine: {value!r}"
    if parts.query or parts.fragment:
        return f"XUNCHA_PUBLIC_URL must not carry a query or fragment: {value!r}"
    return None
