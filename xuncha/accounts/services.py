"""Account administration (accounts, one-time passwords, unlocking, second-factor resets),
the powers of custodians and office heads, and API tokens. Signing in and one's own
credentials are in ``signin``; ending tokens for a cause in ``tokens``."""

import datetime
import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xuncha.audit.services import diff, event_record, snapshot
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Inspector, Unit

from . import throttle
from .access import (
    POWERS,
    can_grant_powers,
    can_manage_account,
    can_manage_accounts_of,
    can_revoke_powers,
    can_revoke_token,
    can_use_token,
)
from .models import ApiToken, TokenEnd, TokenScope, User, token_digest
from .roles import ReceiverBody, Role
from .selectors import custodians_to_tell
from .signin import second_factor_clear
from .tokens import token_end, tokens_end

log = logging.getLogger(__name__)

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
    if any(data.get(power) for power in POWERS):
        raise Forbidden(_powers_elsewhere(), code="powers_from_above")
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


#: Fields whose change ends the account's API tokens, and the reason recorded.
_TOKEN_ENDING_CHANGES = (("committee", TokenEnd.COMMITTEE_CHANGE),
                         ("role", TokenEnd.ROLE_CHANGE), ("receiver_body", TokenEnd.ROLE_CHANGE),
                         ("unit", TokenEnd.ROLE_CHANGE), ("is_active", TokenEnd.DEACTIVATED))


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict[str, Any]) -> User:
    """Edit an account. The powers of ``POWERS`` are never granted here (only on the powers
    page, by the office above: ``power_grant``); losing them — taken away in ``data`` or
    with an office role — is allowed, and is recorded and told like ``power_revoke``.
    A change of committee, role, receiving body or unit, and deactivation, end the
    account's API tokens."""
    _require_account_admin(can_manage_account(user=actor, account=user))
    if "committee" in data and data["committee"] is not None:
        _require_account_admin(can_manage_accounts_of(user=actor,
                                                      committee_id=data["committee"].pk))
    if user.pk == actor.pk and data.get("is_active") is False:
        raise DomainError(_("You cannot deactivate your own account."), field="is_active")
    if any(data.get(power) and not getattr(user, power) for power in POWERS):
        raise Forbidden(_powers_elsewhere(), code="powers_from_above")
    before = snapshot(user, USER_FIELDS)
    for name in USER_FIELDS:
        if name in data and name != "username":
            setattr(user, name, data[name])
    _validate_user(user)
    changes = diff(before, snapshot(user, USER_FIELDS))
    if changes:
        user.save()
        event_record(actor=actor, action="account.update", obj=user, changes=changes)
        for power in POWERS:
            if power in changes:
                _power_recorded(actor=actor, account=user, power=power, granted=False,
                                reason=_("The account was edited by its administrator."))
        for field, reason in _TOKEN_ENDING_CHANGES:
            if field in changes and (field != "is_active" or not user.is_active):
                tokens_end(user=user, reason=reason, actor=actor)
                break
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    _require_account_admin(can_manage_account(user=actor, account=user))
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    event_record(actor=actor, action="account.password_reset", obj=user)
    tokens_end(user=user, reason=TokenEnd.PASSWORD_RESET, actor=actor)
    return password


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> None:
    """End the sign-in delay of the account's name (``throttle``) and its failure count."""
    _require_account_admin(can_manage_account(user=actor, account=user))
    throttle.name_clear(user.username)
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


# --- the powers of custodians and office heads ---------------------------------------


def _powers_elsewhere() -> str:
    return _("Identity custodian and office head are granted by the office of the committee "
             "above, on its page of the lower offices' powers (for a top committee, by the "
             "platform operator); not by the committee's own administrators.")


def power_label(power: str) -> str:
    labels = {"is_custodian": _("Identity custodian"), "is_office_head": _("Office head")}
    return labels.get(power, power)


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for this change of powers."), field="reason")
    if len(reason) > 500:
        raise DomainError(_("The reason is too long (at most 500 characters)."), field="reason")
    return reason


def _power_recorded(*, actor: User, account: User, power: str, granted: bool,
                    reason: str) -> None:
    """The audit event of a grant or revocation, and the e-mail to the committee's other
    custodians, sent once the change is committed."""
    action = "account.power_grant" if granted else "account.power_revoke"
    event_record(actor=actor, action=action, obj=account,
                 changes={power: [not granted, granted]},
                 params={"power": power, "reason": reason})
    recipients = custodians_to_tell(committee_id=account.committee_id,
                                    besides=(account.pk, actor.pk))
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        values = {"power": power_label(power), "account": account.username,
                  "name": account.display_name or account.username,
                  "actor": actor.display_name or actor.username, "reason": reason}
        if granted:
            subject = _("Xuncha: %(account)s was made %(power)s") % values
            text = _("%(actor)s granted the power “%(power)s” to the account %(account)s "
                     "(%(name)s). Reason: %(reason)s") % values
        else:
            subject = _("Xuncha: %(account)s is no longer %(power)s") % values
            text = _("%(actor)s took the power “%(power)s” away from the account %(account)s "
                     "(%(name)s). Reason: %(reason)s") % values
        text += "\n\n" + _("You receive this as an identity custodian of the same committee. "
                            "If you did not expect it, tell the office of the committee above.")
    transaction.on_commit(lambda: _mail(recipients, subject, text))


