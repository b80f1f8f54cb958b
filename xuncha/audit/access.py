"""Who may read the audit trail."""

from xuncha.accounts.access import can_open_accounts, is_office_admin_of
from xuncha.accounts.models import User
from xuncha.lib.errors import NotFound

from .models import Event
from .selectors import events_visible_to


def can_open_audit_trail(*, user: User) -> bool:
    """Office administrators (their committee's events) and platform operators."""
    return can_open_accounts(user=user)


def can_read_event(*, user: User, event: Event) -> bool:
    """Platform operators read every event; an office administrator those of their own
    committee. The query form is ``selectors.events_visible_to``."""
    return user.is_superuser or is_office_admin_of(user=user, committee_id=event.committee_id)


def access_event(*, user: User, seq: int) -> Event:
    """The event numbered ``seq`` if ``user`` may read it, else ``NotFound`` (also when
    there is no such event)."""
    event = events_visible_to(user=user).filter(seq=seq).first()
    if event is None:
        raise NotFound()
    return event
