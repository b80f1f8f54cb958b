"""The address of the client behind the reverse proxies this deployment trusts.

``X-Forwarded-For`` is a list each proxy appends to; only the entries added by proxies we
run can be believed — everything to their left was written by the client and may be
forged. So the client is the *rightmost* address that is not one of our proxies, read from
the right: ``REMOTE_ADDR`` first, then the header's entries from last to first.

``XUNCHA_TRUSTED_PROXIES`` (setting or environment) says which proxies are ours:

- empty (the default): none — ``REMOTE_ADDR`` is the client and the header is ignored;
- a number ``N``: the last ``N`` hops are our proxies (``1`` for one nginx in front);
- CIDRs, comma-separated (``10.0.0.0/8,192.0.2.7``): hops inside them are ours.

The old ``XUNCHA_TRUST_X_FORWARDED_FOR=1`` means ``XUNCHA_TRUSTED_PROXIES=1``.
"""

import ipaddress
import os
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, "")
    return str(value).strip()


@lru_cache(maxsize=8)
def _parse(spec: str) -> int | tuple[Network, ...]:
    if not spec:
        return 0
    if spec.isdigit():
        return int(spec)
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in spec.split(",") if part.strip())


def trusted_proxies() -> int | tuple[Network, ...]:
    spec = _setting("XUNCHA_TRUSTED_PROXIES")
    if not spec and _setting("XUNCHA_TRUST_X_FORWARDED_FOR") in ("1", "True", "true"):
        spec = "1"
    return _parse(spec)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = trusted_proxies()
    if not trusted:
        return remote
    hops = [remote, *reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(","))]
    chosen = remote
    for index, hop in enumerate(hops):
        address = _address(hop)
        if address is None:
            break  # garbage in the header: stop at the last good hop
        chosen = str(address)
        if isinstance(trusted, int):
            if index >= trusted:
                break
        elif not any(address in network for network in trusted):
            break
    return chosen
