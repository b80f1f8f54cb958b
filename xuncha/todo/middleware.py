"""Refresh the to-do count after the person's own changes (``badge``)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from xuncha.accounts.models import User

from . import badge


class TodoCountMiddleware:
    """After any request that may have changed something (a step taken on a page or over
    the API), the person's cached count is forgotten: the next page counts afresh. Placed
    before the authentication middleware, it reads ``request.user`` once the inner layers
    (the session or the API's bearer token) have set it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method not in badge.READS:
            user = getattr(request, "user", None)
            if isinstance(user, User) and user.is_authenticated:
                badge.forget(user_id=user.pk)
        return response
