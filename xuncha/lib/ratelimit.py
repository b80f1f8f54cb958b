"""Fixed-window rate limits over the shared cache (no outside service needed)."""

import hashlib
import time

from django.core.cache import cache


def _key(scope: str, ident: str, window: int) -> str:
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]
    return f"rl:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope: str, ident: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while the count in the current window is within ``limit``."""
    key = _key(scope, ident, window)
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit


def peek(scope: str, ident: str, *, window: int) -> int:
    return int(cache.get(_key(scope, ident, window)) or 0)


def peek_many(*counters: tuple[str, str, int]) -> list[int]:
    """Several counters (scope, ident, window) in one round trip to the cache."""
    keys = [_key(scope, ident, window) for scope, ident, window in counters]
    found = cache.get_many(keys)
    return [int(found.get(k) or 0) for k in keys]
