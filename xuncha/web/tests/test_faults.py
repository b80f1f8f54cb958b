"""Faults: the server restarted under load, and two people saving the same record.

``ServerRestartTests`` (PostgreSQL only): gunicorn with the production settings and two sync
workers (as ``xuncha bench`` runs it, ``xuncha/ops/bench/run.py``) serves the TEST database, in
which a ``TransactionTestCase`` has committed a stationed inspection. Client threads on
loopback send public reports for a few seconds, retrying on connection errors; after about
three seconds the server is reloaded gracefully (SIGHUP) in one test and stopped (SIGTERM)
and started again in the other. Every report answered 201 must be stored (looked up by the
hash of its receipt: the test and the server share ``XUNCHA_RECEIPT_PEPPER``) and no answer
may be a 5xx. On SQLite the test database lives in memory, out of the server's reach: the
tests are skipped.

``ConcurrentMeasureEditTests`` (both databases): two liaisons open the edit page of the same
rectification measure and both save; the second is refused with the conflict message and
nothing of the first is lost (optimistic locking on ``Measure.version``). The service-level
case is ``xuncha.rectification.tests.test_rectification.MeasureTests
.test_two_people_saving_the_same_measure``; these go through the page, and on PostgreSQL
also with both saves truly at the same time.
"""

import base64
import datetime
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import warnings
from pathlib import Path
from unittest import mock
from urllib.parse import quote

from django.conf import settings
from django.db import connection, connections
from django.test import Client as DjangoClient
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from xuncha.accounts.roles import Role
from xuncha.audit.models import Event
from xuncha.audit.testing import audit_triggers_lifted
from xuncha.findings.testing import fed_back, on_site, signed_problem
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib.errors import Conflict
from xuncha.lib.testing import World, WorldTestCase, make_user
from xuncha.ops.bench.run import Client, free_port
from xuncha.petitions.models import Petition
from xuncha.petitions.receipts import receipt_hash
from xuncha.petitions.tests.base import TEXT
from xuncha.rectification import measures as rectification
from xuncha.rectification.models import Measure

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
POSTGRES = connection.vendor == "postgresql"
SKIP_REASON = ("needs PostgreSQL: gunicorn must reach the test database, which on SQLite "
               "lives in this process's memory")
REPORTS = "/api/v1/public/reports"


