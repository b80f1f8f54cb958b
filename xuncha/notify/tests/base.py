"""What the notify tests share: a clock to move, to-do items of their own, and local
receivers over real sockets (an SMTP server, an HTTP robot), loopback only and bounded in
time."""

import datetime
import email
import email.policy
import json
import socket
import threading
import urllib.parse
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

from django.test import override_settings
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.inspections import clocks

with warnings.catch_warnings():  # deprecated in 3.11, still the standard library's server
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd

D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


@contextmanager
def on(day: datetime.date, hour: int = 10) -> Iterator[None]:
    """Run as if it were ``day`` at ``hour`` (``timezone.now`` and so ``localdate``)."""
    with mock.patch("django.utils.timezone.now", return_value=at(day, hour)):
        yield


# --- to-do items of the tests' own (the interface of xuncha.todo.items.TodoItem) -----------


@dataclass(frozen=True)
class Item:
    kind: str
    key: str
    label: str
    subject: str
    url: str
    committee_id: int | None
    due: datetime.date | None
    level: str
    asked_by: str = ""
    mine: bool = True


@dataclass
class StubTodo:
    """Per person, the steps that wait on them; each item's light is computed *now* from
    its due date on the committee's working-day calendar (``clocks.light``), like the
    to-do's."""

    steps: dict[int, list[tuple[str, str, int, datetime.date]]] = field(default_factory=dict)

    def add(self, user: User, *, kind: str, key: str, committee_id: int,
            due: datetime.date) -> None:
        self.steps.setdefault(user.pk, []).append((kind, key, committee_id, due))

    def __call__(self, user: User) -> list[Item]:
        today = timezone.localdate()
        return [Item(kind=kind, key=key, label=f"Step {key}", subject="东湖区教育局",
                     url="/todo/", committee_id=committee_id, due=due,
                     level=clocks.light(due=due, today=today,
                                        calendar=clocks.calendar_for(committee_id)))
                for kind, key, committee_id, due in self.steps.get(user.pk, [])]


# --- a local SMTP server ----------------------------------------------------------------------


class _Sink(smtpd.SMTPServer):
    def __init__(self, socket_map: dict):
        super().__init__(("127.0.0.1", 0), None, map=socket_map, decode_data=False)
        self.received: list[email.message.EmailMessage] = []

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):  # noqa: ARG002
        message = email.message_from_bytes(data, policy=email.policy.default)
        message["X-Envelope-To"] = ",".join(rcpttos)
        self.received.append(message)


class SmtpServer:
    """The standard library's ``smtpd`` on 127.0.0.1 (a free port), served by a thread;
    ``settings()`` points Django's SMTP backend at it."""

    def __enter__(self) -> "SmtpServer":
        self._map: dict = {}
        self._sink = _Sink(self._map)
        self.port = self._sink.socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        while not self._stop.is_set():
            asyncore.loop(timeout=0.05, map=self._map, count=1)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        asyncore.close_all(map=self._map)

    @property
    def received(self) -> list:
        return self._sink.received

    def settings(self) -> override_settings:
        return override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                                 EMAIL_HOST="127.0.0.1", EMAIL_PORT=self.port,
                                 EMAIL_HOST_USER="", EMAIL_HOST_PASSWORD="",
                                 EMAIL_USE_TLS=False, EMAIL_USE_SSL=False)


def body_of(message: Any) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


# --- a local HTTP robot -----------------------------------------------------------------------


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class Robot:
    """An HTTP receiver on 127.0.0.1 (a free port) in a thread, answering every POST with
    ``status`` and ``answer`` (WeCom's and DingTalk's ``{"errcode": 0}`` by default)."""

    def __init__(self, status: int = 200, answer: Any = None, delay: float = 0.0):
        self.status = status
        self.answer = {"errcode": 0, "errmsg": "ok"} if answer is None else answer
        self.delay = delay
        self.requests: list[Request] = []

    def __enter__(self) -> "Robot":
        robot = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 5

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                parts = urllib.parse.urlsplit(self.path)
                robot.requests.append(Request(
                    path=parts.path, query=dict(urllib.parse.parse_qsl(parts.query)),
                    headers={k.lower(): v for k, v in self.headers.items()}, body=body))
                if robot.delay:
                    threading.Event().wait(robot.delay)
                data = json.dumps(robot.answer).encode()
                try:
                    self.send_response(robot.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def url(self, path: str = "/cgi-bin/webhook/send?key=robot-key-123") -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
