"""Request types of views behind ``@signed_in`` / ``@allow_if`` and of API operations."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthedHttpRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is signed in (the access decorators guarantee it)."""

    user: User  # narrower than ``HttpRequest.user``: anonymous requests never reach the view
    htmx: HtmxDetails  # set by django-htmx's middleware on every request


class ApiRequest(HttpRequest):
    """A request to an API operation behind the bearer token: ``auth`` is its account."""

    auth: User
    user: User
