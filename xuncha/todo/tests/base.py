"""Shared set-up of the to-do tests: the test world with a clock frozen on 2026-06-01 10:00
(after the builders' stationing, intake and feedback dates), a clean cache, and helpers that
say who holds an item."""

import datetime
from unittest import mock

from django.core.cache import cache
from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.lib.testing import WorldTestCase
from xuncha.todo.items import TodoItem
from xuncha.todo.selectors import todo_count, todo_for

D = datetime.date
NOW = timezone.make_aware(datetime.datetime(2026, 6, 1, 10, 0))


class TodoBase(WorldTestCase):
    def setUp(self):
        super().setUp()
        cache.clear()
        patcher = mock.patch("django.utils.timezone.now", return_value=NOW)
        self.clock = patcher.start()
        self.addCleanup(patcher.stop)

    def people(self) -> dict[str, User]:
        """Every persona of the world (and the extra accounts a test adds)."""
        return {name: getattr(self, name) for name in self.PERSONAS} | getattr(
            self, "extra_people", {})

    def todo(self, user: User) -> dict[str, TodoItem]:
        """The person's items; every time, the top bar's count-only path must agree."""
        items = {item.key: item for item in todo_for(user=user)}
        self.assertEqual(todo_count(user=user), len(items),
                         f"{user.username}: the count-only path disagrees with {sorted(items)}")
        return items

    def holders(self, key: str) -> set[str]:
        """The personas whose to-do lists ``key``."""
        return {name for name, user in self.people().items() if key in self.todo(user)}

    def kinds_of(self, user: User) -> set[str]:
        return {item.kind for item in todo_for(user=user)}

    def assertHolders(self, key: str, expected: set[str]) -> None:
        self.assertEqual(self.holders(key), expected, key)

    def assertNobodyHas(self, prefix: str) -> None:
        """No persona lists an item whose key starts with ``prefix``."""
        held = {name: sorted(k for k in self.todo(user) if k.startswith(prefix))
                for name, user in self.people().items()}
        self.assertEqual({n: k for n, k in held.items() if k}, {}, prefix)

    def travel(self, moment: datetime.datetime) -> None:
        self.clock.return_value = moment


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


#: County A's office (its three accounts), the body of the office's steps.
OFFICE_A = {"office", "office2", "custodian"}
