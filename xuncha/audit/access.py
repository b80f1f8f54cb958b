"""Who may read the audit trail."""

from xuncha.accounts.access import can_open_accounts
from xuncha.accounts.models import User


def can_open_audit_trail(*, user: User) -> bool:
    """Office administrators (their committee's events) and platform operators."""
    return can_open_accounts(user=user)
