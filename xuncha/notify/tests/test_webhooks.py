"""Group robots over real sockets: a local HTTP receiver on 127.0.0.1 in a thread, playing
企业微信 and 钉钉; what they receive, DingTalk's signature, and failing receivers."""

import base64
import datetime
import hashlib
import hmac
import time
from unittest import mock

from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext

from xuncha.lib.errors import DomainError
from xuncha.lib.testing import WorldTestCase
from xuncha.notify import channels, services
from xuncha.notify import sweep as notify
from xuncha.notify.models import Delivery, DeliveryStatus, Webhook, WebhookFormat, WebhookKind
from xuncha.notify.outbox import BACKOFF, MAX_ATTEMPTS
from xuncha.notify.tasks import deliver_task, deliveries_dispatch
from xuncha.notify.texts import group_message

from .base import D, Robot, StubTodo, closed_port, on

DUE = D(2026, 10, 9)
LATE = D(2026, 10, 10)
SECRET = "SEC0123456789abcdef"  # noqa: S105


@override_settings(XUNCHA_BASE_URL="https://xuncha.example.gov.cn")
class WebhookTests(WorldTestCase):
    def setUp(self):
        self.todo = StubTodo()
        self.todo.add(self.office2, kind="target_notice", key="target_notice:1",
                      committee_id=self.county.pk, due=DUE)
        self.todo.add(self.office2, kind="stationing", key="stationing:1",
                      committee_id=self.county.pk, due=D(2026, 12, 1))

    def hook(self, url, kind=WebhookKind.WECOM, fmt=WebhookFormat.MARKDOWN, secret=""):
        return services.webhook_add(actor=self.office, data={
            "name": "巡察办工作群", "kind": kind, "format": fmt, "url": url, "secret": secret})

    def sweep_and_send(self, day=LATE):
        with self.captureOnCommitCallbacks(execute=True), on(day):
            result = notify.sweep(source=self.todo)
            deliveries_dispatch(result.deliveries)
        return result

    expected = group_message(group="东湖区委巡察办", new=2, overdue=1)

    def test_wecom_markdown(self):
        with Robot() as robot:
            self.hook(robot.url())
            self.sweep_and_send()
        (request,) = robot.requests
        self.assertEqual(request.path, "/cgi-bin/webhook/send")
        self.assertEqual(request.query, {"key": "robot-key-123"})
        self.assertEqual(request.headers["content-type"], "application/json; charset=utf-8")
        link = "https://xuncha.example.gov.cn/todo/"
        self.assertEqual(request.json, {"msgtype": "markdown", "markdown": {
            "content": f"**{self.expected.subject}**\n{self.expected.body}\n[{link}]({link})"}})
        self.assertIn("东湖区委巡察办", request.json["markdown"]["content"])
        self.assertEqual(Delivery.objects.get().status, DeliveryStatus.SENT)

    def test_wecom_text(self):
        with Robot() as robot:
            self.hook(robot.url(), fmt=WebhookFormat.TEXT)
            self.sweep_and_send()
        self.assertEqual(robot.requests[0].json, {"msgtype": "text", "text": {
            "content": f"{self.expected.subject}\n{self.expected.body}\n"
                       "https://xuncha.example.gov.cn/todo/"}})

    def test_dingtalk_markdown_signed(self):
        with Robot() as robot:
            self.hook(robot.url("/robot/send?access_token=tok-456"), kind=WebhookKind.DINGTALK,
                      secret=SECRET)
            before = int(time.time() * 1000)
            self.sweep_and_send()
            after = int(time.time() * 1000)
        (request,) = robot.requests
        self.assertEqual(request.path, "/robot/send")
        self.assertEqual(set(request.query), {"access_token", "timestamp", "sign"})
        self.assertEqual(request.query["access_token"], "tok-456")
        timestamp = int(request.query["timestamp"])
        self.assertTrue(before <= timestamp <= after)
        # DingTalk's check: HMAC-SHA256 of "timestamp\nsecret" under the secret, base64
        mac = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256)
        self.assertEqual(request.query["sign"], base64.b64encode(mac.digest()).decode())
        link = "https://xuncha.example.gov.cn/todo/"
        self.assertEqual(request.json, {"msgtype": "markdown", "markdown": {
            "title": self.expected.subject,
            "text": f"#### {self.expected.subject}\n\n{self.expected.body}\n\n[{link}]({link})"}})

    def test_dingtalk_text_unsigned(self):
        with Robot() as robot:
            self.hook(robot.url("/robot/send?access_token=tok"), kind=WebhookKind.DINGTALK,
                      fmt=WebhookFormat.TEXT)
            self.sweep_and_send()
        self.assertEqual(robot.requests[0].query, {"access_token": "tok"})
        self.assertEqual(robot.requests[0].json["msgtype"], "text")

    def test_the_signature_matches_dingtalks_documented_example(self):
        # The computation of DingTalk's documentation, independent of the code above.
        timestamp = 1577262236757
        secret = "this is secret"  # noqa: S105
        mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
        self.assertEqual(channels.dingtalk_sign(secret, timestamp),
                         base64.b64encode(mac.digest()).decode())
        url = channels.dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=a",
                                           secret, timestamp)
        self.assertTrue(url.startswith("https://oapi.dingtalk.com/robot/send?access_token=a"
                                       "&timestamp=1577262236757&sign="))
        self.assertNotIn("+", url.split("sign=")[1])  # URL-encoded

    def test_a_failing_robot_is_retried_then_logged(self):
        with Robot(status=500) as robot, self.assertLogs("xuncha.notify", "INFO") as logs:
            hook = self.hook(robot.url())
            result = self.sweep_and_send()
        self.assertEqual(len(robot.requests), MAX_ATTEMPTS)
        self.assertEqual(result.reminders, 1)  # the sweep's work stands
        delivery = Delivery.objects.get(webhook=hook)
        self.assertEqual((delivery.status, delivery.attempts, delivery.last_error),
                         (DeliveryStatus.FAILED, MAX_ATTEMPTS, "http:500"))
        self.assertNotIn("robot-key-123", " ".join(logs.output) + delivery.last_error)

    def test_a_robot_that_refuses_the_message_counts_as_failed(self):
        with Robot(answer={"errcode": 93000, "errmsg": "invalid webhook url"}) as robot:
            self.hook(robot.url())
            with self.assertLogs("xuncha.notify", "INFO"):
                self.sweep_and_send()
        delivery = Delivery.objects.get()
        self.assertEqual(delivery.status, DeliveryStatus.FAILED)
        self.assertEqual(delivery.last_error, "robot_refused:93000 invalid webhook url")
        # Stored as a code, shown in the reader's language.
        with translation.override("zh-hans"):
            shown = delivery.last_error_text
            self.assertEqual(shown, gettext(
                "The robot refused the message (error code %(detail)s).") % {
                    "detail": "93000 invalid webhook url"})
        self.assertNotEqual(shown, delivery.last_error)
        self.assertNotIn("robot refused", shown)

    def test_a_closed_port_is_retried_then_logged(self):
        hook = self.hook(f"http://127.0.0.1:{closed_port()}/cgi-bin/webhook/send?key=k")
        with self.assertLogs("xuncha.notify", "INFO"):
            self.sweep_and_send()
        delivery = Delivery.objects.get(webhook=hook)
        self.assertEqual((delivery.status, delivery.attempts), (DeliveryStatus.FAILED,
                                                                MAX_ATTEMPTS))
        self.assertIn("refused", delivery.last_error.lower())

    def test_a_robot_that_does_not_answer_times_out(self):
        with mock.patch.object(channels, "TIMEOUT", 0.2), Robot(delay=1.0) as robot:
            self.hook(robot.url())
            with self.assertLogs("xuncha.notify", "INFO"):
                self.sweep_and_send()
        delivery = Delivery.objects.get()
        self.assertEqual(delivery.status, DeliveryStatus.FAILED)
        self.assertTrue(delivery.last_error)

    def test_retries_wait_on_a_backend_that_can_defer(self):
        tasks = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        with Robot(status=503) as robot, self.assertLogs("xuncha.notify", "INFO"):
            hook = self.hook(robot.url())
            delivery = Delivery.objects.create(channel="webhook", webhook=hook,
                                               committee=self.county, subject="s", body="b")
            with override_settings(TASKS=tasks):
                started = datetime.datetime.now(datetime.UTC)
                with self.captureOnCommitCallbacks(execute=True):
                    deliver_task.call(delivery.pk, 1)
                (queued,) = deliver_task.get_backend().results  # the dummy backend keeps them
        self.assertEqual(queued.args, [delivery.pk, 2])
        self.assertGreaterEqual(queued.task.run_after, started + BACKOFF[0])
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.attempts), (DeliveryStatus.RETRY, 1))
        self.assertEqual(deliver_task.call(delivery.pk, 1), "skipped")  # the attempt was made

    def test_a_step_does_not_wait_for_a_failing_channel(self):
        """The step commits, and says nothing outward; the sweep's message fails later."""
        from xuncha.inspections.testing import stationed_inspection

        with Robot(status=500) as robot:
            self.hook(robot.url())
            with self.captureOnCommitCallbacks(execute=True):
                inspection = stationed_inspection(self)  # several steps, each committed
            self.assertEqual(robot.requests, [])
            self.assertFalse(Delivery.objects.exists())
            with self.assertLogs("xuncha.notify", "INFO"):
                self.sweep_and_send()
        inspection.refresh_from_db()
        self.assertEqual(inspection.status, "stationed")
        self.assertEqual(Delivery.objects.get().status, DeliveryStatus.FAILED)

    def test_resuming_picks_up_lost_deliveries(self):
        from xuncha.notify.outbox import deliveries_to_resume

        hook = Webhook.objects.create(committee=self.county, name="g", kind=WebhookKind.WECOM,
                                      url="https://qyapi.weixin.qq.com/x", created_by=self.office)
        old = datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC)
        lost = Delivery.objects.create(channel="webhook", webhook=hook, subject="s", body="b",
                                       created_at=old)
        stuck = Delivery.objects.create(channel="webhook", webhook=hook, subject="s", body="b",
                                        status=DeliveryStatus.SENDING, attempts=2,
                                        last_attempt_at=old)
        spent = Delivery.objects.create(channel="webhook", webhook=hook, subject="s", body="b",
                                        status=DeliveryStatus.SENDING, attempts=MAX_ATTEMPTS,
                                        last_attempt_at=old)
        Delivery.objects.create(channel="webhook", webhook=hook, subject="s", body="b")  # fresh
        now = datetime.datetime(2026, 9, 2, tzinfo=datetime.UTC)
        self.assertEqual(deliveries_to_resume(now=now), [(lost.pk, 1)])
        later = now + datetime.timedelta(hours=1)
        self.assertEqual(deliveries_to_resume(now=later), [(lost.pk, 1), (stuck.pk, 3)])
        spent.refresh_from_db()
        self.assertEqual(spent.status, DeliveryStatus.FAILED)


