"""Session policy: idle expiry, forced password change, required two-factor enrolment."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import User
from .signin import logout_recorded

IDLE_KEY = "xuncha_last_seen"
# Pages a signed-in person can always reach, so the forced steps cannot loop.
_EXEMPT_NAMES = ("accounts:password_change", "accounts:totp_setup", "accounts:logout",
                 "web:set_language")


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt: set[str] | None = None

    def exempt_paths(self) -> set[str]:
        if self._exempt is None:
            self._exempt = {reverse(name) for name in _EXEMPT_NAMES}
        return self._exempt

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and not request.path.startswith(("/static/", "/api/")):
            now = int(time.time())
            last = request.session.get(IDLE_KEY)
            idle_limit = settings.XUNCHA_SESSION_IDLE_MINUTES * 60
            if last is not None and now - int(last) > idle_limit:
                logout_recorded(user=user)
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if last is None or now - int(last) > 60:
                request.session[IDLE_KEY] = now
            if request.path not in self.exempt_paths():
                if user.must_change_password:
                    return redirect("accounts:password_change")
                if user.needs_two_factor and not user.totp_enabled:
                    return redirect("accounts:totp_setup")
        return self.get_response(request)
