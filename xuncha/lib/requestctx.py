"""The current request's client address, for audit events written deep in services.

Set by ``RequestContextMiddleware`` for staff requests only: public submissions never
carry an address into storage.
"""

from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("xuncha_client_ip", default=None)


def set_client_ip(ip: str | None):
    return _client_ip.set(ip)


def reset_client_ip(token) -> None:
    _client_ip.reset(token)


def client_ip() -> str | None:
    return _client_ip.get()
