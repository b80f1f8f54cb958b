"""The bell's in-app notices (written by the reminder sweep): their reader marks them read."""

from django.db import transaction
from django.utils import timezone

from xuncha.accounts.models import User

from .selectors import unread_notifications


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    """Mark all of the user's unread notices read; returns how many. Not audited: it
    changes nothing but the reader's own bell."""
    return unread_notifications(user=user).update(read_at=timezone.now())
