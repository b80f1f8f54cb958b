"""Who may turn published announcements into inspection records.

Extracting a text (the API) stores and reads nothing; importing one, reviewing the values
found and applying them to an inspection is the office's work, each office for its own
committee.
"""

from xuncha.accounts.access import has_role, is_office_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.lib.lookup import get_or_404

from .models import Announcement
from .selectors import announcements_visible_to


def can_extract_announcement(*, user: User) -> bool:
    """Extract the values of a text without storing it: any account (with an API token);
    the result depends on the text alone."""
    return user.is_authenticated


def can_import_announcement(*, user: User) -> bool:
    """Paste and store an announcement for the user's committee: its inspection office."""
    return is_office_of(user=user, committee_id=user.committee_id)


def can_review_announcement(*, user: User, announcement: Announcement) -> bool:
    """Correct the values found and apply them (create or update inspections): the office
    of the committee that imported it (query form:
    ``selectors.announcements_visible_to``)."""
    return is_office_of(user=user, committee_id=announcement.committee_id)


def access_announcement(*, user: User, pk: object) -> Announcement:
    """An announcement the user may read and review, or ``NotFound``."""
    return get_or_404(announcements_visible_to(user=user), pk)


# --- pages ------------------------------------------------------------------------------------


def can_open_announcements(*, user: User) -> bool:
    return has_role(user, Role.OFFICE)
