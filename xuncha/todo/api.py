"""The to-do over the API: the same items, filters and order as the page."""

import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xuncha.accounts.http import ApiRequest
from xuncha.lib.apipaging import BoundedLimitOffsetPagination
from xuncha.lib.errors import Forbidden

from .access import can_open_todo
from .items import LEVELS, TodoItem
from .selectors import todo_for, todo_shown

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
        return _("You") if obj.mine else _("Your body")


class TodoFilters(Schema):
    show: Literal["all", "mine", "body"] = Field(
        "all", description="mine: waits on you; body: on anyone of your body")


@router.get("/todo", response=list[TodoOut], summary="What waits on you (待办)")
@paginate(BoundedLimitOffsetPagination)
def todo_list(request: ApiRequest, filters: Query[TodoFilters]) -> list[TodoItem]:
    """Overdue first, then by due date; the page's items exactly."""
    if not can_open_todo(user=request.auth):
        raise Forbidden()
    return todo_shown(todo_for(user=request.auth), filters.show)
