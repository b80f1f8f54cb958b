"""Who a person is towards a committee: the role facts every app's ``access.py`` builds on.

These are the only places that compare a user's role and committee; other apps ask them
rather than writing ``user.role == Role.OFFICE and user.committee_id == ...`` again.
"""

from .models import User
from .roles import ReceiverBody, Role


def is_office_of(*, user: User, committee_id: int | None) -> bool:
    """A member of the committee's inspection office (巡察办)."""
    return bool(user.role == Role.OFFICE and committee_id is not None
                and user.committee_id == committee_id)


def is_office_head_of(*, user: User, committee_id: int | None) -> bool:
    """The office's head: reads sealed clues and transfers them."""
    return is_office_of(user=user, committee_id=committee_id) and user.is_office_head


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
    if user.is_superuser:
        return True
    return is_office_of(user=user, committee_id=committee_id) and user.is_office_admin


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
