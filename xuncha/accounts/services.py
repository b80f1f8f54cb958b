"""Sign-in, second factors, passwords, accounts and API tokens."""

import datetime
import hashlib
import secrets
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.audit.services import diff, event_record, snapshot
from xuncha.lib import fieldcrypto
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_manage_accounts_of
from .models import ApiToken, RecoveryCode, User, token_digest
from .roles import ReceiverBody, Role

RECOVERY_CODE_COUNT = 10
USER_FIELDS = ("username", "display_name", "email", "role", "committee", "unit", "inspector",
               "receiver_body", "is_office_admin", "is_office_head", "is_custodian", "is_active")


# --- sign-in --------------------------------------------------------------------------


class LoginRefused(DomainError):
    pass


def login_check_password(*, username: str, password: str, ip: str | None = None) -> User:
    """Check a password; count failures, lock after repeated ones, audit every outcome.

    Raises ``LoginRefused`` with a message that does not say whether the user exists,
    except that a locked account says it is locked (the owner needs to know).
    """
    generic = _("The username or password is incorrect.")
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is None:
        # Run the hasher anyway so timing does not reveal which usernames exist.
        User().set_password(password)
        with transaction.atomic():
            event_record(actor=None, action="login.failed", ip=ip,
                         params={"username": username.strip()[:150], "reason": "unknown user"})
        raise LoginRefused(generic, code="bad_credentials")
    if user.is_locked:
        with transaction.atomic():
            event_record(actor=None, action="login.failed", obj=user, ip=ip,
                         params={"reason": "locked"})
        minutes = max(1, int((user.locked_until - timezone.now()).total_seconds() // 60) + 1)
        raise LoginRefused(
            _("Too many failed attempts. The account is locked; try again in %(minutes)d "
              "minutes or ask your office administrator to unlock it.") % {"minutes": minutes},
            code="locked")
    if not user.check_password(password) or not user.is_active:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            locked.failed_logins += 1
            fields = ["failed_logins"]
            if locked.failed_logins >= settings.XUNCHA_LOCKOUT_ATTEMPTS:
                locked.locked_until = timezone.now() + datetime.timedelta(
                    minutes=settings.XUNCHA_LOCKOUT_MINUTES)
                locked.failed_logins = 0
                fields.append("locked_until")
            locked.save(update_fields=fields)
            event_record(actor=None, action="login.failed", obj=locked, ip=ip,
                         params={"reason": "inactive" if not user.is_active else "bad password",
                                 "locked": "locked_until" in fields})
        raise LoginRefused(generic, code="bad_credentials")
    return user


@transaction.atomic
def login_succeeded(*, user: User, method: str, ip: str | None = None) -> None:
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None,
                                           last_login=timezone.now())
    event_record(actor=user, action="login", obj=user, params={"method": method}, ip=ip)


@transaction.atomic
def logout_recorded(*, user: User) -> None:
    event_record(actor=user, action="logout", obj=user)


# --- TOTP -----------------------------------------------------------------------------


def totp_new_secret() -> str:
    return pyotp.random_base32()


def totp_uri(*, user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="Xuncha")


def _totp_matching_step(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to (now ±1 step), or None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    for offset in (0, -1, 1):
        moment = now + datetime.timedelta(seconds=30 * offset)
        if secrets.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def _recovery_hash(code: str) -> str:
    normalized = code.strip().replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(normalized.encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_recovery_hash(c)) for c in codes]
    )
    return codes


@transaction.atomic
def totp_enable(*, user: User, secret: str, code: str) -> list[str]:
    """Turn on two-factor sign-in once the user proves the app shows the right code.

    Returns the recovery codes, shown to the user once.
    """
    step = _totp_matching_step(secret, code)
    if step is None:
        raise DomainError(_("That code is not correct. Check the time on your phone and enter "
                            "the current six-digit code."), field="code")
    user = User.objects.select_for_update().get(pk=user.pk)
    user.totp_secret = fieldcrypto.encrypt(secret)
    user.totp_enabled = True
    user.totp_last_step = step
    user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
    codes = _new_recovery_codes(user)
    event_record(actor=user, action="account.2fa_enable", obj=user)
    return codes


