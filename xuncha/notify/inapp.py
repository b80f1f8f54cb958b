"""The in-app channel: notices in the bell, which ``rectification.Notification`` already
holds (the ledger's sweep writes there too). One function, so that the bell's model could
move without its writers noticing."""

from collections.abc import Iterable

from xuncha.accounts.models import User
from xuncha.rectification.models import Notification

#: The bell's levels for the to-do's lights.
LEVELS = {"yellow": "warning", "red": "danger"}


def bell_post(*, notices: Iterable[tuple[User, str, str, str]]) -> int:
    """Put ``(user, text, url, light)`` notices in the users' bells; returns how many.
    Called inside the sweep's transaction: a notice exists only with its ``Reminder``."""
    rows = [Notification(user=user, text=text[:300], url=url[:200],
                         level=LEVELS.get(light, "info"))
            for user, text, url, light in notices]
    Notification.objects.bulk_create(rows)
    return len(rows)
