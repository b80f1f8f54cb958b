"""Who may take in, read and handle petitions, and decide on reporters' identities."""

from xuncha.accounts.access import has_role
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role

HANDLERS = (Role.OFFICE, Role.TEAM)


def can_open_petitions(*, user: User) -> bool:
    """The petition pages (list, intake, batch entry, identity requests): office and teams."""
    return has_role(user, *HANDLERS)
