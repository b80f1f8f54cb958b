"""Who may open the registers of committees, units, cadres and inspectors."""

from xuncha.accounts.access import has_role
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role

REGISTER_READERS = (Role.OFFICE, Role.LEADERSHIP, Role.TEAM, Role.OVERSIGHT)


def can_open_registers(*, user: User) -> bool:
    """Committees, cadres and the inspector pool (each list is scoped by its selector)."""
    return user.is_superuser or has_role(user, *REGISTER_READERS)


def can_open_units(*, user: User) -> bool:
    """Units: also the liaisons, for their own unit."""
    return user.is_superuser or has_role(user, *REGISTER_READERS, Role.LIAISON)
