"""Holding off floods of public submissions and receipt guessing without any outside service.

Who is counted
    A *client* is its address (``REMOTE_ADDR``, or the rightmost ``X-Forwarded-For`` entry
    that is not one of ``XUNCHA_TRUSTED_PROXIES``: ``xuncha.lib.clientaddr``), hashed with
    SHA-256 under the secret key and the day's date. Only that hash, inside the cache key of
    a counter that expires with its window, is ever kept; the petition and its audit event
    hold no address and no user agent.
    A *target* is the public code of the inspection reported to.

What is limited (fixed windows in the shared cache, ``xuncha.lib.ratelimit``)
    - per client: ``XUNCHA_PUBLIC_FREE_PER_HOUR`` reports an hour without a proof of work,
      at most ``XUNCHA_PUBLIC_MAX_PER_HOUR`` in all (then 429 ``rate_limited``);
    - per target: above ``XUNCHA_PUBLIC_TARGET_FREE_PER_MINUTE`` reports a minute to one
      target, everyone reporting to it must solve the proof of work; at most
      ``XUNCHA_PUBLIC_TARGET_MAX_PER_MINUTE`` a minute are taken;
    - the whole site: above ``XUNCHA_PUBLIC_POW_TRIGGER`` reports a minute, everyone must
      solve the proof of work;
    - receipt look-ups and additions: ``XUNCHA_RECEIPT_LOOKUPS_PER_HOUR`` per client.

How hard the proof of work is
    ``XUNCHA_POW_BITS`` leading zero bits at the first sign of pressure, one more bit (twice
    the work) each time the pressure doubles, at most ``XUNCHA_POW_MAX_BITS``. Pressure is
    the largest of the three ratios count / free allowance.

Every setting is read from Django settings, else from the environment, else the default
below, so deployments and the benchmark tune them without code changes.
"""

import datetime
import hashlib
import math
import os
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.lib import ratelimit
from xuncha.lib.clientaddr import client_address
from xuncha.lib.errors import DomainError

from . import pow as proof

DEFAULTS = {
    "XUNCHA_PUBLIC_FREE_PER_HOUR": 3,
    "XUNCHA_PUBLIC_MAX_PER_HOUR": 20,
    "XUNCHA_PUBLIC_TARGET_FREE_PER_MINUTE": 20,
    "XUNCHA_PUBLIC_TARGET_MAX_PER_MINUTE": 300,
    "XUNCHA_PUBLIC_POW_TRIGGER": 120,
    "XUNCHA_POW_BITS": 16,
    "XUNCHA_POW_MAX_BITS": 24,
    "XUNCHA_RECEIPT_LOOKUPS_PER_HOUR": 30,
}


def setting(name: str, default: int | None = None) -> int:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value in (None, ""):
        value = DEFAULTS[name] if default is None else default
    return int(value)


def refuse_cross_site(request: HttpRequest) -> None:
    """The public API takes JSON only, and never from another site's page: a form or a
    ``text/plain`` fetch from a foreign page (which needs no CORS preflight) would let any web
    page file reports through its visitors. Mini-programs and apps send no ``Origin``."""
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise DomainError(_("Send the request as JSON (Content-Type: application/json)."),
                          code="json_required")
    origin = request.META.get("HTTP_ORIGIN", "")
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE", "")
    own = f"{request.scheme}://{request.get_host()}"
    allowed = {own, *getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    if (origin and origin not in allowed) or fetch_site == "cross-site":
        raise DomainError(_("Reports are accepted from this site's own pages and from apps, "
                            "not from other web sites."), code="foreign_origin")


def client_key(request: HttpRequest) -> str:
    salt = f"{settings.SECRET_KEY}:{timezone.localdate().isoformat()}"
    return hashlib.sha256(f"xuncha-client:{salt}:{client_address(request)}".encode()).hexdigest()


def _counts(request: HttpRequest, target: str) -> tuple[str, int, int, int]:
    """(client key, reports of this client this hour, to this target this minute, on the
    whole site this minute) — one round trip to the cache."""
    key = client_key(request)
    client, per_target, site = ratelimit.peek_many(
        ("pub-client", key, 3600), ("pub-target", target, 60), ("pub-all", "all", 60))
    return key, client, per_target if target else 0, site


def _pressure(client: int, per_target: int, site: int) -> float:
    return max(client / max(setting("XUNCHA_PUBLIC_FREE_PER_HOUR"), 1),
               per_target / max(setting("XUNCHA_PUBLIC_TARGET_FREE_PER_MINUTE"), 1),
               site / max(setting("XUNCHA_PUBLIC_POW_TRIGGER"), 1))


def _bits_for(pressure: float) -> int:
    if pressure < 1:
        return 0
    base, most = setting("XUNCHA_POW_BITS"), setting("XUNCHA_POW_MAX_BITS")
    return min(base + int(math.log2(pressure)), max(most, base))


def required_bits(request: HttpRequest, target: str = "") -> int:
    """0 when the next report may go without a proof of work, else its difficulty."""
    _key, client, per_target, site = _counts(request, target)
    return _bits_for(_pressure(client, per_target, site))


def admit(request: HttpRequest, *, target: str, challenge: str = "", nonce: str = "") -> None:
    """Let one report through or raise DomainError (code ``pow_required`` or
    ``rate_limited``). Call it after the report was validated and right before storing it."""
    key, client, per_target, site = _counts(request, target)
    bits = _bits_for(_pressure(client, per_target, site))
    if bits and not proof.verify(challenge, nonce, bits):
        raise DomainError(_("Please let your browser confirm the submission (this takes a "
                            "moment), then send again."), code="pow_required")
    if client >= setting("XUNCHA_PUBLIC_MAX_PER_HOUR"):
        raise DomainError(_("Too many reports from this connection. Please try again in an "
                            "hour."), code="rate_limited")
    if per_target >= setting("XUNCHA_PUBLIC_TARGET_MAX_PER_MINUTE"):
        raise DomainError(_("This reporting page is very busy. Please try again in a minute."),
                          code="rate_limited")
    ratelimit.hit("pub-client", key, limit=10**9, window=3600)
    ratelimit.hit("pub-target", target, limit=10**9, window=60)
    ratelimit.hit("pub-all", "all", limit=10**9, window=60)


def admit_lookup(request: HttpRequest) -> None:
    """Receipt look-ups and additions: a few dozen an hour per client, so that receipts
    cannot be guessed (10^16 of them, a handful in use)."""
    limit = setting("XUNCHA_RECEIPT_LOOKUPS_PER_HOUR")
    if not ratelimit.hit("receipt", client_key(request), limit=limit, window=3600):
        raise DomainError(_("Too many attempts. Please try again later."), code="rate_limited")


def challenge_for(request: HttpRequest, target: str = "") -> dict[str, Any]:
    """A fresh challenge, as hard as the next report from this client to ``target`` needs
    (or the base difficulty when none is needed yet, so a client can solve ahead)."""
    needed = required_bits(request, target)
    bits = needed or setting("XUNCHA_POW_BITS")
    return proof.new_challenge(bits) | {
        "required": bool(needed),
        "expires": (timezone.now() + datetime.timedelta(seconds=proof.MAX_AGE)).isoformat()}
