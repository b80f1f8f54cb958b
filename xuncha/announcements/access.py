"""Who may turn published announcements into inspection records."""

from xuncha.accounts.access import has_role
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role


def can_open_announcements(*, user: User) -> bool:
    return has_role(user, Role.OFFICE)
