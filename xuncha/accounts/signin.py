"""Signing in, and each person's own credentials: passwords checked with lock-out, the
second factor (TOTP and recovery codes), a new password, signing out."""

import datetime
import hashlib
import secrets

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.audit.services import event_record
from xuncha.lib import fieldcrypto
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_turn_off_own_two_factor
from .models import RecoveryCode, User

RECOVERY_CODE_COUNT = 10


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
    if user.locked_until is not None and user.is_locked:
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
def totp_disable(*, user: User) -> None:
    """Turn off one's own second factor, unless the committee requires it."""
    if not can_turn_off_own_two_factor(user=user):
        raise Forbidden(_("Your committee requires two-factor sign-in; it cannot be "
                          "turned off."))
    second_factor_clear(actor=user, user=user)


def second_factor_clear(*, actor: User, user: User) -> None:
    """Turn the second factor off and drop the recovery codes; the caller holds the
    transaction and has checked that ``actor`` may (``totp_disable``, ``totp_reset``)."""
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
