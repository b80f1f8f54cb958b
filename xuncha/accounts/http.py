"""The request type of views behind ``@signed_in`` / ``@allow``: its user is a real account."""

from django.http import HttpRequest

from .models import User


class AuthedHttpRequest(HttpRequest):
    """An ``HttpRequest`` whose ``user`` is signed in (the access decorators guarantee it)."""

    user: User  # narrower than ``HttpRequest.user``: anonymous requests never reach the view
