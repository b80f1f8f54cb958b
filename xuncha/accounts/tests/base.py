"""The accounts tests' base: the shared world, and an empty cache for each test (sign-in
delays and rate limits live there; the test cache is shared by the whole run)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.core.cache import cache
from django.utils.translation import gettext

from xuncha.lib.testing import WorldTestCase

#: The one answer of the sign-in page to every refused password attempt.
GENERIC = ("The username or password is incorrect, or there were too many failed attempts; "
           "wait a minute and try again.")


class Clock:
    """``time.time()`` under the test's control, set in the middle of a fixed window so a
    test never straddles two windows of ``xuncha.lib.ratelimit``."""

    def __init__(self) -> None:
        self.now = (int(time.time() // 3600) + 1) * 3600 + 60.0

    def advance(self, seconds: float) -> None:
        self.now += seconds


class AccountsTestCase(WorldTestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.addCleanup(cache.clear)

    @contextmanager
    def clock(self) -> Iterator[Clock]:
        clock = Clock()
        with mock.patch("time.time", side_effect=lambda: clock.now):
            yield clock

    def assertGeneric(self, response) -> None:
        """The sign-in page answered with the one refusal (status 200, same message)."""
        self.assertEqual(response.status_code, 200)
        self.assertEqual([str(e) for e in response.context["form"].non_field_errors()],
                         [gettext(GENERIC)])
        self.assertNotIn("_auth_user_id", self.client.session)
