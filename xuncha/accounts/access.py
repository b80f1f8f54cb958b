"""Who a person is towards a committee: the role facts every app's ``access.py`` builds on.

These are the only places that compare a user's role and committee; other apps ask them
rather than writing ``user.role == Role.OFFICE and user.committee_id == ...`` again.

Below them, the rules of account administration (who manages whose account, tokens and
second factors) with ``users_managed_by``, the query form of ``can_manage_account``.
"""

from django.db.models import QuerySet

from xuncha.lib.lookup import get_or_404

from .models import ApiToken, User
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


def can_turn_off_own_two_factor(*, user: User) -> bool:
    """Not where the committee requires a second factor for the person's role."""
    return not user.needs_two_factor


def can_revoke_token(*, user: User, token: ApiToken) -> bool:
    """One's own tokens; an account administrator also those of the accounts they manage."""
    return token.user_id == user.pk or can_manage_accounts_of(
        user=user, committee_id=token.user.committee_id)


def access_token(*, user: User, pk: object) -> ApiToken:
    """One of ``user``'s own tokens (the profile page lists no one else's), or ``NotFound``."""
    return get_or_404(tokens_of(user=user), pk)
