"""Account administration (accounts, one-time passwords, unlocking, second-factor resets)
and API tokens. Signing in and one's own credentials are in ``signin``."""

import datetime
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.audit.services import diff, event_record, snapshot
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Inspector, Unit

from .access import can_manage_account, can_manage_accounts_of, can_revoke_token
from .models import ApiToken, User, token_digest
from .roles import ReceiverBody, Role
from .signin import second_factor_clear

USER_FIELDS = ("username", "display_name", "email", "role", "committee", "unit", "inspector",
               "receiver_body", "is_office_admin", "is_office_head", "is_custodian", "is_active")


# --- account administration -----------------------------------------------------------


def generate_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(14))


def _require_account_admin(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(_("Office administrators manage the accounts of their own committee "
                          "only."))


def _validate_user(user: User) -> None:
    if not user.username.strip():
        raise DomainError(_("A username is required."), field="username")
    if not user.role and not user.is_superuser:
        raise DomainError(_("Choose a role."), field="role")
    if user.role and not user.committee_id:
        raise DomainError(_("Choose the committee this account belongs to."), field="committee")
    if user.role == Role.LIAISON:
        if not user.unit_id:
            raise DomainError(_("A liaison speaks for one unit: choose it."), field="unit")
        unit_committee = Unit.objects.filter(pk=user.unit_id).values_list(
            "committee_id", flat=True).first()
        if unit_committee != user.committee_id:
            raise DomainError(_("The liaison's unit must be under this committee."), field="unit")
    else:
        user.unit = None
    if user.role == Role.TEAM:
        if user.inspector_id:
            pool = Inspector.objects.filter(pk=user.inspector_id).values_list(
                "committee_id", flat=True).first()
            if pool != user.committee_id:
                raise DomainError(_("The inspector must be in this committee's pool."),
                                  field="inspector")
        else:
            raise DomainError(_("A team account is linked to the member's inspector record."),
                              field="inspector")
    else:
        user.inspector = None
    if user.role == Role.RECEIVER:
        if user.receiver_body not in ReceiverBody.values:
            raise DomainError(_("Choose the receiving body."), field="receiver_body")
    else:
        user.receiver_body = ""
    if user.role != Role.OFFICE:
        user.is_office_admin = False
        user.is_office_head = False
        user.is_custodian = False


@transaction.atomic
def user_create(*, actor: User, data: dict[str, Any]) -> tuple[User, str]:
    """Create an account with a one-time password the user must change at first sign-in."""
    committee = data.get("committee")
    _require_account_admin(can_manage_accounts_of(
        user=actor, committee_id=committee.pk if committee else None))
    if User.objects.filter(username__iexact=data.get("username", "").strip()).exists():
        raise DomainError(_("This username is already taken."), field="username")
    user = User(username=data.get("username", "").strip())
    for name in USER_FIELDS:
        if name in data and name != "username":
            setattr(user, name, data[name])
    _validate_user(user)
    password = data.get("password") or generate_password()
    user.set_password(password)
    user.must_change_password = not data.get("password")
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise DomainError(_("This username is already taken."), field="username") from exc
    event_record(actor=actor, action="account.create", obj=user,
                 changes=diff({}, snapshot(user, USER_FIELDS)))
    return user, password


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict[str, Any]) -> User:
    _require_account_admin(can_manage_account(user=actor, account=user))
    if "committee" in data and data["committee"] is not None:
        _require_account_admin(can_manage_accounts_of(user=actor,
                                                      committee_id=data["committee"].pk))
    if user.pk == actor.pk and data.get("is_active") is False:
        raise DomainError(_("You cannot deactivate your own account."), field="is_active")
    before = snapshot(user, USER_FIELDS)
    for name in USER_FIELDS:
        if name in data and name != "username":
            setattr(user, name, data[name])
    _validate_user(user)
    changes = diff(before, snapshot(user, USER_FIELDS))
    if changes:
        user.save()
        event_record(actor=actor, action="account.update", obj=user, changes=changes)
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    _require_account_admin(can_manage_account(user=actor, account=user))
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    event_record(actor=actor, action="account.password_reset", obj=user)
    return password


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> None:
    _require_account_admin(can_manage_account(user=actor, account=user))
    user.locked_until = None
    user.failed_logins = 0
    user.save(update_fields=["locked_until", "failed_logins"])
    event_record(actor=actor, action="account.unlock", obj=user)


@transaction.atomic
def totp_reset(*, actor: User, user: User) -> None:
    """An account administrator resets someone's second factor (a lost phone); the person
    sets it up again at the next sign-in where it is required."""
    _require_account_admin(can_manage_account(user=actor, account=user))
    second_factor_clear(actor=actor, user=user)


# --- API tokens -----------------------------------------------------------------------


@transaction.atomic
def token_create(*, user: User, name: str, days: int | None = 90) -> tuple[ApiToken, str]:
    """A new personal token; the secret is returned once and only its digest is kept."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name so you can recognise it later."),
                          field="name")
    if days is not None and not 1 <= days <= 366:
        raise DomainError(_("A token lasts between 1 and 366 days."), field="days")
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= 20:
        raise DomainError(_("You already have 20 active tokens; revoke one first."))
    secret = "xc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:64], prefix=secret[:10], digest=token_digest(secret),
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    event_record(actor=user, action="token.create", obj=token, params={"name": token.name})
    return token, secret


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> None:
    if not can_revoke_token(user=user, token=token):
        raise Forbidden()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        event_record(actor=user, action="token.revoke", obj=token)


def token_authenticate(secret: str) -> User | None:
    """The active user behind a bearer token, or None. Touches ``last_used_at`` at most
    once a minute so reads do not turn into writes."""
    if not secret or len(secret) > 200:
        return None
    token = (ApiToken.objects.select_related("user", "user__committee")
             .filter(digest=token_digest(secret)).first())
    if token is None or not token.is_usable or not token.user.is_active or token.user.is_locked:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
