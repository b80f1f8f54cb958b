"""Who may read statistics."""

from xuncha.accounts.access import has_role
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role


def can_open_statistics(*, user: User) -> bool:
    """Offices and leading groups (their committee), oversight (lower committees' roll-up)."""
    return has_role(user, Role.OFFICE, Role.LEADERSHIP, Role.OVERSIGHT)
