"""Signing in, and each person's own credentials: passwords checked under the progressive
delay of ``throttle`` (no lock-out), the second factor (TOTP and recovery codes), a new
password (which ends the person's API tokens), signing out."""

import datetime
import hashlib
import secrets

import pyotp
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.audit.services import event_record
from xuncha.lib import fieldcrypto
from xuncha.lib.errors import DomainError, Forbidden

from . import throttle
from .access import can_turn_off_own_two_factor
from .models import RecoveryCode, TokenEnd, User
from .tokens import tokens_end

RECOVERY_CODE_COUNT = 10


# --- sign-in --------------------------------------------------------------------------


class LoginRefused(DomainError):
    pass


def _refused() -> LoginRefused:
    """The one answer for an unknown name, a wrong password, an inactive account and an
    attempt in a sign-in delay: nobody learns which it was."""
    return LoginRefused(_("The username or password is incorrect, or there were too many "
                          "failed attempts; wait a minute and try again."),
                        code="bad_credentials")


def _mirror_failure(user: User, until: float) -> None:
    """What the administrators see of the delay (``User.is_locked``, *Unlock*)."""
    fields: dict[str, object] = {"failed_logins": F("failed_logins") + 1}
    if until:
        fields["locked_until"] = datetime.datetime.fromtimestamp(until, tz=datetime.UTC)
    User.objects.filter(pk=user.pk).update(**fields)


def login_check_password(*, username: str, password: str, ip: str | None = None,
                         device: str = "") -> User:
    """Check a password under the progressive delay of ``throttle``; audit every outcome.

    ``device`` is the browser's known-device cookie. Raises ``LoginRefused`` with the same
    message and code whether the name is unknown, the password wrong, the account inactive
    or the attempt delayed.
    """
    attempt = throttle.attempt_for(username=username, ip=ip, device_cookie=device)
    user = User.objects.filter(username__iexact=username.strip()).first()
    if throttle.delayed(attempt):
        with transaction.atomic():
            event_record(actor=None, action="login.failed", obj=user, ip=ip,
                         params={"username": username.strip()[:150], "reason": "delayed"})
        raise _refused()
    if user is None:
        # Run the hasher anyway so timing does not reveal which usernames exist.
        User().set_password(password)
        until = throttle.failed(attempt)
        with transaction.atomic():
            event_record(actor=None, action="login.failed", ip=ip,
                         params={"username": username.strip()[:150], "reason": "unknown user",
                                 "delayed": bool(until)})
        raise _refused()
    if not user.check_password(password) or not user.is_active:
        until = throttle.failed(attempt)
        with transaction.atomic():
            _mirror_failure(user, until)
            event_record(actor=None, action="login.failed", obj=user, ip=ip,
                         params={"reason": "inactive" if not user.is_active else "bad password",
                                 "delayed": bool(until)})
        raise _refused()
    return user


@transaction.atomic
def login_succeeded(*, user: User, method: str, ip: str | None = None,
                    device: str = "") -> str:
    """Record the sign-in, restart the name's (or device's) count; returns the cookie that
    makes this browser a known device of the account from now on."""
    attempt = throttle.attempt_for(username=user.username, ip=ip, device_cookie=device)
    if throttle.succeeded(attempt):
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None,
                                               last_login=timezone.now())
    else:  # from a known device: others' failures on the name still delay it elsewhere
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    event_record(actor=user, action="login", obj=user, params={"method": method}, ip=ip)
    return throttle.device_cookie(user.username)


@transaction.atomic
def logout_recorded(*, user: User) -> None:
    """Signing out ends what the session held: files staged for an import go too (a
    petitions file names reporters)."""
    from xuncha.lib.importing import discard_all_staged

    discard_all_staged(user_id=user.pk)
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


def totp_verify(*, user: User, code: str, ip: str | None = None, device: str = "") -> str:
    """Check a second-factor code at sign-in; a code is accepted once only.

    Returns the method used (``totp`` or ``recovery``). Raises ``LoginRefused``; a wrong
    code is counted by ``throttle`` like a wrong password and audited. Only someone who
    gave the password reaches this step, so a delay is named as such here.
    """
    attempt = throttle.attempt_for(username=user.username, ip=ip, device_cookie=device)
    if throttle.delayed(attempt):
        raise LoginRefused(_("Too many attempts. Please try again later."), code="delayed")
    with transaction.atomic():
        method, reason = _totp_verify_locked(user=user, code=code)
        if method is None:
            _mirror_failure(user, throttle.failed(attempt))
            event_record(actor=None, action="login.failed", obj=user, ip=ip,
                         params={"reason": "bad 2fa code"})
    if method is None:
        raise LoginRefused(reason, code="bad_code")
    return method


def _totp_verify_locked(*, user: User, code: str) -> tuple[str | None, str]:
    user = User.objects.select_for_update().get(pk=user.pk)
    code = (code or "").strip()
    digits = code.replace(" ", "")
    if digits.isdigit() and len(digits) == 6:
        step = _totp_matching_step(fieldcrypto.decrypt(user.totp_secret), digits)
        if step is not None and step > user.totp_last_step:
            user.totp_last_step = step
            user.save(update_fields=["totp_last_step"])
            return "totp", ""
        return None, _("This code was already used. Wait for the next code.") if (
            step is not None) else _("That code is not correct.")
    recovery = RecoveryCode.objects.filter(
        user=user, code_hash=_recovery_hash(code), used_at__isnull=True).first()
    if recovery is not None:
        recovery.used_at = timezone.now()
        recovery.save(update_fields=["used_at"])
        event_record(actor=user, action="account.recovery_code_used", obj=user,
                     params={"remaining": RecoveryCode.objects.filter(
                         user=user, used_at__isnull=True).count()})
        return "recovery", ""
    return None, _("That code is not correct.")


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
    if user.needs_two_factor:  # reset by an administrator where it is required
        tokens_end(user=user, reason=TokenEnd.TWO_FACTOR_REQUIRED, actor=actor)


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
    tokens_end(user=user, reason=TokenEnd.PASSWORD_CHANGE, actor=user)
