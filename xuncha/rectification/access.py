"""Who may work on plans, measures, evidence, notices and follow-up."""

from xuncha.accounts.access import has_role
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role


def can_open_measures(*, user: User) -> bool:
    return has_role(user, Role.OFFICE, Role.LEADERSHIP, Role.RECEIVER, Role.LIAISON, Role.TEAM)


def can_open_notifications(*, user: User) -> bool:
    return bool(user.role)
