"""Every limit holds for its stated window, on the database cache and on Redis."""

import datetime
import os
import time
from unittest import mock

import redis
from django.core.cache import caches
from django.core.management import call_command
from django.test import TestCase, override_settings

from xuncha.lib import ratelimit

DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                              "LOCATION": "xuncha_ratelimit_test"}}
REDIS_URL = os.environ.get("XUNCHA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                           "LOCATION": REDIS_URL, "KEY_PREFIX": "xuncha-test"}}


class WindowMixin:
    """Hits spread over one hour with long idle gaps must all count in the same window."""

    def clock(self, start: float):
        self.now = start
        return mock.patch("time.time", lambda: self.now)

    def test_an_hours_limit_lasts_the_hour_through_idle_gaps(self):
        start = (time.time() // 3600 + 1) * 3600 + 1  # one second into a clock hour
        with self.clock(start):
            for minute in (0, 7, 14, 21, 28, 35):  # six hits, six minutes or more apart
                self.now = start + minute * 60
                ratelimit.hit("t-hour", "client", limit=5, window=3600)
            self.now = start + 42 * 60
            self.assertFalse(ratelimit.hit("t-hour", "client", limit=5, window=3600))
            self.assertEqual(ratelimit.peek("t-hour", "client", window=3600), 7)
            self.now = start + 3600  # the next hour starts afresh
            self.assertTrue(ratelimit.hit("t-hour", "client", limit=5, window=3600))

    def test_counters_expire_with_their_window_not_before(self):
        start = (time.time() // 900 + 1) * 900 + 2
        with self.clock(start):
            ratelimit.hit("t-q", "x", limit=30, window=900)
        self.assertGreaterEqual(self.seconds_to_live("t-q", "x", start, 900), 890)


@override_settings(CACHES=DATABASE_CACHE)
class DatabaseCacheTests(WindowMixin, TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        call_command("createcachetable", database="default", verbosity=0)

    def seconds_to_live(self, scope: str, ident: str, start: float, window: int) -> float:
        from django.db import connection

        key = caches["default"].make_and_validate_key(
            ratelimit._key(scope, ident, int(start // window)))
        with connection.cursor() as cursor:
            cursor.execute("SELECT expires FROM xuncha_ratelimit_test WHERE cache_key = %s",
                           [key])
            (expires,) = cursor.fetchone()
        if isinstance(expires, str):  # SQLite returns text
            expires = datetime.datetime.fromisoformat(expires)
        if expires.tzinfo is None:  # stored in UTC
            expires = expires.replace(tzinfo=datetime.UTC)
        return expires.timestamp() - start


@override_settings(CACHES=REDIS_CACHE)
class RedisCacheTests(WindowMixin, TestCase):
    """Redis must be running (the machine starts it on 6379; .ci/run checks it)."""

    def setUp(self):
        self.client = redis.Redis.from_url(REDIS_URL)
        self.client.flushdb()

    def test_redis_is_reachable(self):
        self.assertTrue(self.client.ping())

    def seconds_to_live(self, scope: str, ident: str, start: float, window: int) -> float:
        key = caches["default"].make_and_validate_key(
            ratelimit._key(scope, ident, int(start // window)))
        return self.client.ttl(key)  # written with the window's time left as seen at start
