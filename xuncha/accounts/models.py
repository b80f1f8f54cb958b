"""People who sign in, their second factors and their API tokens."""

import datetime
import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import ReceiverBody, Role


class User(AbstractUser):
    """A staff account. ``role`` and ``committee`` say what it may see (see selectors).

    Platform operators (``is_superuser``) manage committees and accounts; they carry
    no case role and read no case data.
    """

    display_name = models.CharField(_("name"), max_length=64, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    committee = models.ForeignKey(
        "organizations.Committee", verbose_name=_("committee"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="liaisons",
        help_text=_("For liaisons: the inspected unit they speak for."),
    )
    inspector = models.ForeignKey(
        "organizations.Inspector", verbose_name=_("inspector"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="accounts",
        help_text=_("For team members: their record in the inspector pool."),
    )
    receiver_body = models.CharField(
        _("receiving body"), max_length=16, choices=ReceiverBody.choices, blank=True
    )
    is_office_admin = models.BooleanField(
        _("office administrator"), default=False,
        help_text=_("May manage the accounts of this committee and read its audit trail."),
    )
    is_office_head = models.BooleanField(
        _("office head"), default=False,
        help_text=_("Reads sealed clues and transfers them to the receiving bodies."),
    )
    is_custodian = models.BooleanField(
        _("identity custodian"), default=False,
        help_text=_("May approve requests to reveal a reporter's identity."),
    )
    # Shown to administrators only; sign-in decisions are taken by ``throttle`` (the cache).
    failed_logins = models.PositiveIntegerField(default=0)  # failures since the last sign-in
    locked_until = models.DateTimeField(null=True, blank=True)  # end of the sign-in delay
    must_change_password = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    totp_secret = models.CharField(max_length=400, blank=True)  # encrypted, see fieldcrypto
    totp_enabled = models.BooleanField(_("two-factor sign-in"), default=False)
    totp_last_step = models.BigIntegerField(default=0)
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_role_has_committee",
                condition=Q(role="") | Q(committee__isnull=False),
            ),
            models.CheckConstraint(
                name="user_liaison_has_unit",
                condition=~Q(role="liaison") | Q(unit__isnull=False),
            ),
            models.CheckConstraint(
                name="user_receiver_has_body",
                condition=~Q(role="receiver") | ~Q(receiver_body=""),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def audit_committee_id(self):
        return self.committee_id

    @property
    def is_locked(self) -> bool:
        """Its name is in a sign-in delay (``throttle``): what the account list shows and
        what *Unlock* clears. Neither the delay nor this flag stops its API tokens."""
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def needs_two_factor(self) -> bool:
        """True when the committee requires a second factor for this role."""
        from .roles import TWO_FACTOR_ROLES

        if self.role not in TWO_FACTOR_ROLES or not self.committee_id:
            return False
        committee = self.committee
        return committee is not None and committee.require_2fa


class RecoveryCode(models.Model):
    """A one-time code that replaces a TOTP code when the phone is lost."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "code_hash"], name="recovery_user_hash")]

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenScope(models.TextChoices):
    """What a token may do: ``read`` tokens only read (GET); ``write`` tokens act as the user."""

    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


class TokenEnd(models.TextChoices):
    """Why a token ended (``ApiToken.revoke_reason`` and the ``token.revoke`` event)."""

    MANUAL = "manual", _("revoked by hand")
    PASSWORD_CHANGE = "password_change", _("password changed")
    PASSWORD_RESET = "password_reset", _("password reset")
    ROLE_CHANGE = "role_change", _("role changed")
    COMMITTEE_CHANGE = "committee_change", _("committee changed")
    DEACTIVATED = "deactivated", _("account deactivated")
    TWO_FACTOR_REQUIRED = "two_factor_required", _("two-factor sign-in required but not set up")
    IDLE = "idle", _("unused for too long")


class ApiToken(models.Model):
    """A personal API token (``Authorization: Bearer …``); only its digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("why it ended"), max_length=24, blank=True,
                                     choices=TokenEnd.choices)
    scope = models.CharField(_("scope"), max_length=8, choices=TokenScope.choices,
                             default=TokenScope.WRITE)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def audit_committee_id(self):
        return self.user.committee_id

    @property
    def is_usable(self) -> bool:
        """Not revoked and not past its end date (idleness is checked when it is used)."""
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def idle_since(self) -> datetime.datetime:
        return self.last_used_at or self.created_at
