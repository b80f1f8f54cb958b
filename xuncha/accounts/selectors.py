"""Reads of accounts and tokens, scoped to the reader."""

from django.db.models import Q, QuerySet

from xuncha.lib.errors import NotFound

from .models import ApiToken, User
from .roles import Role


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_get(*, user: User, pk) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise NotFound()
    return token


def users_managed_by(*, user: User) -> QuerySet[User]:
    """Office admins see the accounts of their own committee; platform operators all."""
    qs = User.objects.select_related("committee", "unit", "inspector__cadre")
    if user.is_superuser:
        return qs.order_by("committee__path", "username")
    if user.role == Role.OFFICE and user.is_office_admin:
        return qs.filter(committee_id=user.committee_id).order_by("username")
    return qs.none()


def users_filter(qs: QuerySet[User], *, q: str = "", role: str = "") -> QuerySet[User]:
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q)
                       | Q(email__icontains=q))
    if role:
        qs = qs.filter(role=role)
    return qs


def user_get_managed(*, user: User, pk) -> User:
    account = users_managed_by(user=user).filter(pk=pk).first()
    if account is None:
        raise NotFound()
    return account
