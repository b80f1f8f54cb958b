"""Errors raised by services; their message is shown to the user as written."""


class DomainError(Exception):
    """A rule of the domain refused the action; nothing was changed.

    ``message`` is translated text meant for the user; ``code`` is a stable machine
    name used by the API (``{"error": code, "message": message}``); ``field`` names
    the form field at fault when there is one.
    """

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        self.field = field


class NotFound(DomainError):
    """Missing and forbidden look the same to the caller (never reveal existence)."""

    def __init__(self, message: str = "", *, code: str = "not_found"):
        from django.utils.translation import gettext

        super().__init__(message or gettext("Not found."), code=code)


class Forbidden(DomainError):
    """The object is visible to the caller but the action is not theirs to take."""

    def __init__(self, message: str = "", *, code: str = "forbidden"):
        from django.utils.translation import gettext

        super().__init__(message or gettext("You are not allowed to do this."), code=code)


class Conflict(DomainError):
    """Someone else changed the record since it was read (optimistic locking)."""

    def __init__(self, message: str = "", *, code: str = "conflict"):
        from django.utils.translation import gettext

        super().__init__(
            message
            or gettext("Someone else changed this record after you opened it. "
                       "Reload to see their changes; nothing of yours was saved."),
            code=code,
        )
