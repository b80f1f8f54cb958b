"""What the audit app puts in the menu."""

from django.utils.translation import gettext_lazy as _

from xuncha.web.registry import NavEntry

from .access import can_open_audit_trail

NAV = [NavEntry("administration", _("Audit trail"), "audit:event_list", can_open_audit_trail)]
