"""Who a person is towards a committee: the role facts every app's ``access.py`` builds on.

These are the only places that compare a user's role and committee; other apps ask them
rather than writing ``user.role == Role.OFFICE and user.committee_id == ...`` again.

Below them, the rules of account administration (who manages whose account, tokens and
second factors) with ``users_managed_by``, the query form of ``can_manage_account``; who
grants the powers of an identity custodian and of an office head (``can_grant_powers``,
``accounts_grantable_by``); what a token may do (``can_use_token``).
"""

from django.db.models import Q, QuerySet

from xuncha.lib.lookup import get_or_404
from xuncha.organizations.models import LEVEL_ORDER

from .models import ApiToken, TokenScope, User
from .roles import ReceiverBody, Role
from .selectors import tokens_of


def is_office_of(*, user: User, committee_id: int | None) -> bool:
    """A member of the committee's inspection office (巡察办)."""
    return bool(user.role == Role.OFFICE and committee_id is not None
                and user.committee_id == committee_id)


def is_office_head_of(*, user: User, committee_id: int | None) -> bool:
    """The office's head: reads sealed clues and transfers them."""
    return is_office_of(user=user, committee_id=committee_id) and user.is_office_head


def is_office_admin_of(*, user: User, committee_id: int | None) -> bool:
    """An administrator of the committee's office: manages its accounts, reads its trail."""
    return is_office_of(user=user, committee_id=committee_id) and user.is_office_admin


def is_custodian_of(*, user: User, committee_id: int | None) -> bool:
    """An identity custodian of the committee's office (decides reveal requests)."""
    return is_office_of(user=user, committee_id=committee_id) and user.is_custodian


def is_leadership_of(*, user: User, committee_id: int | None) -> bool:
    """A member of the committee's leading group (巡察工作领导小组)."""
    return bool(user.role == Role.LEADERSHIP and committee_id is not None
                and user.committee_id == committee_id)


def is_staff_of(*, user: User, committee_id: int | None) -> bool:
    """The office or the leading group: the committee's own people for its inspections."""
    return (is_office_of(user=user, committee_id=committee_id)
            or is_leadership_of(user=user, committee_id=committee_id))


def is_receiver_of(*, user: User, committee_id: int | None, body: str | None = None) -> bool:
    """A receiving body (纪委监委 or 组织部) of the committee, optionally a given one."""
    return bool(user.role == Role.RECEIVER and committee_id is not None
                and user.committee_id == committee_id
                and (body is None or user.receiver_body == body))


def is_discipline_of(*, user: User, committee_id: int | None) -> bool:
    return is_receiver_of(user=user, committee_id=committee_id, body=ReceiverBody.DISCIPLINE)


def is_organization_of(*, user: User, committee_id: int | None) -> bool:
    return is_receiver_of(user=user, committee_id=committee_id, body=ReceiverBody.ORGANIZATION)


def can_manage_accounts_of(*, user: User, committee_id: int | None) -> bool:
    """Office administrators manage their committee's accounts; platform operators any."""
    return user.is_superuser or is_office_admin_of(user=user, committee_id=committee_id)


def can_write_committee_data(*, user: User, committee_id: int | None) -> bool:
    """Only the committee's own office (or a platform operator) changes its registers."""
    return user.is_superuser or is_office_of(user=user, committee_id=committee_id)


def has_role(user: User, *roles: str) -> bool:
    """The user holds one of ``roles`` (platform operators hold none)."""
    return bool(user.role) and user.role in roles


# --- pages of the shell -----------------------------------------------------------------------


def can_open_home(*, user: User) -> bool:
    return bool(user.role) or user.is_superuser


def can_open_accounts(*, user: User) -> bool:
    """Account administration: office administrators and platform operators."""
    return user.is_superuser or (user.role == Role.OFFICE and user.is_office_admin)


def can_open_powers(*, user: User) -> bool:
    """The powers page of the lower offices: platform operators (for the top committees)
    and the office administrators of a committee above the lowest level (a county
    committee has none below it). Asked on every page for the menu, so it reads only the
    user's committee, which the frame has loaded anyway."""
    if user.is_superuser:
        return True
    committee_id = user.committee_id
    if committee_id is None or not is_office_admin_of(user=user, committee_id=committee_id):
        return False
    committee = user.committee
    return committee is not None and committee.level != LEVEL_ORDER[-1]


# --- account administration -------------------------------------------------------------


def can_manage_account(*, user: User, account: User) -> bool:
    """Edit, reset the password of, unlock or reset the second factor of ``account``.
    The query form is ``users_managed_by``."""
    return can_manage_accounts_of(user=user, committee_id=account.committee_id)


