"""Who may read statistics, and how far.

Offices, leading groups and oversight users read the statistics of their committee and of
every committee under it, and the rectification measures behind them. Below their own
committee they read statistics and measures only: a figure links to the real list behind
it (petitions, clues, problems, inspections) only for the reader's own committee, and only
if the reader may open that list.
"""

from collections.abc import Callable

from xuncha.accounts.access import has_role
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.lib.errors import NotFound
from xuncha.lib.lookup import get_or_404
from xuncha.organizations.models import Committee
from xuncha.rectification.models import Measure

from .selectors import committees_readable_by, measures_readable_by


def can_open_statistics(*, user: User) -> bool:
    """Offices and leading groups (their committee), oversight (lower committees' roll-up)."""
    return has_role(user, Role.OFFICE, Role.LEADERSHIP, Role.OVERSIGHT)


def is_own_committee(*, user: User, committee_id: int | None) -> bool:
    """The reader's own committee, as opposed to one under it."""
    return committee_id is not None and committee_id == user.committee_id


def can_read_committee(*, user: User, committee: Committee) -> bool:
    """The reader's committee or one under it (query form:
    ``selectors.committees_readable_by``)."""
    own = user.committee
    return own is not None and committee.path.startswith(own.path)


def can_read_measure(*, user: User, measure: Measure) -> bool:
    """A measure of a committee the reader may read (query form:
    ``selectors.measures_readable_by``)."""
    return can_read_committee(user=user, committee=measure.committee)


def can_follow_figure(*, user: User, committee: Committee,
                      page: Callable[..., bool]) -> bool:
    """A figure of ``committee`` links to the list behind it: the reader's own committee,
    and a list the reader may open (``page`` is that list's ``can_open_*`` rule)."""
    return is_own_committee(user=user, committee_id=committee.pk) and page(user=user)


def can_open_in_ledger(*, user: User, measure: Measure) -> bool:
    """A measure read from the dashboard links to its place in the rectification ledger
    when it belongs to the reader's own committee (below it, the dashboard's read-only
    page is all there is)."""
    return is_own_committee(user=user, committee_id=measure.committee_id)


def access_committee(*, user: User, pk: object) -> Committee:
    """The committee whose statistics are asked for (none given: the reader's own), if
    the reader may read it; else ``NotFound``."""
    if user.committee is None:
        raise NotFound()
    if pk in (None, ""):
        return user.committee
    return get_or_404(committees_readable_by(user=user), pk)


def access_measure(*, user: User, pk: object) -> Measure:
    """A measure the reader may read, with what its page shows; else ``NotFound``."""
    return get_or_404(measures_readable_by(user=user).select_related(
        "inspection__unit", "inspection__team__round", "committee", "problem"), pk)
