"""Sending one message: the group robots' formats, DingTalk's signature, the checks on a
webhook address, and e-mail. No models here; ``outbox`` records what happened.

Group robots (both answer HTTP 200 with ``{"errcode": 0, ...}`` when they accept):

- 企业微信 (WeCom) ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…``:
  ``{"msgtype": "markdown", "markdown": {"content": …}}`` or
  ``{"msgtype": "text", "text": {"content": …}}``.
- 钉钉 (DingTalk) ``https://oapi.dingtalk.com/robot/send?access_token=…``:
  ``{"msgtype": "markdown", "markdown": {"title": …, "text": …}}`` or
  ``{"msgtype": "text", "text": {"content": …}}``; with 加签 the address gets
  ``&timestamp=<ms>&sign=<base64(HMAC-SHA256(secret, "<ms>\\n<secret>"))>``.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.client import HTTPMessage
from typing import IO, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _

#: Seconds one attempt may take (connect and answer).
TIMEOUT = 10


class ChannelError(Exception):
    """The channel refused or failed; ``permanent`` ones are not retried.

    ``code`` is one of ``models.DELIVERY_ERRORS`` (stored, and shown translated in the
    reader's language); ``detail`` is what the other side said (a status, an error code,
    the system's reason), never the address. ``str()`` is the stored form."""

    def __init__(self, code: str, detail: object = "", *, permanent: bool = False):
        self.code = code
        self.detail = str(detail)[:250]
        super().__init__(f"{code}:{self.detail}" if self.detail else code)
        self.permanent = permanent


# --- webhook addresses ----------------------------------------------------------------------


Resolver = Callable[[str], list[str]]


def _resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def webhook_url_problem(url: str, *, resolve: Resolver | None = None) -> str | None:
    """Why ``url`` may not be a webhook (a sentence for the office), or None.

    https only; plain http only to the loopback address when
    ``XUNCHA_WEBHOOK_ALLOW_LOOPBACK`` is on (the tests' local receivers). No user names in
    the address. Every address the host resolves to must be public, unless
    ``XUNCHA_WEBHOOK_ALLOW_PRIVATE`` allows private networks (a robot gateway inside a
    closed network); loopback, link-local (cloud metadata), multicast and reserved ranges
    are refused either way. ``XUNCHA_WEBHOOK_HOSTS``, when set, lists the only host names
    allowed. Checked when the office saves the address and again before each attempt.
    """
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018  # raises on a port that is not a number
    except ValueError:
        return _("This is not a valid web address.")
    if parts.scheme not in ("https", "http") or not host:
        return _("The address must start with https://.")
    if parts.username or parts.password:
        return _("The address must not contain a user name or password.")
    allowed_hosts = [h.lower() for h in getattr(settings, "XUNCHA_WEBHOOK_HOSTS", [])]
    loopback_ok = bool(getattr(settings, "XUNCHA_WEBHOOK_ALLOW_LOOPBACK", False))
    if parts.scheme == "http" and not (loopback_ok and (host == "localhost" or (
            _is_ip(host) and ipaddress.ip_address(host.split("%")[0]).is_loopback))):
        return _("The address must start with https://.")
    try:
        addresses = [host] if _is_ip(host) else (resolve or _resolve)(host)
    except OSError:
        return _("The host name cannot be resolved.")
    if not addresses:
        return _("The host name cannot be resolved.")
    ips = [ipaddress.ip_address(a.split("%")[0]) for a in addresses]
    all_loopback = all(ip.is_loopback for ip in ips)
    if parts.scheme == "http" and not (loopback_ok and all_loopback):
        return _("The address must start with https://.")
    if loopback_ok and all_loopback:
        return None
    if allowed_hosts and host.lower() not in allowed_hosts:
        return _("This host is not among the robot hosts allowed on this server.")
    for ip in ips:
        if (ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified
                or ip.is_reserved):
            return _("The address points to this server or a reserved network.")
        if ip.is_private and not getattr(settings, "XUNCHA_WEBHOOK_ALLOW_PRIVATE", False):
            return _("The address points to a private network, which this server does not "
                     "allow.")
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    return _is_ip(host) and ipaddress.ip_address(host.split("%")[0]).is_loopback


def mask_url(url: str) -> str:
    """``https://qyapi.weixin.qq.com/…`` — the host only: the rest carries the robot's key."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "…"
    return f"{parts.scheme}://{parts.netloc}/…" if parts.netloc else "…"


# --- the robots' formats ------------------------------------------------------------------------


def wecom_payload(*, title: str, text: str, link: str, markdown: bool) -> dict[str, Any]:
    if markdown:
        return {"msgtype": "markdown",
                "markdown": {"content": f"**{title}**\n{text}\n[{link}]({link})"}}
    return {"msgtype": "text", "text": {"content": f"{title}\n{text}\n{link}"}}


def dingtalk_payload(*, title: str, text: str, link: str, markdown: bool) -> dict[str, Any]:
    if markdown:
        return {"msgtype": "markdown",
                "markdown": {"title": title, "text": f"#### {title}\n\n{text}\n\n[{link}]({link})"}}
    return {"msgtype": "text", "text": {"content": f"{title}\n{text}\n{link}"}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's 加签: base64 of HMAC-SHA256 over ``"<timestamp>\\n<secret>"`` keyed by
    the secret (URL-encode it when putting it into the address)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    query = urllib.parse.urlencode({"timestamp": timestamp_ms,
                                    "sign": dingtalk_sign(secret, timestamp_ms)})
    return f"{url}{'&' if '?' in url else '?'}{query}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot never redirects; following one could lead to a host that was not checked."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        raise ChannelError("redirect", code, permanent=True)


def post_json(url: str, payload: dict[str, Any]) -> None:
    """POST ``payload`` to a robot; raise ``ChannelError`` unless it answers errcode 0.

    The error text names the status or the robot's error code, never the address (it
    carries the key)."""
    if webhook_url_problem(url):
        raise ChannelError("address", permanent=True)
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "Xuncha"})
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if _is_loopback(url):
        handlers.append(urllib.request.ProxyHandler({}))  # never through a proxy to ourselves
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            answer = response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        raise ChannelError("http", exc.code) from None
    except urllib.error.URLError as exc:
        raise _failure(exc.reason) from None
    except (OSError, ValueError) as exc:  # timeouts, resets, bad status lines
        raise _failure(exc) from None
    try:
        data = json.loads(answer.decode("utf-8") or "{}")
    except ValueError:
        raise ChannelError("not_json") from None
    errcode = data.get("errcode", 0) if isinstance(data, dict) else 0
    if errcode not in (0, "0"):
        message = str(data.get("errmsg", ""))[:120]
        raise ChannelError("robot_refused", f"{errcode} {message}".strip())


def _failure(reason: object, code: str = "network") -> ChannelError:
    """A connection's failure: a timeout, or the system's reason (refused, reset, …)."""
    if isinstance(reason, TimeoutError):
        return ChannelError("timeout", TIMEOUT)
    if isinstance(reason, OSError) and reason.strerror:
        return ChannelError(code, reason.strerror)
    return ChannelError(code, str(reason) or type(reason).__name__)


def send_webhook(*, kind: str, fmt: str, url: str, secret: str, title: str, text: str,
                 link: str) -> None:
    markdown = fmt == "markdown"
    if kind == "dingtalk":
        payload = dingtalk_payload(title=title, text=text, link=link, markdown=markdown)
        post_json(dingtalk_signed_url(url, secret) if secret else url, payload)
    else:
        post_json(url, wecom_payload(title=title, text=text, link=link, markdown=markdown))


# --- e-mail ----------------------------------------------------------------------------------


def send_email(*, address: str, subject: str, body: str) -> None:
    """One message through the configured backend (SMTP with ``XUNCHA_EMAIL_*``)."""
    try:
        connection = get_connection(fail_silently=False, timeout=TIMEOUT)
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                     to=[address], connection=connection).send()
    except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors
        raise _failure(exc, "mail") from None