def _mail(recipients: list[str], subject: str, text: str) -> None:
    try:
        send_mail(subject=subject[:150], message=text, from_email=settings.DEFAULT_FROM_EMAIL,
                  recipient_list=recipients, fail_silently=False)
    except Exception:  # mail trouble must not undo a committed change; the event stands
        log.exception("power change e-mail failed")


def _check_power(power: str) -> None:
    if power not in POWERS:
        raise DomainError(_("Choose a power: identity custodian or office head."), field="power")


@transaction.atomic
def power_grant(*, actor: User, account: User, power: str, reason: str) -> User:
    """Make ``account`` an identity custodian or office head (``can_grant_powers``: the
    office of the committee above, or the platform operator for a top committee; never
    oneself). An ``account.power_grant`` event; the committee's other custodians are told."""
    _check_power(power)
    if not can_grant_powers(user=actor, account=account):
        raise Forbidden(_powers_elsewhere(), code="powers_from_above")
    reason = _clean_reason(reason)
    account = User.objects.select_for_update().get(pk=account.pk)
    if getattr(account, power):
        raise DomainError(_("The account already holds this power."), code="unchanged")
    setattr(account, power, True)
    account.save(update_fields=[power])
    _power_recorded(actor=actor, account=account, power=power, granted=True, reason=reason)
    return account


@transaction.atomic
def power_revoke(*, actor: User, account: User, power: str, reason: str) -> User:
    """Take a power of ``POWERS`` away (``can_revoke_powers``: also the account's own
    administrators, their own power included, since it only reduces power). An
    ``account.power_revoke`` event; the committee's other custodians are told."""
    _check_power(power)
    if not can_revoke_powers(user=actor, account=account):
        raise Forbidden()
    reason = _clean_reason(reason)
    account = User.objects.select_for_update().get(pk=account.pk)
    if not getattr(account, power):
        raise DomainError(_("The account does not hold this power."), code="unchanged")
    setattr(account, power, False)
    account.save(update_fields=[power])
    _power_recorded(actor=actor, account=account, power=power, granted=False, reason=reason)
    return account


# --- API tokens -----------------------------------------------------------------------


@transaction.atomic
def token_create(*, user: User, name: str, days: int | None = 90,
                 scope: str = TokenScope.WRITE) -> tuple[ApiToken, str]:
    """A new personal token; the secret is returned once and only its digest is kept.
    ``scope`` ``read`` makes it read-only (``can_use_token``)."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name so you can recognise it later."),
                          field="name")
    if days is not None and not 1 <= days <= 366:
        raise DomainError(_("A token lasts between 1 and 366 days."), field="days")
    if scope not in TokenScope.values:
        raise DomainError(_("Choose what the token may do: read only, or read and write."),
                          field="scope")
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= 20:
        raise DomainError(_("You already have 20 active tokens; revoke one first."))
    secret = "xc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:64], prefix=secret[:10], digest=token_digest(secret),
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
        scope=scope,
    )
    event_record(actor=user, action="token.create", obj=token,
                 params={"name": token.name, "scope": scope})
    return token, secret


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> None:
    if not can_revoke_token(user=user, token=token):
        raise Forbidden()
    token_end(token=token, reason=TokenEnd.MANUAL, actor=user)


def _token_ended_by(token: ApiToken, now: datetime.datetime) -> TokenEnd | None:
    """A cause that ends ``token`` now, found when it is presented (the services end tokens
    at the change itself; this also covers changes made around them)."""
    user = token.user
    if not user.is_active:
        return TokenEnd.DEACTIVATED
    if user.password_changed_at is not None and token.created_at < user.password_changed_at:
        return TokenEnd.PASSWORD_CHANGE
    if user.needs_two_factor and not user.totp_enabled:
        return TokenEnd.TWO_FACTOR_REQUIRED
    if token.idle_since < now - datetime.timedelta(days=settings.XUNCHA_TOKEN_IDLE_DAYS):
        return TokenEnd.IDLE
    return None


def token_authenticate(secret: str, *, method: str | None = None) -> User | None:
    """The active user behind a bearer token, or None (the API answers 401).

    A token is ended (``token.revoke`` with its reason) when presented after its account
    was deactivated, its password changed, its committee came to require a second factor
    the person lacks, or after ``XUNCHA_TOKEN_IDLE_DAYS`` unused. A read-only token used
    with ``method`` other than GET/HEAD (None: unknown, taken as a change) raises
    ``Forbidden`` (the API answers 403). Touches ``last_used_at`` at most once a minute so
    reads do not turn into writes. A sign-in delay (``throttle``) does not stop tokens:
    an outsider could cause it.
    """
    if not secret or len(secret) > 200:
        return None
    token = (ApiToken.objects.select_related("user", "user__committee")
             .filter(digest=token_digest(secret)).first())
    if token is None or not token.is_usable:
        return None
    now = timezone.now()
    cause = _token_ended_by(token, now)
    if cause is not None:
        with transaction.atomic():
            token_end(token=token, reason=cause, actor=None)
        return None
    if not can_use_token(token=token, method=method):
        raise Forbidden(_("This token is read-only: it may only read (GET)."),
                        code="read_only_token")
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
