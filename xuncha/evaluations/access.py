"""Who may run and read 述职评议 sessions."""

from xuncha.accounts.access import has_role
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role


def can_open_evaluations(*, user: User) -> bool:
    return has_role(user, Role.OFFICE, Role.LEADERSHIP)
