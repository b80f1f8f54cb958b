"""Where the reminders come from: the to-do (``xuncha.todo``), one list per person.

The sweep needs only these attributes of a to-do item, so it is typed against a protocol
and the tests can feed it items of their own.
"""

import datetime
from collections.abc import Callable, Sequence
from typing import Protocol

from xuncha.accounts.models import User

#: The lights of the to-do that a reminder is about.
YELLOW, RED = "yellow", "red"


class Item(Protocol):
    """What the sweep reads of ``xuncha.todo.items.TodoItem``."""

    @property
    def kind(self) -> str: ...
    @property
    def key(self) -> str: ...
    @property
    def label(self) -> object: ...
    @property
    def subject(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def committee_id(self) -> int | None: ...
    @property
    def due(self) -> datetime.date | None: ...
    @property
    def level(self) -> str: ...
    @property
    def mine(self) -> bool: ...


#: ``source(user) -> items``: what waits on ``user`` now.
Source = Callable[[User], Sequence[Item]]


def todo_items(user: User) -> Sequence[Item]:
    """The person's to-do, as the to-do page shows it (``xuncha.todo.selectors``)."""
    from xuncha.todo.selectors import todo_for

    items: Sequence[Item] = todo_for(user=user)
    return items
