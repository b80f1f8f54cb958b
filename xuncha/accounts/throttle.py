"""Sign-in throttling: a progressive delay, never a lock-out that an outsider can use.

The choice (issue 15, item 5), and why:

- **What is counted.** Failed attempts only (a wrong password, an unknown name, an inactive
  account, a wrong second-factor code), against three counters: the *name typed* (known or
  not, so that the answers never tell which names exist), the *address* the attempt comes
  from, and a *known device*. Successful sign-ins count nowhere.
- **What happens.** A counter's first ``XUNCHA_LOGIN_FREE_FAILURES`` failures in a window
  (``XUNCHA_LOGIN_WINDOW_SECONDS``, fixed windows of ``xuncha.lib.ratelimit``) cost nothing;
  from then on each failure makes the counter wait ``XUNCHA_LOGIN_DELAY_SECONDS`` ·
  2^(failures past the free ones), at most ``XUNCHA_LOGIN_MAX_DELAY_SECONDS``. While a
  counter waits, every attempt it covers is answered exactly like a wrong password (same
  message, same status) without checking the password, and is not counted, so waiting it
  out always works. A guesser gets about a dozen tries per name per hour.
- **Why no outsider can keep the owner out.** A browser in which the account signed in
  before keeps a signed cookie naming the account (``device_cookie``). Its attempts for that
  name are counted against that device alone, not against the name or the address, so
  filling the name's or the address's counter from outside does not delay the owner on
  their usual device. On a new device the owner waits at most the current short delay.
- **Not a proof of work**: it taxes every person's browser on every sign-in, and a botnet
  pays it easily; the delay bounds the guesses per name however many machines guess.

An administrator's *Unlock* (``services.user_unlock``) clears the name's delay and counter.
A delayed attempt is answered sooner than a checked one (no password hash is computed, so a
flood cannot exhaust the server); that tells the guesser only that they are delayed, which
happens alike for names that exist and names that do not.
"""

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from xuncha.lib import ratelimit

NAME, ADDRESS, DEVICE = "login-name", "login-addr", "login-device"
DEVICE_COOKIE = "xuncha_device"
_DEVICE_SALT = "xuncha.accounts.throttle.device"


def normalized(username: str) -> str:
    return username.strip().casefold()[:150]


@dataclass(frozen=True)
class Attempt:
    """The counters one sign-in attempt is charged to: (scope, who) pairs."""

    counters: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str | None:
        return next((ident for scope, ident in self.counters if scope == NAME), None)


def attempt_for(*, username: str, ip: str | None, device_cookie: str = "") -> Attempt:
    """A known device (its cookie names this account) is counted alone; otherwise the
    name typed and the address."""
    name = normalized(username)
    device = device_of(device_cookie, name=name)
    if device is not None:
        return Attempt(((DEVICE, device),))
    counters = [(NAME, name)]
    if ip:
        counters.append((ADDRESS, ip))
    return Attempt(tuple(counters))


def _free(scope: str) -> int:
    if scope == ADDRESS:
        return int(settings.XUNCHA_LOGIN_FREE_FAILURES_PER_ADDRESS)
    return int(settings.XUNCHA_LOGIN_FREE_FAILURES)


def _state_key(scope: str, ident: str) -> str:
    return f"signin:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:32]}"


def _state_timeout() -> int:
    # Outlives the window it was written in, so a counter of an older epoch never returns.
    return (int(settings.XUNCHA_LOGIN_WINDOW_SECONDS)
            + int(settings.XUNCHA_LOGIN_MAX_DELAY_SECONDS) + 60)


def _states(attempt: Attempt) -> list[dict[str, Any]]:
    """Per counter ``{"epoch": n, "until": t}``: the epoch starts a fresh count after a
    success or an unlock (the ratelimit windows cannot be emptied), ``until`` ends a delay."""
    keys = [_state_key(scope, ident) for scope, ident in attempt.counters]
    found = cache.get_many(keys)
    return [dict(found.get(k) or {"epoch": 0, "until": 0.0}) for k in keys]


def delayed(attempt: Attempt) -> bool:
    now = time.time()
    return any(state["until"] > now for state in _states(attempt))


def failed(attempt: Attempt) -> float:
    """Count a failure on each counter; returns when the name's delay ends (0: none)."""
    window = int(settings.XUNCHA_LOGIN_WINDOW_SECONDS)
    now, name_until = time.time(), 0.0
    for (scope, ident), state in zip(attempt.counters, _states(attempt), strict=True):
        counter = f"{ident}#{state['epoch']}"
        ratelimit.hit(scope, counter, limit=_free(scope), window=window)
        past = ratelimit.peek(scope, counter, window=window) - _free(scope)
        if past >= 0:
            delay = min(float(settings.XUNCHA_LOGIN_DELAY_SECONDS) * 2 ** min(past, 30),
                        float(settings.XUNCHA_LOGIN_MAX_DELAY_SECONDS))
            state["until"] = now + delay
            if scope == NAME:
                name_until = state["until"]
        cache.set(_state_key(scope, ident), state, timeout=_state_timeout())
    return name_until


def _restart(scope: str, ident: str) -> None:
    key = _state_key(scope, ident)
    state = dict(cache.get(key) or {"epoch": 0})
    cache.set(key, {"epoch": int(state["epoch"]) + 1, "until": 0.0}, timeout=_state_timeout())


def succeeded(attempt: Attempt) -> bool:
    """The person got in: the name's (or the device's) count starts again; returns whether
    the name's did. The address keeps its count, or one account of a guesser's own would
    wipe it."""
    for scope, ident in attempt.counters:
        if scope != ADDRESS:
            _restart(scope, ident)
    return attempt.name is not None


def name_clear(username: str) -> None:
    """An administrator unlocks the account: its name's delay and count end now."""
    _restart(NAME, normalized(username))


# --- known devices ------------------------------------------------------------------------


def device_cookie(username: str) -> str:
    """The signed cookie value that makes this browser a known device of the account."""
    return signing.dumps({"u": normalized(username), "d": secrets.token_urlsafe(12)},
                         salt=_DEVICE_SALT, compress=True)


def device_max_age() -> int:
    return int(settings.XUNCHA_LOGIN_DEVICE_DAYS) * 86400


def device_of(cookie: str, *, name: str) -> str | None:
    """The device id in ``cookie`` when it is genuine, not too old and names ``name``."""
    if not cookie or len(cookie) > 500:
        return None
    try:
        data = signing.loads(cookie, salt=_DEVICE_SALT, max_age=device_max_age())
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != name or not isinstance(data.get("d"), str):
        return None
    return f"{name}/{data['d']}"
