"""What the inspections pages share."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.accounts.models import User
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.links import public_url
from xuncha.organizations.models import Committee

from ..models import Inspection

T = TypeVar("T")


def public_report_url(request: HttpRequest, inspection: Inspection) -> str:
    """Absolute link to the target's online reporting page (what the QR code opens)."""
    return public_url(reverse("public:report", args=[inspection.public_code]), request)


def own_committee(user: User) -> Committee:
    """The committee an office account works for (refused for an account without one)."""
    if user.committee is None:
        raise Forbidden()
    return user.committee


def form_errors(form: forms.BaseForm) -> str:
    """A form's errors in one line, each after its field's label, for a flash message."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


def step(request: AuthedHttpRequest, call: Callable[[dict[str, Any]], T], *, back: str,
         success: str | Callable[[T], str] | None, form: forms.BaseForm | None = None,
         failed: Callable[[forms.BaseForm], str] = form_errors) -> HttpResponse:
    """One action posted from a page, answered on that page (the address ``back``) with a
    message. The action's ``form``, if it has one, must be valid, or the message is
    ``failed(form)`` (by default its errors) and nothing changes; ``call``, one service,
    gets the cleaned data, and its refusal or ``success`` (a text, or one made from what
    the service returned; None: no message) is the message."""
    if form is not None and not form.is_valid():
        messages.error(request, failed(form))
        return redirect(back)
    try:
        result = call({} if form is None else form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if success is not None:
            messages.success(request, success if isinstance(success, str) else success(result))
    return redirect(back)
