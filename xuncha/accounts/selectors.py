"""Reads of accounts and tokens, scoped to the reader. The accounts one administers are
read through ``access.users_managed_by``, next to the rule it is the query form of."""

from django.db.models import Q, QuerySet

from .models import ApiToken, User


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def recovery_codes_left(*, user: User) -> int:
    return user.recovery_codes.filter(used_at__isnull=True).count()


def account_signing_in(*, pk: int) -> User | None:
    """The active account half-way through signing in (password given, code not yet)."""
    return User.objects.filter(pk=pk, is_active=True).first()


def users_filter(qs: QuerySet[User], *, q: str = "", role: str = "") -> QuerySet[User]:
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q)
                       | Q(email__icontains=q))
    if role:
        qs = qs.filter(role=role)
    return qs
