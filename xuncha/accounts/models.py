"""People who sign in, their second factors and their API tokens."""

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
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
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
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
