"""Sign-in, the second factor, one's own profile, and account administration."""

import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.lib.clientaddr import client_address
from xuncha.lib.errors import DomainError
from xuncha.web.access import allow_if, public, signed_in
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate

from . import selectors, services, signin, throttle
from .access import (
    POWERS,
    access_account,
    access_power_account,
    access_token,
    accounts_grantable_by,
    can_grant_powers,
    can_open_accounts,
    can_open_powers,
    can_revoke_powers,
    can_turn_off_own_two_factor,
    users_managed_by,
)
from .forms import CodeForm, LoginForm, PasswordChangeForm, PowerForm, TokenForm, UserForm
from .http import AuthedHttpRequest
from .models import User
from .roles import Role

PENDING_KEY = "xuncha_pending_2fa"
PENDING_SECONDS = 300
SETUP_SECRET_KEY = "xuncha_totp_setup_secret"  # noqa: S105 (a session key name)
AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request: HttpRequest, default: str = "web:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse(default)


def _client_ident(request: HttpRequest) -> str:
    """The client behind our trusted proxies (the per-address sign-in delay counts it)."""
    return client_address(request)


def _known_device(response: HttpResponse, cookie: str) -> HttpResponse:
    """Mark the browser as a known device of the account that signed in (``throttle``)."""
    response.set_cookie(throttle.DEVICE_COOKIE, cookie, max_age=throttle.device_max_age(),
                        httponly=True, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")
    return response


@public
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = request.COOKIES.get(throttle.DEVICE_COOKIE, "")
        try:
            user = signin.login_check_password(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"], ip=_client_ident(request),
                device=device)
        except signin.LoginRefused as exc:
            form.add_error(None, exc.message)
        else:
            if user.totp_enabled:
                request.session.cycle_key()
                request.session[PENDING_KEY] = {"uid": user.pk, "at": int(time.time()),
                                                "next": _safe_next(request), "device": device}
                return redirect("accounts:login_2fa")
            login(request, user, backend=AUTH_BACKEND)
            cookie = signin.login_succeeded(user=user, method="password",
                                            ip=_client_ident(request), device=device)
            return _known_device(redirect(_safe_next(request)), cookie)
    return render(request, "accounts/login.html",
                  {"form": form, "next": request.GET.get("next", "")})


@public
@require_http_methods(["GET", "POST"])
def login_2fa_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    user = selectors.account_signing_in(pk=pending["uid"])
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.error(request, _("This account cannot sign in now."))
        return redirect("accounts:login")
    device = str(pending.get("device") or "")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            method = signin.totp_verify(user=user, code=form.cleaned_data["code"],
                                        ip=_client_ident(request), device=device)
        except signin.LoginRefused as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop(PENDING_KEY, None)
            login(request, user, backend=AUTH_BACKEND)
            cookie = signin.login_succeeded(user=user, method=f"password+{method}",
                                            ip=_client_ident(request), device=device)
            if method == "recovery":
                messages.warning(request, _("You signed in with a recovery code. Each code "
                                            "works once; generate new ones if few are left."))
            return _known_device(redirect(pending.get("next") or "web:home"), cookie)
    return render(request, "accounts/login_2fa.html", {"form": form})


@signed_in
@require_POST
def logout_view(request: AuthedHttpRequest) -> HttpResponse:
    signin.logout_recorded(user=request.user)
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@signed_in
@require_http_methods(["GET", "POST"])
def password_change_view(request: AuthedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            signin.password_change(user=request.user,
                                     old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            login(request, request.user, backend=AUTH_BACKEND)  # keep the session valid
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


@signed_in
def profile_view(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {
        "tokens": selectors.tokens_of(user=request.user), "token_form": TokenForm(),
        "recovery_left": selectors.recovery_codes_left(user=request.user),
        "can_turn_off_two_factor": can_turn_off_own_two_factor(user=request.user),
        "token_idle_days": settings.XUNCHA_TOKEN_IDLE_DAYS,
    })


@signed_in
@require_http_methods(["GET", "POST"])
def totp_setup_view(request: AuthedHttpRequest) -> HttpResponse:
    if request.user.totp_enabled:
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect("accounts:profile")
    secret = request.session.get(SETUP_SECRET_KEY) or signin.totp_new_secret()
    request.session[SETUP_SECRET_KEY] = secret
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = signin.totp_enable(user=request.user, secret=secret,
                                         code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            request.session.pop(SETUP_SECRET_KEY, None)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    uri = signin.totp_uri(user=request.user, secret=secret)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2937")
    return render(request, "accounts/totp_setup.html", {
        "form": form, "secret": secret, "qr_svg": qr_svg,
        "required": request.user.needs_two_factor,
    })


@signed_in
@require_POST
def totp_disable_view(request: AuthedHttpRequest) -> HttpResponse:
    try:
        signin.totp_disable(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:profile")


@signed_in
@require_POST
def recovery_codes_view(request: AuthedHttpRequest) -> HttpResponse:
    try:
        codes = signin.recovery_codes_regenerate(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:profile")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@signed_in
@require_POST
def token_create_view(request: AuthedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name and a validity of 1 to 366 days."))
        return redirect("accounts:profile")
    try:
        token, secret = services.token_create(user=request.user, name=form.cleaned_data["name"],
                                              days=form.cleaned_data["days"],
                                              scope=form.cleaned_data["scope"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:profile")
    return render(request, "accounts/token_created.html", {"token": token, "secret": secret})


@signed_in
@require_POST
def token_revoke_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    token = access_token(user=request.user, pk=pk)
    services.token_revoke(user=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


# --- account administration -----------------------------------------------------------


@allow_if(can_open_accounts)
def user_list_view(request: AuthedHttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    qs = selectors.users_filter(users_managed_by(user=request.user), q=q, role=role)
    page = paginate(request, qs)
    template = "accounts/_user_rows.html" if request.htmx else "accounts/user_list.html"
    return render(request, template, {"page": page, "q": q, "role": role,
                                      "roles": Role.choices})


@allow_if(can_open_accounts)
@require_http_methods(["GET", "POST"])
def user_create_view(request: AuthedHttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return render(request, "accounts/user_password.html",
                          {"account": user, "password": password, "created": True})
    return render(request, "accounts/user_form.html", {"form": form, "powers": []})


@allow_if(can_open_accounts)
@require_http_methods(["GET", "POST"])
def user_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    account = access_account(user=request.user, pk=pk)
    form = UserForm(request.POST or None, actor=request.user, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=account, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The account was saved."))
            return redirect("accounts:user_edit", pk=account.pk)
    return render(request, "accounts/user_form.html", {
        "form": form, "account": account, "powers": _powers_of(request.user, account),
        "revoke_next": reverse("accounts:user_edit", args=[account.pk]),
    })


@allow_if(can_open_accounts)
@require_POST
def user_reset_password_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    account = access_account(user=request.user, pk=pk)
    try:
        password = services.user_reset_password(actor=request.user, user=account)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:user_edit", pk=account.pk)
    return render(request, "accounts/user_password.html",
                  {"account": account, "password": password, "created": False})


@allow_if(can_open_accounts)
@require_POST
def user_unlock_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    account = access_account(user=request.user, pk=pk)
    try:
        services.user_unlock(actor=request.user, user=account)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The account was unlocked."))
    return redirect("accounts:user_edit", pk=account.pk)


@allow_if(can_open_accounts)
@require_POST
def user_reset_2fa_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    account = access_account(user=request.user, pk=pk)
    try:
        services.totp_reset(actor=request.user, user=account)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor sign-in was reset; the person sets it up "
                                    "again at the next sign-in if it is required."))
    return redirect("accounts:user_edit", pk=account.pk)


# --- the powers of custodians and office heads -----------------------------------------


def _powers_of(user: User, account: User) -> list[dict[str, object]]:
    """Each power of ``account`` with whether ``user`` may grant or revoke it (the flags
    the templates show)."""
    grant = can_grant_powers(user=user, account=account)
    revoke = can_revoke_powers(user=user, account=account)
    return [{"power": power, "label": services.power_label(power),
             "held": bool(getattr(account, power)),
             "can_grant": grant and not getattr(account, power),
             "can_revoke": revoke and bool(getattr(account, power))} for power in POWERS]


@allow_if(can_open_powers)
def power_list_view(request: AuthedHttpRequest) -> HttpResponse:
    """The office accounts of the committees directly below, and their powers."""
    page = paginate(request, accounts_grantable_by(user=request.user))
    rows = [{"account": account, "powers": _powers_of(request.user, account)}
            for account in page]
    return render(request, "accounts/power_list.html", {
        "page": page, "rows": rows, "revoke_next": reverse("accounts:power_list")})


def _power_change(request: AuthedHttpRequest, *, grant: bool) -> HttpResponse:
    form = PowerForm(request.POST)
    if not form.is_valid():
        reason_errors = form.errors.get("reason")
        messages.error(request, _("Reason: %(problem)s") % {
            "problem": " ".join(str(e) for e in reason_errors)}
            if reason_errors else _("Choose an account and a power."))
        return redirect(_safe_next(request, "accounts:power_list"))
    account = access_power_account(user=request.user, pk=form.cleaned_data["account"])
    change = services.power_grant if grant else services.power_revoke
    try:
        change(actor=request.user, account=account, power=form.cleaned_data["power"],
               reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        label = services.power_label(form.cleaned_data["power"])
        messages.success(request, (_("%(account)s is now %(power)s.") if grant else _(
            "%(account)s is no longer %(power)s.")) % {"account": account.username,
                                                        "power": label})
    return redirect(_safe_next(request, "accounts:power_list"))


@allow_if(can_open_powers)
@require_POST
def power_grant_view(request: AuthedHttpRequest) -> HttpResponse:
    return _power_change(request, grant=True)


@allow_if(can_open_accounts)
@require_POST
def power_revoke_view(request: AuthedHttpRequest) -> HttpResponse:
    """Also the account's own administrators (from the account page): it only reduces power."""
    return _power_change(request, grant=False)
