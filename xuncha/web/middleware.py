"""Request-wide policies: security headers, the interface language, the client address."""

import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation

from xuncha.lib.clientaddr import client_address
from xuncha.lib.requestctx import reset_client_ip, set_client_ip

LANGUAGE_COOKIE = "xuncha_language"
SUPPORTED = {code for code, _name in settings.LANGUAGES}

GetResponse = Callable[[HttpRequest], HttpResponse]


class SecurityHeadersMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.XUNCHA_CSP)
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Case data must not linger in shared browser caches.
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response


class LanguageMiddleware:
    """Chinese unless the person chose English (cookie); the browser's Accept-Language is
    ignored on purpose: the product is zh-hans first."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(LANGUAGE_COOKIE, "")
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The API's token answers in its account's language (``xuncha.api.api_language``).
        response.headers.setdefault("Content-Language",
                                    getattr(request, "LANGUAGE_CODE", language))
        translation.deactivate()
        return response


class RequestContextMiddleware:
    """Make the client address available to audit events, for signed-in staff only."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip = None
        if request.user.is_authenticated:
            ip = client_address(request)  # behind the trusted proxies, never the leftmost hop
        token = set_client_ip(ip)
        try:
            return self.get_response(request)
        finally:
            reset_client_ip(token)


class DomainErrorMiddleware:
    """Turn a service's refusal that escaped a view into the right page, never a 500:
    NotFound → 404 (the same page as a missing object), Forbidden → 403, any other
    DomainError → 400 with its message."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from xuncha.lib.errors import DomainError, Forbidden, NotFound

        if request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotFound):
            return render(request, "errors/404.html", status=404)
        if isinstance(exception, Forbidden):
            return render(request, "errors/403.html", {"message": exception.message}, status=403)
        if isinstance(exception, DomainError):
            return render(request, "errors/400.html", {"message": exception.message}, status=400)
        return None


class RejectNulMiddleware:
    """Refuse text containing a NUL or another invisible control character (``\\x01``-``\\x08``,
    ``\\x0b``, ``\\x0c``, ``\\x0e``-``\\x1f``; tab and line breaks are fine) anywhere: in the path,
    the query string, form fields or a JSON body (uploaded files may contain any byte; they
    are not looked at).

    No one types these; they come from broken clients, pasted binary or attackers.
    PostgreSQL cannot store a NUL in text, and no .docx or .xlsx can hold the others: a unit
    name with ``\\x0b`` used to break every export that named it. One check here covers
    every page and API operation: a 400 with a plain message, nothing stored.
    """

    #: Escapes that may stand for a control character in JSON (``\\u0001``, ``\\b``, ``\\f``);
    #: a match is confirmed by parsing (``\\\\b`` is an escaped backslash and a letter).
    JSON_ESCAPE = re.compile(rb"\\(?:u00[01]|uff[f][ef]|[bf])", re.IGNORECASE)
    #: ... and the two noncharacters XML cannot hold either (U+FFFE, U+FFFF).
    CONTROL = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")
    NUL = re.compile("\\x00")
    QUERY_CONTROL = re.compile(r"%(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])|%EF%BF%B[EF]", re.IGNORECASE)
    QUERY_NUL = re.compile(r"%00")
    JSON_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")

    #: Pasted published texts (announcements) come with page-layout controls such as form
    #: feeds; the extractor reads them and nothing is exported as sent, so there only NUL
    #: and broken characters are refused.
    PASTED_TEXT_PATHS = ("/api/v1/announcements/", "/announcements/")

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pasted = request.path.startswith(self.PASTED_TEXT_PATHS)
        if self._refused(request, self.NUL if pasted else self.CONTROL):
            message = translation.gettext("The text contains an invisible control character "
                                          "or a broken character; please remove it and send "
                                          "again.")
            if request.path.startswith("/api/"):
                return JsonResponse({"error": "bad_input", "message": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _lone_surrogate(body: bytes) -> bool:
        """Escaped surrogate pairs (emoji) are fine; a lone one has no UTF-8 form and failed
        wherever the text was written. Refused like a NUL."""
        import json

        try:
            json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return True
        except (ValueError, RecursionError):
            return False  # not JSON at all: the API answers that itself
        return False

    @staticmethod
    def _json_strings_match(body: bytes, pattern: re.Pattern[str]) -> bool:
        import json

        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            return False  # not JSON at all: the API answers that itself
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                if pattern.search(item):
                    return True
            elif isinstance(item, dict):
                stack.extend(item.keys())
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        return False

    def _refused(self, request: HttpRequest, pattern: re.Pattern[str]) -> bool:
        def bad(text: str) -> bool:
            return bool(pattern.search(text))

        query = request.META.get("QUERY_STRING", "")
        if bad(request.path) or (self.QUERY_CONTROL if pattern is self.CONTROL
                                 else self.QUERY_NUL).search(query):
            return True
        if any(bad(k) or any(bad(v) for v in vs) for k, vs in request.GET.lists()):
            return True
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.content_type or ""
            if content_type == "application/json":
                try:
                    body = request.body
                except RequestDataTooBig:
                    return False
                if bad(body.decode("utf-8", "replace")):
                    return True
                if self.JSON_ESCAPE.search(body) and self._json_strings_match(body, pattern):
                    return True
                return bool(self.JSON_SURROGATE.search(body)) and self._lone_surrogate(body)
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                try:
                    items = request.POST.lists()
                except (RequestDataTooBig, MultiPartParserError, TooManyFieldsSent):
                    return False
                return any(bad(k) or any(bad(v) for v in vs) for k, vs in items)
        return False