def database_url() -> str:
    """The TEST database (``NAME`` is switched to it by the test runner) as a URL."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return (f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{quote(db['NAME'], safe='')}")


class Gunicorn:
    """One gunicorn master (production settings, two sync workers) that this test started;
    signalled only by its own process id."""

    def __init__(self, env: dict, port: int, log):
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "xuncha.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--worker-class", "sync", "--timeout", "30",
             "--graceful-timeout", "15", "--log-level", "warning"],
            env=self.env, cwd=str(ROOT), stdout=self.log, stderr=self.log,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.proc.returncode}")
            try:
                if Client(self.port).get("/healthz")[0] == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not answer /healthz within 30 s")

    def workers(self) -> set[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True)
        return {int(pid) for pid in out.stdout.split()}

    def reload(self) -> None:
        os.kill(self.proc.pid, signal.SIGHUP)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(25)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only what it started
            self.proc.wait(5)


class Load:
    """Client threads that send public reports until told to stop, each retrying its report
    on connection errors (a new connection each time)."""

    def __init__(self, port: int, code: str, threads: int = 4):
        self.port, self.code, self.threads = port, code, threads
        self.lock = threading.Lock()
        self.receipts: list[tuple[float, str]] = []  # (when answered, receipt)
        self.statuses: dict[int, int] = {}
        self.connection_errors = 0
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.started = time.monotonic()

    def run(self, seconds: float, during=None) -> None:
        """Load for ``seconds``; ``during()`` is called from this thread meanwhile."""
        pool = [threading.Thread(target=self._client, args=(i,), daemon=True)
                for i in range(self.threads)]
        self.started = time.monotonic()
        for thread in pool:
            thread.start()
        try:
            if during is not None:
                during()
            remaining = seconds - (time.monotonic() - self.started)
            if remaining > 0:
                time.sleep(remaining)
        finally:
            self.stop.set()
            for thread in pool:
                thread.join(40)

    def _client(self, index: int) -> None:
        client = Client(self.port)
        number = 0
        while not self.stop.is_set():
            number += 1
            body = json.dumps({"target": self.code, "anonymous": True,
                               "content": f"{TEXT}（测试{index}-{number}）"}).encode()
            while not self.stop.is_set():
                try:
                    status, data, _elapsed = client.request(
                        "POST", REPORTS, body, {"Content-Type": "application/json"})
                except (OSError, http.client.HTTPException):
                    with self.lock:
                        self.connection_errors += 1
                    client.conn = None
                    time.sleep(0.05)
                    continue
                with self.lock:
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status == 201:
                        self.receipts.append((time.monotonic() - self.started,
                                              json.loads(data)["receipt"]))
                    elif len(self.failures) < 5:
                        self.failures.append(f"{status}: {data[:200]!r}")
                break


@unittest.skipUnless(POSTGRES, SKIP_REASON)
class ServerRestartTests(TransactionTestCase):
    serialized_rollback = True  # the rows the migrations wrote come back for later tests

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.var = Path(tempfile.mkdtemp(prefix="xuncha-faults-"))
        cls.addClassCleanup(shutil.rmtree, cls.var, True)
        cls.pepper = secrets.token_urlsafe(32)
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        env.update({
            "DATABASE_URL": database_url(), "XUNCHA_DEBUG": "0", "XUNCHA_TESTING": "0",
            "XUNCHA_SECRET_KEY": secrets.token_urlsafe(50), "XUNCHA_RECEIPT_PEPPER": cls.pepper,
            "XUNCHA_AUDIT_KEYS": "faults:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "XUNCHA_ALLOWED_HOSTS": "127.0.0.1,localhost", "XUNCHA_SECURE": "0",
            "XUNCHA_VAR_DIR": str(cls.var), "XUNCHA_MEDIA_ROOT": str(cls.var / "media"),
            # The flood guard has its own tests; here four clients send everything.
            "XUNCHA_PUBLIC_FREE_PER_HOUR": "100000000", "XUNCHA_PUBLIC_MAX_PER_HOUR": "100000000",
            "XUNCHA_PUBLIC_TARGET_FREE_PER_MINUTE": "100000000",
            "XUNCHA_PUBLIC_TARGET_MAX_PER_MINUTE": "100000000",
            "XUNCHA_PUBLIC_POW_TRIGGER": "100000000",
        })
        cls.env = env
        # Production serves hashed static names from a manifest; the database cache holds
        # the rate-limit counters (no Redis here: nothing shared with other processes).
        for command in (["collectstatic", "--noinput", "-v0"], ["createcachetable"]):
            subprocess.run([str(BIN / "xuncha"), *command], env=env, check=True, cwd=str(ROOT),
                           stdout=subprocess.DEVNULL)

    def _fixture_teardown(self):
        with audit_triggers_lifted():
            super()._fixture_teardown()

    def setUp(self):
        super().setUp()
        World.build(self)
        today = timezone.localdate()
        self.inspection = stationed_inspection(
            self, start=today - datetime.timedelta(days=3),
            round_kwargs={"start": today - datetime.timedelta(days=10),
                          "end": today + datetime.timedelta(days=90)})
        self.assertTrue(self.inspection.intake_open_on(today))
        self.log = open(self.var / f"gunicorn-{self._testMethodName}.log", "w+")  # noqa: SIM115
        self.addCleanup(self.log.close)
        self.server = Gunicorn(self.env, free_port(), self.log)
        self.addCleanup(self.server.stop)
        self.server.start()

    def check(self, load: Load, restart_at: float) -> None:
        self.log.flush()
        self.log.seek(0)
        server_log = self.log.read()[-3000:]
        summary = (f"statuses {load.statuses}, connection errors {load.connection_errors}, "
                   f"first failures {load.failures}\nserver log:\n{server_log}")
        self.assertFalse([s for s in load.statuses if s >= 500], summary)
        self.assertEqual(set(load.statuses), {201}, summary)
        receipts = [receipt for _when, receipt in load.receipts]
        self.assertGreaterEqual(len(receipts), 20, summary)
        self.assertTrue(any(when > restart_at + 0.5 for when, _r in load.receipts),
                        "no report was answered after the restart\n" + summary)
        self.assertEqual(len(set(receipts)), len(receipts))
        with mock.patch.dict(os.environ, {"XUNCHA_RECEIPT_PEPPER": self.pepper}):
            hashes = {receipt_hash(receipt) for receipt in receipts}
        stored = set(Petition.objects.filter(receipt_hash__in=hashes)
                     .values_list("receipt_hash", flat=True))
        self.assertEqual(len(hashes - stored), 0,
                         f"{len(hashes - stored)} of {len(hashes)} receipts are not stored")
        # Retried reports may have been stored without their answer arriving: more rows, never
        # fewer.
        self.assertGreaterEqual(Petition.objects.filter(inspection=self.inspection).count(),
                                len(receipts))
        times = sorted(when for when, _r in load.receipts)
        gap = max(b - a for a, b in zip(times, times[1:], strict=False))
        print(f"\n  {self._testMethodName}: {len(receipts)} reports stored, "
              f"{load.connection_errors} connection error(s) retried, longest wait between "
              f"two answers {gap:.1f} s", file=sys.stderr)

    def test_graceful_reload_under_load(self):
        before = self.server.workers()
        load = Load(self.server.port, self.inspection.public_code)

        def reload():
            time.sleep(3)
            self.server.reload()

        load.run(7, during=reload)
        self.check(load, restart_at=3)
        self.assertEqual(self.server.proc.poll(), None)  # the same master...
        self.assertFalse(before & self.server.workers())  # ...with new workers

    def test_stop_and_start_under_load(self):
        first = self.server.proc.pid
        load = Load(self.server.port, self.inspection.public_code)

        def restart():
            time.sleep(3)
            self.server.stop()
            self.server.start()

        load.run(8, during=restart)
        self.check(load, restart_at=3)
        self.assertNotEqual(self.server.proc.pid, first)


# --- two people saving the same rectification measure ------------------------------------------


class MeasureFixture:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # WhiteNoise warns, once per client, that STATIC_ROOT was never collected in tests.
        cls.enterClassContext(warnings.catch_warnings())
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

    def build_measure(self):
        self.inspection = on_site(self)
        problem = signed_problem(self, self.inspection)
        fed_back(self, self.inspection, [problem], on=datetime.date(2026, 5, 8))
        self.inspection.refresh_from_db()
        self.measure = rectification.measure_add(
            actor=self.liaison, inspection=self.inspection, problem=problem, data={
                "text": "修订制度", "responsible_leader": "张副局长", "responsible_department": "办公室",
                "deadline": datetime.date(2026, 7, 31), "goal": "原目标"})
        # A second person of the same unit: both may edit its measures.
        self.liaison2 = make_user("liaison2", Role.LIAISON, self.county, unit=self.unit_edu)
        self.url = reverse("rectification:measure_edit", args=[self.measure.pk])

    def open_form(self, client) -> dict:
        """What the edit page shows, as the browser would post it back."""
        response = client.get(self.url)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        data = {}
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, datetime.date):
                value = value.isoformat()
            data[name] = "" if value is None else value
        return data

    def conflict_message(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return str(Conflict().message)


class ConcurrentMeasureEditTests(MeasureFixture, WorldTestCase):
    def test_the_second_save_is_refused_and_the_first_kept(self):
        self.build_measure()
        first, second = DjangoClient(), DjangoClient()
        first.force_login(self.liaison)
        second.force_login(self.liaison2)
        mine, theirs = self.open_form(first), self.open_form(second)
        self.assertEqual(mine["version"], theirs["version"])
        version = int(mine["version"])

        saved = first.post(self.url, mine | {"goal": "第一人的目标", "handler": "甲"})
        self.assertRedirects(saved, reverse("rectification:measure_detail", args=[self.measure.pk]),
                             fetch_redirect_response=False)
        refused = second.post(self.url, theirs | {"goal": "第二人的目标", "text": "第二人改写的措施"})
        self.assertEqual(refused.status_code, 200)
        self.assertIn(self.conflict_message(), refused.context["form"].non_field_errors())
        self.assertContains(refused, escape(self.conflict_message()))
        # The second person's typing is still in the form, to copy from.
        self.assertEqual(refused.context["form"]["goal"].value(), "第二人的目标")

        measure = Measure.objects.get(pk=self.measure.pk)
        self.assertEqual((measure.goal, measure.handler, measure.text, measure.version),
                         ("第一人的目标", "甲", "修订制度", version + 1))
        self.assertEqual(Event.objects.filter(action="measure.update",
                                              object_id=str(measure.pk)).count(), 1)

        # Reloading shows the first person's change; saving from there works.
        again = self.open_form(second)
        self.assertEqual((again["goal"], int(again["version"])), ("第一人的目标", version + 1))
        self.assertEqual(second.post(self.url, again | {"text": "第二人改写的措施"}).status_code, 302)
        measure.refresh_from_db()
        self.assertEqual((measure.goal, measure.text, measure.version),
                         ("第一人的目标", "第二人改写的措施", version + 2))


@unittest.skipUnless(POSTGRES, "needs PostgreSQL: two connections saving at the same time")
class SimultaneousMeasureSaveTests(MeasureFixture, TransactionTestCase):
    """Both saves sent at the same moment, each on its own connection: the row lock
    (select_for_update) makes one wait, and it then sees the new version."""

    serialized_rollback = True

    def _fixture_teardown(self):
        with audit_triggers_lifted():
            super()._fixture_teardown()

    def test_one_save_wins_the_other_is_refused(self):
        World.build(self)
        self.build_measure()
        version = self.measure.version
        people = [(self.liaison, "甲"), (self.liaison2, "乙")]
        posts, results = [], {}
        for user, mark in people:
            client = DjangoClient()
            client.force_login(user)
            posts.append((client, self.open_form(client) | {"goal": f"{mark}的目标",
                                                            "handler": mark}, mark))
        barrier = threading.Barrier(len(posts))

        def save(client, data, mark):
            try:
                barrier.wait(10)
                response = client.post(self.url, data)
                results[mark] = (response.status_code,
                                 response.context["form"].non_field_errors()
                                 if response.status_code == 200 else [])
            finally:
                connections.close_all()

        threads = [threading.Thread(target=save, args=post) for post in posts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(sorted(status for status, _errors in results.values()), [200, 302],
                         results)
        winner = next(mark for mark, (status, _e) in results.items() if status == 302)
        loser = next(mark for mark, (status, _e) in results.items() if status == 200)
        self.assertIn(self.conflict_message(), results[loser][1])
        measure = Measure.objects.get(pk=self.measure.pk)
        self.assertEqual((measure.goal, measure.handler, measure.version),
                         (f"{winner}的目标", winner, version + 1))
        self.assertEqual(Event.objects.filter(action="measure.update",
                                              object_id=str(measure.pk)).count(), 1)
