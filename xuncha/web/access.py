"""Who may open a view. Every view carries one of these decorators; a test walks the URL
patterns and fails on any view without one (DefectDojo's fail-open URL table is what we
avoid)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def public(view: Callable) -> Callable:
    """Open to anyone, signed in or not (reporting form, receipts, public notices)."""
    view = login_not_required(view)
    view.xuncha_access = PUBLIC  # type: ignore[attr-defined]
    return view


def signed_in(view: Callable) -> Callable:
    """Any signed-in account (home page, own profile)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.xuncha_access = AUTHENTICATED  # type: ignore[attr-defined]
    return wrapped


def allow(*roles: str, admin: bool = False, platform: bool = False) -> Callable:
    """Only accounts with one of ``roles``; ``admin`` also requires an office administrator;
    ``platform`` also lets platform operators (superusers) in."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            permitted = user.role in roles and (not admin or user.is_office_admin)
            if not permitted and not (platform and user.is_superuser):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.xuncha_access = tuple(roles) + (("platform",) if platform else ())  # type: ignore[attr-defined]
        wrapped.xuncha_admin = admin  # type: ignore[attr-defined]
        return wrapped

    return decorator


def allow_if(rule: Callable[..., bool]) -> Callable:
    """Only accounts for which ``rule(user=...)`` holds: a ``can_open_*`` rule of an app's
    ``access.py``, the same one that decides whether the menu shows the page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rule(user=user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.xuncha_access = f"{rule.__module__}.{rule.__qualname__}"  # type: ignore[attr-defined]
        wrapped.xuncha_rule = rule  # type: ignore[attr-defined]
        return wrapped

    return decorator


#: API operations that need no token; the URL-walk test fails on any other without auth.
PUBLIC_API_OPERATIONS: set[str] = set()


def api_public(func: Callable) -> Callable:
    """Mark an API operation as deliberately public (it must also declare ``auth=None``)."""
    PUBLIC_API_OPERATIONS.add(f"{func.__module__}.{func.__name__}")
    return func
