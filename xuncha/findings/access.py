"""Who may record and read activities, problems, clues, reports and feedback."""

from xuncha.accounts.access import has_role
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role


def can_open_library(*, user: User) -> bool:
    """The committee's problem library."""
    return has_role(user, Role.OFFICE, Role.LEADERSHIP)


def can_open_clues(*, user: User) -> bool:
    """The clue list: the office (its head reads sealed ones) and the receiving bodies."""
    return has_role(user, Role.OFFICE, Role.RECEIVER)
