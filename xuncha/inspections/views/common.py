"""What the inspections pages share."""

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from xuncha.accounts.models import User
from xuncha.lib.errors import Forbidden
from xuncha.organizations.models import Committee

from ..models import Inspection


def public_report_url(request: HttpRequest, inspection: Inspection) -> str:
    """Absolute link to the target's online reporting page (what the QR code opens)."""
    path = reverse("public:report", args=[inspection.public_code])
    base = getattr(settings, "XUNCHA_PUBLIC_BASE_URL", "")
    return f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)


def own_committee(user: User) -> Committee:
    """The committee an office account works for (refused for an account without one)."""
    if user.committee is None:
        raise Forbidden()
    return user.committee


def form_errors(form: forms.Form) -> str:
    """A form's errors in one line, each after its field's label, for a flash message."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)
