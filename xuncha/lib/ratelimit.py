"""Fixed-window rate limits over the shared cache (no outside service needed).

A counter lives under a key that names its window (``rl:<scope>:<who>:<window number>``) and
expires when that window ends, so "30 an hour" means 30 in each clock hour on every cache.
Django's ``incr`` keeps an entry's expiry on Redis and in local memory but, on the database
cache, writes the entry again with the *default* timeout (300 s), which made an hour's
counter vanish after five idle minutes; there the counter is read and written with the
window's own expiry instead.
"""

import hashlib
import time

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache


def _window(window: int) -> tuple[int, float]:
    """The current window's number and the seconds left in it."""
    now = time.time()
    number = int(now // window)
    return number, (number + 1) * window - now


def _key(scope: str, ident: str, number: int) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]
    return f"rl:{scope}:{digest}:{number}"


def _incr_keeps_expiry() -> bool:
    return isinstance(cache, RedisCache | LocMemCache)


def hit(scope: str, ident: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while the count in the current window is within ``limit``."""
    number, left = _window(window)
    key = _key(scope, ident, number)
    timeout = int(left) + 5  # a little past the window's end: never before it
    if _incr_keeps_expiry():
        cache.add(key, 0, timeout=timeout)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
            count = 1
    else:
        count = int(cache.get(key) or 0) + 1
        cache.set(key, count, timeout=timeout)
    return count <= limit


def peek(scope: str, ident: str, *, window: int) -> int:
    return int(cache.get(_key(scope, ident, _window(window)[0])) or 0)


def peek_many(*counters: tuple[str, str, int]) -> list[int]:
    """Several counters (scope, ident, window) in one round trip to the cache."""
    keys = [_key(scope, ident, _window(window)[0]) for scope, ident, window in counters]
    found = cache.get_many(keys)
    return [int(found.get(k) or 0) for k in keys]