class WebhookAddressTests(WorldTestCase):
    def problem(self, url, **settings):
        with override_settings(**settings):
            return channels.webhook_url_problem(url, resolve=lambda host: ["101.226.4.6"])

    def test_good_addresses(self):
        off = {"XUNCHA_WEBHOOK_ALLOW_LOOPBACK": False}
        self.assertIsNone(self.problem(
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", **off))
        self.assertIsNone(self.problem(
            "https://oapi.dingtalk.com/robot/send?access_token=abc", **off))
        self.assertIsNone(self.problem("http://127.0.0.1:8999/hook"))  # the tests' receivers

    def test_refused_addresses(self):
        off = {"XUNCHA_WEBHOOK_ALLOW_LOOPBACK": False}
        for url in ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",  # not https
                    "ftp://example.org/x", "https:///x", "not a url", "https://[::1/x",
                    "https://user:pw@qyapi.weixin.qq.com/x", "https://10.1.2.3/x",
                    "https://192.168.0.10/x", "https://172.16.5.5/x", "https://127.0.0.1/x",
                    "http://127.0.0.1:8999/hook", "https://169.254.169.254/latest/meta-data",
                    "https://[::1]/x", "https://0.0.0.0/x", "https://224.0.0.1/x"):
            self.assertIsNotNone(self.problem(url, **off), url)

    def test_a_name_that_resolves_to_a_private_network(self):
        with override_settings(XUNCHA_WEBHOOK_ALLOW_LOOPBACK=False):
            self.assertIsNotNone(channels.webhook_url_problem(
                "https://robot.example.org/x", resolve=lambda host: ["10.0.0.8"]))
            self.assertIsNotNone(channels.webhook_url_problem(
                "https://robot.example.org/x", resolve=lambda host: ["101.226.4.6", "::1"]))

    def test_private_networks_when_allowed_and_the_host_list(self):
        allowed = {"XUNCHA_WEBHOOK_ALLOW_LOOPBACK": False, "XUNCHA_WEBHOOK_ALLOW_PRIVATE": True}
        self.assertIsNone(self.problem("https://10.1.2.3/x", **allowed))
        self.assertIsNotNone(self.problem("https://127.0.0.1/x", **allowed))
        self.assertIsNotNone(self.problem("https://169.254.169.254/x", **allowed))
        hosts = {"XUNCHA_WEBHOOK_ALLOW_LOOPBACK": False,
                 "XUNCHA_WEBHOOK_HOSTS": ["qyapi.weixin.qq.com"]}
        self.assertIsNone(self.problem("https://qyapi.weixin.qq.com/x", **hosts))
        self.assertIsNotNone(self.problem("https://evil.example.org/x", **hosts))

    def test_the_service_refuses_a_bad_address_and_outsiders(self):
        with self.assertRefused(DomainError, "The address must start with https://."):
            services.webhook_add(actor=self.office, data={
                "name": "g", "kind": WebhookKind.WECOM, "url": "http://example.org/x"})
        from xuncha.lib.errors import Forbidden

        for outsider in (self.office2, self.leader, self.team, self.liaison, self.platform):
            with self.assertRefused(Forbidden, "Only the office administrators configure"):
                services.webhook_add(actor=outsider, data={
                    "name": "g", "kind": WebhookKind.WECOM, "url": "http://127.0.0.1:1/x"})

    def test_a_redirect_is_not_followed(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Redirect(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.send_response(307)
                self.send_header("Location", "http://10.0.0.1/steal")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        try:
            with self.assertRaises(channels.ChannelError) as ctx:
                channels.post_json(f"http://127.0.0.1:{server.server_address[1]}/x", {})
        finally:
            server.shutdown()
            server.server_close()
            thread.join(5)
        self.assertTrue(ctx.exception.permanent)
