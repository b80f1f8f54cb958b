"""Who may open a view. Every view carries one of these decorators; a test walks the URL
patterns and fails on any view without one (DefectDojo's fail-open URL table is what we
avoid)."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from xuncha.accounts.models import User

#: A view function; its first argument is the request.
View = Callable[..., HttpResponseBase]

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def _mark(view: View, **declaration: object) -> View:
    """Record on the view who may open it (``xuncha_access``…), for the URL-walk tests."""
    vars(view).update(declaration)
    return view


def public(view: View) -> View:
    """Open to anyone, signed in or not (reporting form, receipts, public notices)."""
    return _mark(login_not_required(view), xuncha_access=PUBLIC)


def signed_in(view: View) -> View:
    """Any signed-in account (home page, own profile)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return _mark(wrapped, xuncha_access=AUTHENTICATED)


def allow_if(rule: Callable[..., bool]) -> Callable[[View], View]:
    """Only accounts for which ``rule(user=...)`` holds: a ``can_open_*`` rule of an app's
    ``access.py``, the same one that decides whether the menu shows the page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = cast(User, request.user)  # anonymous: sent to sign in just below
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule(user=user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return _mark(wrapped, xuncha_access=f"{rule.__module__}.{rule.__qualname__}",
                     xuncha_rule=rule)

    return decorator


#: API operations that need no token; the URL-walk test fails on any other without auth.
PUBLIC_API_OPERATIONS: set[str] = set()


def api_public(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark an API operation as deliberately public (it must also declare ``auth=None``)."""
    PUBLIC_API_OPERATIONS.add(f"{func.__module__}.{func.__name__}")
    return func
