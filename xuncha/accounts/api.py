from ninja import Router, Schema

from .http import ApiRequest

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