def users_managed_by(*, user: User) -> QuerySet[User]:
    """The accounts ``user`` manages (``can_manage_account`` as one query): office
    administrators their own committee's, platform operators every one."""
    qs = User.objects.select_related("committee", "unit", "inspector__cadre")
    if user.is_superuser:
        return qs.order_by("committee__path", "username")
    committee_id = user.committee_id
    if committee_id is not None and is_office_admin_of(user=user, committee_id=committee_id):
        return qs.filter(committee_id=committee_id).order_by("username")
    return qs.none()


def access_account(*, user: User, pk: object) -> User:
    """An account ``user`` manages, or ``NotFound`` (also for another committee's)."""
    return get_or_404(users_managed_by(user=user), pk)


# --- the powers of a custodian and of an office head --------------------------------------

#: The powers the office of the committee above grants (model field names).
POWERS = ("is_custodian", "is_office_head")


def _is_upper_office_of(*, user: User, account: User) -> bool:
    """``user`` administers the office of the committee above ``account``'s, or — for a top
    committee (no upper one) — is a platform operator. ``account`` is an office account."""
    if account.role != Role.OFFICE or account.committee_id is None:
        return False
    committee = account.committee
    parent_id = committee.parent_id if committee is not None else None
    if parent_id is None:
        return user.is_superuser
    return is_office_admin_of(user=user, committee_id=parent_id)


def can_grant_powers(*, user: User, account: User) -> bool:
    """Make ``account`` an identity custodian or office head (``POWERS``).

    Only the office administrators of the committee *above* the account's committee may,
    and for a top committee only a platform operator: never the committee's own
    administrators (one of them could otherwise make an account of their own a custodian
    and approve their own reveal request), and never to oneself. The account is an active
    office account. The query form is ``accounts_grantable_by``.
    """
    return (account.pk != user.pk and account.is_active
            and _is_upper_office_of(user=user, account=account))


def accounts_grantable_by(*, user: User) -> QuerySet[User]:
    """The accounts ``user`` may grant powers to (``can_grant_powers`` as one query): the
    active office accounts of the committees directly below ``user``'s (of the top
    committees for a platform operator), never ``user``'s own."""
    qs = (User.objects.filter(role=Role.OFFICE, is_active=True)
          .select_related("committee").exclude(pk=user.pk)
          .order_by("committee__path", "username"))
    if user.is_superuser:
        return qs.filter(committee__parent__isnull=True)
    committee_id = user.committee_id
    if committee_id is not None and is_office_admin_of(user=user, committee_id=committee_id):
        return qs.filter(committee__parent_id=committee_id)
    return qs.none()


def can_revoke_powers(*, user: User, account: User) -> bool:
    """Take a custodian's or an office head's power away from ``account``.

    Whoever may grant it, and also the account's own administrators, their own powers
    included: revoking only reduces what anyone can do, so it needs no second office. The
    query form is ``accounts_revocable_by``.
    """
    return _is_upper_office_of(user=user, account=account) or can_manage_account(
        user=user, account=account)


def accounts_revocable_by(*, user: User) -> QuerySet[User]:
    """``can_revoke_powers`` as one query: the accounts ``user`` manages and the office
    accounts of the committees directly below (the top committees' for an operator)."""
    qs = User.objects.select_related("committee")
    if user.is_superuser:
        return qs
    committee_id = user.committee_id
    if committee_id is not None and is_office_admin_of(user=user, committee_id=committee_id):
        return qs.filter(Q(committee_id=committee_id)
                         | Q(role=Role.OFFICE, committee__parent_id=committee_id))
    return qs.none()


def access_power_account(*, user: User, pk: object) -> User:
    """An account whose powers ``user`` may grant or revoke, or ``NotFound``."""
    return get_or_404(accounts_revocable_by(user=user), pk)


def can_turn_off_own_two_factor(*, user: User) -> bool:
    """Not where the committee requires a second factor for the person's role."""
    return not user.needs_two_factor


def can_revoke_token(*, user: User, token: ApiToken) -> bool:
    """One's own tokens; an account administrator also those of the accounts they manage."""
    return token.user_id == user.pk or can_manage_accounts_of(
        user=user, committee_id=token.user.committee_id)


#: Methods a read-only token may use.
SAFE_METHODS = ("GET", "HEAD")


def can_use_token(*, token: ApiToken, method: str | None) -> bool:
    """A ``read`` token only reads (GET, HEAD); an unknown method counts as a change."""
    return token.scope == TokenScope.WRITE or (method or "").upper() in SAFE_METHODS


def access_token(*, user: User, pk: object) -> ApiToken:
    """One of ``user``'s own tokens (the profile page lists no one else's), or ``NotFound``."""
    return get_or_404(tokens_of(user=user), pk)
