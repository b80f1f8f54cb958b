"""Who may run and read 述职评议 sessions.

The committee's office runs its sessions: it creates and sets them up, opens and closes
voting, issues the one-time codes, enters the paper ballots (each sheet twice, by two
clerks) and resolves the sheets whose entries differ (a third clerk). The office and the
leading group read the sessions and their results.

``access_*`` fetch and authorize (the same ``NotFound`` for missing and forbidden);
``can_*`` answer for the services, the views and (through the flags the views compute)
the templates. A rule that puts work before someone has its query form beside it, one
query for lists and the to-do: ``evaluations_awaiting_entry``,
``evaluations_awaiting_results``, ``sheets_awaiting_second_entry``,
``sheets_awaiting_resolution``.
"""

from django.db.models import QuerySet
from django.utils import timezone

from xuncha.accounts.access import has_role, is_office_of, is_staff_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.lib.lookup import get_or_404

from .models import Evaluation, PaperSheet, SheetStatus, Status
from .selectors import evaluations_managed_by, evaluations_visible_to, sheets_visible_to

# --- reading and running a session --------------------------------------------------------


def can_read_session(*, user: User, evaluation: Evaluation) -> bool:
    """A session, its paper sheets and its results: the committee's office and leading
    group (query form: ``selectors.evaluations_visible_to``)."""
    return is_staff_of(user=user, committee_id=evaluation.committee_id)


def can_read_results(*, user: User, evaluation: Evaluation) -> bool:
    """The counts, means, ranks and void ballots, on the page and in the exports: whoever
    reads the session, once voting is closed. Until then the results are sealed — for the
    office too — and the page shows the turnout only."""
    return can_read_session(user=user, evaluation=evaluation) and (
        evaluation.status == Status.CLOSED)


def can_manage_session(*, user: User, evaluation: Evaluation) -> bool:
    """The committee's office runs the session: its printed ballots, its paper sheets
    (query form: ``selectors.evaluations_managed_by``)."""
    return is_office_of(user=user, committee_id=evaluation.committee_id)


def can_create_session(*, user: User) -> bool:
    """A new session, for the user's own committee: its office."""
    return is_office_of(user=user, committee_id=user.committee_id)


def can_set_up_session(*, user: User, evaluation: Evaluation) -> bool:
    """Grades, groups of objects, quotas, ballot types and the rule for unmarked objects:
    the office, while the session is being prepared (voting freezes them)."""
    return can_manage_session(user=user, evaluation=evaluation) and (
        evaluation.status == Status.DRAFT)


def can_open_session(*, user: User, evaluation: Evaluation) -> bool:
    """Open voting: the last step of the setup, so whoever may set the session up. What
    the setup still lacks (``sessions.setup_problems``) is a precondition the service
    explains, not a permission."""
    return can_set_up_session(user=user, evaluation=evaluation)


def can_change_session(*, user: User, evaluation: Evaluation) -> bool:
    """Title, meeting date and closing time: the office, until the session is closed."""
    return can_manage_session(user=user, evaluation=evaluation) and (
        evaluation.status != Status.CLOSED)


def can_issue_codes(*, user: User, evaluation: Evaluation) -> bool:
    """Generate one-time voting codes (and their printed slips): the office, until the
    session is closed (codes may be printed ahead of the meeting)."""
    return can_manage_session(user=user, evaluation=evaluation) and (
        evaluation.status != Status.CLOSED)


def can_close_session(*, user: User, evaluation: Evaluation) -> bool:
    """Close voting: the office, while voting is open. Paper sheets still waiting for a
    second entry or a resolution are a precondition the service explains."""
    return can_manage_session(user=user, evaluation=evaluation) and (
        evaluation.status == Status.OPEN)


def awaits_results_from(*, user: User, evaluation: Evaluation) -> bool:
    """The voting time is over but the session is still open: it waits for the office to
    close it (after the last paper sheets) so that its results are final."""
    return can_close_session(user=user, evaluation=evaluation) and (
        evaluation.closes_at <= timezone.now())


def evaluations_awaiting_results(*, user: User) -> QuerySet[Evaluation]:
    """The query form of ``awaits_results_from``."""
    return evaluations_managed_by(user=user).filter(status=Status.OPEN,
                                                    closes_at__lte=timezone.now())


# --- paper ballots ------------------------------------------------------------------------


def can_enter_paper(*, user: User, evaluation: Evaluation) -> bool:
    """Enter paper ballots: the office's clerks, while voting is open."""
    return can_manage_session(user=user, evaluation=evaluation) and (
        evaluation.status == Status.OPEN)


def evaluations_awaiting_entry(*, user: User) -> QuerySet[Evaluation]:
    """The sessions that take the user's paper entries: the query form of
    ``can_enter_paper``."""
    return evaluations_managed_by(user=user).filter(status=Status.OPEN)


def can_enter_sheet(*, user: User, sheet: PaperSheet) -> bool:
    """The second entry of a sheet that one clerk has entered: any other clerk of the
    office, while voting is open (each sheet is entered by two clerks independently)."""
    return (can_enter_paper(user=user, evaluation=sheet.evaluation)
            and sheet.status == SheetStatus.WAITING
            and not sheet.entries.filter(clerk=user).exists())


def sheets_awaiting_second_entry(*, user: User) -> QuerySet[PaperSheet]:
    """The query form of ``can_enter_sheet``."""
    return PaperSheet.objects.filter(
        evaluation__in=evaluations_awaiting_entry(user=user),
        status=SheetStatus.WAITING).exclude(entries__clerk=user)


def can_resolve_sheet(*, user: User, sheet: PaperSheet) -> bool:
    """Settle a sheet whose two entries differ: a third clerk of the office, neither of
    the two who entered it."""
    return (can_manage_session(user=user, evaluation=sheet.evaluation)
            and sheet.status == SheetStatus.MISMATCH
            and not sheet.entries.filter(clerk=user).exists())


def sheets_awaiting_resolution(*, user: User) -> QuerySet[PaperSheet]:
    """The query form of ``can_resolve_sheet``."""
    return PaperSheet.objects.filter(
        evaluation__in=evaluations_managed_by(user=user),
        status=SheetStatus.MISMATCH).exclude(entries__clerk=user)


# --- fetch and authorize ------------------------------------------------------------------


def access_session(*, user: User, pk: object) -> Evaluation:
    """A session the user may read, or ``NotFound``."""
    return get_or_404(evaluations_visible_to(user=user), pk)


def access_sheet(*, user: User, evaluation: Evaluation, pk: object) -> PaperSheet:
    """A paper sheet of ``evaluation`` that the user may read, or ``NotFound``."""
    return get_or_404(sheets_visible_to(user=user).filter(evaluation=evaluation), pk)


# --- pages --------------------------------------------------------------------------------


def can_open_evaluations(*, user: User) -> bool:
    """The list of sessions, a session's page and its results."""
    return has_role(user, Role.OFFICE, Role.LEADERSHIP)


def can_open_evaluation_office(*, user: User) -> bool:
    """The office's pages: a new session, the setup and voting actions, the printed
    ballots, paper entry and resolution."""
    return has_role(user, Role.OFFICE)
