"""The JSON API at /api/v1/: bearer tokens, the same selectors as the pages, and errors as
``{"error": code, "message": text}``."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from xuncha.lib.errors import Conflict, DomainError, Forbidden, NotFound
from xuncha.lib.requestctx import set_client_ip


def api_language(request: HttpRequest, language: str) -> str:
    """The language of a token's answers: the request's ``Accept-Language`` when it names
    a language of the site (a front end speaking for its own user), else the account's
    choice (``User.language``), else the site's (zh-hans)."""
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    if language in {code for code, _name in settings.LANGUAGES}:
        return language
    return settings.LANGUAGE_CODE


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        from xuncha.accounts.models import token_digest
        from xuncha.accounts.services import token_authenticate

        user = token_authenticate(token, method=request.method)  # read-only tokens: 403
        if user is None:
            return None
        request.user = user
        request.api_token_digest = token_digest(token)  # "current" in GET /me/tokens
        set_client_ip(request.META.get("REMOTE_ADDR"))
        # The answer (its texts, labels and error messages) in the caller's language; the
        # language middleware deactivates it after the response.
        language = api_language(request, user.language)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return user


api = NinjaAPI(
    title="Xuncha API",
    version="1",
    description=_("Inspection work from plan to verified rectification. Authenticate with "
                  "`Authorization: Bearer <token>` (create a token on your profile page)."),
    auth=BearerAuth(),
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request, status: int, code: str, message: str):
    return api.create_response(request, {"error": code, "message": str(message)}, status=status)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _error(request, 413, "too_large",
                  _("The request is too large (at most 12 MB, attachments included)."))


@api.exception_handler(Exception)
def _unexpected(request, exc):
    """Anything unforeseen: logged with its traceback, answered as JSON like every error."""
    import logging

    logging.getLogger("django.request").error("API error: %s", request.path, exc_info=exc)
    return _error(request, 500, "server_error",
                  _("Something went wrong on our side. Please try again later."))


@api.exception_handler(NotFound)
def _not_found(request, exc):
    return _error(request, 404, exc.code, exc.message)


@api.exception_handler(Forbidden)
def _forbidden(request, exc):
    return _error(request, 403, exc.code, exc.message)


@api.exception_handler(Conflict)
def _conflict(request, exc):
    return _error(request, 409, exc.code, exc.message)


@api.exception_handler(DomainError)
def _domain(request, exc):
    return _error(request, 400, exc.code, exc.message)


@api.exception_handler(Http404)
def _http404(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return _error(request, 403, "forbidden", _("You are not allowed to do this."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated",
                  _("A valid API token is required (Authorization: Bearer …)."))


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    details = []
    for err in exc.errors[:20]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "payload"))
        details.append(f"{loc}: {err.get('msg', '')}".strip(": "))
    return api.create_response(request, {"error": "invalid", "message": _(
        "The request is not valid: %(details)s") % {"details": "; ".join(details)},
        "details": exc.errors[:20]}, status=422)


@api.exception_handler(ValidationError)
def _django_invalid(request, exc):
    return _error(request, 422, "invalid", "; ".join(exc.messages))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, "error", str(exc))


from xuncha.accounts.api import router as accounts_router  # noqa: E402
from xuncha.announcements.api import router as announcements_router  # noqa: E402
from xuncha.notify.api import router as notify_router  # noqa: E402
from xuncha.organizations.api import router as organizations_router  # noqa: E402
from xuncha.petitions.api import router as petitions_router  # noqa: E402
from xuncha.teamwork.api import router as teamwork_router  # noqa: E402
from xuncha.todo.api import router as todo_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", organizations_router)
api.add_router("/", petitions_router)
api.add_router("/", announcements_router)
api.add_router("/", teamwork_router)
api.add_router("/", notify_router)
api.add_router("/", todo_router)

def mark_api_views_public(pattern) -> None:
    """Exempt API views from the session-login redirect; the API checks tokens itself."""

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns)
            else:
                p.callback.login_required = False
                p.callback.xuncha_access = "api"

    walk(pattern.url_patterns if hasattr(pattern, "url_patterns") else [pattern])
