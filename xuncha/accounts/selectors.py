"""Reads of accounts and tokens, scoped to the reader. The accounts one administers are
read through ``access.users_managed_by``, next to the rule it is the query form of."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from xuncha.audit.models import Event

from .models import ApiToken, User
from .roles import Role

#: Events by which one person takes control of another's account, or of its powers: created
#: it, changed it, granted it a power, gave it a new password or removed its second factor.
ACCOUNT_CHANGING_ACTIONS = ("account.create", "account.update", "account.power_grant",
                            "account.password_reset", "account.2fa_disable")


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


def account_recently_changed_by(*, account: User, by: User, days: int = 30) -> bool:
    """Whether ``by`` created or changed ``account`` in the last ``days`` days, according to
    the audit trail (``ACCOUNT_CHANGING_ACTIONS``: creating, editing, granting a power,
    resetting its password or its second factor). Used to refuse a decision by an account
    that the person asking for it controls (a reveal approved by an account its requester
    made a custodian)."""
    since = timezone.now() - datetime.timedelta(days=days)
    return Event.objects.filter(
        object_type=User._meta.label_lower, object_id=str(account.pk), actor_id=by.pk,
        action__in=ACCOUNT_CHANGING_ACTIONS, created_at__gte=since).exists()


def account_changers(*, account: User, days: int = 30) -> set[int]:
    """The ids of the people who created or changed ``account`` in the last ``days`` days
    (``ACCOUNT_CHANGING_ACTIONS``), from the audit trail."""
    since = timezone.now() - datetime.timedelta(days=days)
    return set(Event.objects.filter(
        object_type=User._meta.label_lower, object_id=str(account.pk),
        action__in=ACCOUNT_CHANGING_ACTIONS, created_at__gte=since, actor_id__isnull=False)
        .values_list("actor_id", flat=True))


def controlled_together(*, approver: User, requester: User, days: int = 30) -> bool:
    """Whether one person may be acting through both accounts: the requester, or someone who
    also created or changed the requester's account, created or changed the approver's
    account in the last ``days`` days (a new account, a password reset, a second factor
    reset all hand it over). A reveal approved so would be one person's decision."""
    changers = account_changers(account=approver, days=days)
    if not changers:
        return False
    return requester.pk in changers or bool(
        changers & account_changers(account=requester, days=days))


def custodians_to_tell(*, committee_id: int | None, besides: tuple[int, ...] = ()) -> list[str]:
    """The e-mail addresses of the committee's active identity custodians, except the
    accounts ``besides`` (the account changed and the person changing it)."""
    if committee_id is None:
        return []
    return list(User.objects.filter(role=Role.OFFICE, committee_id=committee_id,
                                    is_custodian=True, is_active=True)
                .exclude(pk__in=besides).exclude(email="")
                .order_by("pk").values_list("email", flat=True))
