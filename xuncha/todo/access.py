"""Who opens the to-do (待办): its page, its count in the top bar and its API.

What each person's to-do holds is not decided here: every item comes from the query form
of a ``can_*`` rule in the app that owns the step (``hooks.TODO`` of each app).
"""

from xuncha.accounts.models import User


def can_open_todo(*, user: User) -> bool:
    """Everyone who holds a role; platform operators take no steps of the cycle."""
    return bool(user.role)
