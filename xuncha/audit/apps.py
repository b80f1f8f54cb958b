from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class AuditConfig(AppConfig):
    name = "xuncha.audit"
    label = "audit"

    def ready(self) -> None:
        # A malformed XUNCHA_AUDIT_KEYS stops the process at start rather than failing
        # every write later (each write records an audit event).
        from .keys import parse_keys

        try:
            parse_keys(list(settings.XUNCHA_AUDIT_KEYS))
        except ValueError as exc:
            raise ImproperlyConfigured(str(exc)) from None