def totp_verify(*, user: User, code: str, ip: str | None = None) -> str:
    """Check a second-factor code at sign-in; a code is accepted once only.

    Returns the method used (``totp`` or ``recovery``). Raises ``LoginRefused``; the
    failure is counted and audited even though the caller sees an error.
    """
    with transaction.atomic():
        method, reason = _totp_verify_locked(user=user, code=code, ip=ip)
    if method is None:
        raise LoginRefused(reason, code="bad_code")
    return method


def _totp_verify_locked(*, user: User, code: str, ip: str | None) -> tuple[str | None, str]:
    user = User.objects.select_for_update().get(pk=user.pk)
    code = (code or "").strip()
    digits = code.replace(" ", "")
    if digits.isdigit() and len(digits) == 6:
        step = _totp_matching_step(fieldcrypto.decrypt(user.totp_secret), digits)
        if step is not None and step > user.totp_last_step:
            user.totp_last_step = step
            user.save(update_fields=["totp_last_step"])
            return "totp", ""
        reason = _("This code was already used. Wait for the next code.") if (
            step is not None) else _("That code is not correct.")
    else:
        recovery = RecoveryCode.objects.filter(
            user=user, code_hash=_recovery_hash(code), used_at__isnull=True).first()
        if recovery is not None:
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            event_record(actor=user, action="account.recovery_code_used", obj=user,
                         params={"remaining": RecoveryCode.objects.filter(
                             user=user, used_at__isnull=True).count()})
            return "recovery", ""
        reason = _("That code is not correct.")
    user.failed_logins += 1
    fields = ["failed_logins"]
    if user.failed_logins >= settings.XUNCHA_LOCKOUT_ATTEMPTS:
        user.locked_until = timezone.now() + datetime.timedelta(
            minutes=settings.XUNCHA_LOCKOUT_MINUTES)
        user.failed_logins = 0
        fields.append("locked_until")
    user.save(update_fields=fields)
    event_record(actor=None, action="login.failed", obj=user, ip=ip,
                 params={"reason": "bad 2fa code"})
    return None, reason


@transaction.atomic
def totp_disable(*, actor: User, user: User) -> None:
    if actor.pk != user.pk:
        _require_account_admin(actor, user)
    user.totp_secret = ""
    user.totp_enabled = False
    user.totp_last_step = 0
    user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
    RecoveryCode.objects.filter(user=user).delete()
    event_record(actor=actor, action="account.2fa_disable", obj=user)


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    if not user.totp_enabled:
        raise DomainError(_("Turn on two-factor sign-in first."))
    codes = _new_recovery_codes(user)
    event_record(actor=user, action="account.recovery_codes_regenerate", obj=user)
    return codes


# --- passwords ------------------------------------------------------------------------


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise DomainError(_("Your current password is not correct."), field="old_password")
    if old_password == new_password:
        raise DomainError(_("Choose a password different from the current one."),
                          field="new_password")
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="new_password") from exc
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    event_record(actor=user, action="account.password_change", obj=user)


def generate_password() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(14))


# --- account administration -----------------------------------------------------------


def _require_account_admin(actor: User, user_or_committee_id) -> None:
    committee_id = (user_or_committee_id.committee_id if isinstance(user_or_committee_id, User)
                    else user_or_committee_id)
    if not can_manage_accounts_of(user=actor, committee_id=committee_id):
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
        from xuncha.organizations.models import Unit

        unit_committee = Unit.objects.filter(pk=user.unit_id).values_list(
            "committee_id", flat=True).first()
        if unit_committee != user.committee_id:
            raise DomainError(_("The liaison's unit must be under this committee."), field="unit")
    else:
        user.unit = None
    if user.role == Role.TEAM:
        if user.inspector_id:
            from xuncha.organizations.models import Inspector

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
    _require_account_admin(actor, committee.pk if committee else None)
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
    _require_account_admin(actor, user)
    if "committee" in data and data["committee"] is not None:
        _require_account_admin(actor, data["committee"].pk)
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
    _require_account_admin(actor, user)
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    event_record(actor=actor, action="account.password_reset", obj=user)
    return password


@transaction.atomic
def user_unlock(*, actor: User, user: User) -> None:
    _require_account_admin(actor, user)
    user.locked_until = None
    user.failed_logins = 0
    user.save(update_fields=["locked_until", "failed_logins"])
    event_record(actor=actor, action="account.unlock", obj=user)


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
    if token.user_id != user.pk and not can_manage_accounts_of(
            user=user, committee_id=token.user.committee_id):
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
