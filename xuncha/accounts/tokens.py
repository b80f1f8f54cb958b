"""Ending API tokens when what they were issued under changes: the password, the role or
committee, the account's activity, a second factor the committee requires. Creating,
revoking by hand and authenticating tokens are in ``services``."""

from django.db.models import QuerySet
from django.utils import timezone

from xuncha.audit.services import event_record

from .models import ApiToken, TokenEnd, User


def live_tokens(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def token_end(*, token: ApiToken, reason: TokenEnd, actor: User | None) -> None:
    """End one token with its reason (a ``token.revoke`` event); the caller holds the
    transaction. ``actor`` None: the system ended it when it was presented."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoke_reason = reason
    token.save(update_fields=["revoked_at", "revoke_reason"])
    event_record(actor=actor, action="token.revoke", obj=token,
                 params={"name": token.name, "reason": str(reason)})


def tokens_end(*, user: User, reason: TokenEnd, actor: User | None) -> int:
    """End every live token of ``user``; returns how many. The caller holds the transaction."""
    tokens = list(live_tokens(user=user).select_related("user"))
    for token in tokens:
        token_end(token=token, reason=reason, actor=actor)
    return len(tokens)


def tokens_end_lacking_second_factor(*, committee_id: int, actor: User | None) -> int:
    """When a committee starts to require two-factor sign-in: end the tokens of its
    people who must have a second factor and have none. (Tokens are also refused, and
    ended, when presented in that state: ``services.token_authenticate``.)"""
    users = [u for u in User.objects.filter(committee_id=committee_id, totp_enabled=False,
                                            api_tokens__revoked_at__isnull=True)
             .select_related("committee").distinct() if u.needs_two_factor]
    return sum(tokens_end(user=u, reason=TokenEnd.TWO_FACTOR_REQUIRED, actor=actor)
               for u in users)
