"""The to-do over the API: the same items, filters and order as the page."""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xuncha.accounts.http import ApiRequest
from xuncha.lib.apipaging import MAX_INT, BoundedLimitOffsetPagination
from xuncha.lib.errors import Forbidden

from .access import can_open_todo
from .done import done_row
from .items import LEVELS, TodoItem
from .selectors import steps_done_by, todo_for, todo_shown

router = Router(tags=["todo"])


class TodoOut(Schema):
    key: str = Field(..., description="The step and its object, unique and stable")
    kind: str = Field(..., description="The step, e.g. round_approval, plan_review")
    label: str = Field(..., description="What to do, in the account's language")
    subject: str = Field(..., description="The inspection, unit or session it concerns")
    url: str = Field(..., description="The page where the step is taken")
    committee_id: int | None
    due: datetime.date | None
    level: str = Field(..., description="red (overdue), yellow, green, grey (no deadline)")
    level_text: str
    overdue: bool
    asked_by: str
    mine: bool = Field(..., description="True: waits on you; false: on anyone of your body")
    mine_text: str

    @staticmethod
    def resolve_level_text(obj: TodoItem) -> str:
        return str(LEVELS.get(obj.level, ""))

    @staticmethod
    def resolve_mine_text(obj: TodoItem) -> str:
        return _("You") if obj.mine else _("Anyone of your body")


class TodoFilters(Schema):
    show: Literal["all", "mine", "body"] = Field(
        "all", description="mine: waits on you; body: on anyone of your body")


@router.get("/todo", response=list[TodoOut], summary="What waits on you (待办)",
            openapi_extra={"responses": {401: {"description": "No valid token"},
                                         403: {"description": "An account without a role"},
                                         422: {"description": "An invalid filter"}}})
@paginate(BoundedLimitOffsetPagination)
def todo_list(request: ApiRequest, filters: Query[TodoFilters]) -> list[TodoItem]:
    """Overdue first, then by due date; the page's items exactly."""
    if not can_open_todo(user=request.auth):
        raise Forbidden()
    return todo_shown(todo_for(user=request.auth), filters.show)


class DoneOut(Schema):
    seq: int = Field(..., description="The audit event's number")
    at: datetime.datetime
    action: str = Field(..., description="The step, e.g. plan.review")
    label: str = Field(..., description="The step, in the account's language")
    object: str = Field(..., description="What the step was taken on")
    url: str = Field(..., description="The object's page (empty when it has none)")


class DonePage(Schema):
    items: list[DoneOut]
    next: int | None = Field(None, description="Pass as ``after`` for the next page")


class DoneFilters(Schema):
    after: int | None = Field(None, ge=1, le=MAX_INT, description="``next`` of the last page")
    limit: int = Field(50, ge=1, le=200)


class Error(Schema):
    error: str
    message: str


@router.get("/todo/done", response={200: DonePage, 401: Error, 403: Error, 422: Error},
            summary="The steps you took (已办), most recent first")
def todo_done(request: ApiRequest, filters: Query[DoneFilters]) -> dict[str, object]:
    """The page's done list: your own audit events of the to-do's steps. Keyset pages by
    the event's number: pass ``next`` back as ``after``."""
    if not can_open_todo(user=request.auth):
        raise Forbidden()
    qs = steps_done_by(user=request.auth)
    if filters.after is not None:
        qs = qs.filter(seq__lt=filters.after)
    rows = list(qs.order_by("-seq")[:filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[:filters.limit]
    return {"items": [done_row(event) for event in rows],
            "next": rows[-1].seq if more else None}
