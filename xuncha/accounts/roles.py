"""The roles of DESIGN.md. A user has exactly one, bound to a committee."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("Inspection office")
    LEADERSHIP = "leadership", _("Leading group")
    TEAM = "team", _("Inspection team")
    LIAISON = "liaison", _("Unit liaison")
    RECEIVER = "receiver", _("Clue receiver")
    OVERSIGHT = "oversight", _("Upper committee oversight")


class ReceiverBody(models.TextChoices):
    DISCIPLINE = "discipline", _("Discipline inspection and supervision commission")
    ORGANIZATION = "organization", _("Organization department")


#: Roles whose committee may require two-factor sign-in.
TWO_FACTOR_ROLES = (Role.OFFICE, Role.TEAM)
