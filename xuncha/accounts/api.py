import datetime

from ninja import Field, Router, Schema

from .http import ApiRequest
from .selectors import tokens_of

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    committee_id: int | None
    committee: str | None
    unit_id: int | None
    is_office_admin: bool


@router.get("/me", response=MeOut, summary="The account behind the token")
def me(request: ApiRequest) -> MeOut:
    user = request.auth
    return MeOut(id=user.pk, username=user.username, display_name=user.display_name,
                 role=user.role, committee_id=user.committee_id,
                 committee=str(user.committee) if user.committee_id else None,
                 unit_id=user.unit_id, is_office_admin=user.is_office_admin)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The first characters of the secret (never the rest)")
    scope: str = Field(..., description="write, or read (GET only)")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    revoke_reason: str = Field(..., description="Why it ended (empty while it works)")
    current: bool = Field(..., description="True for the token of this very request")


class Error(Schema):
    error: str
    message: str


@router.get("/me/tokens", response={200: list[TokenOut], 401: Error},
            summary="Your own API tokens (never their secrets)")
def my_tokens(request: ApiRequest) -> list[TokenOut]:
    """The tokens of the account behind the token, newest first, ended ones included; the
    secret is never shown again after its creation."""
    current = getattr(request, "api_token_digest", None)
    return [TokenOut(id=t.pk, name=t.name, prefix=t.prefix, scope=t.scope,
                     created_at=t.created_at, last_used_at=t.last_used_at,
                     expires_at=t.expires_at, revoked_at=t.revoked_at,
                     revoke_reason=t.revoke_reason, current=t.digest == current)
            for t in tokens_of(user=request.auth).order_by("-created_at", "-pk")]
