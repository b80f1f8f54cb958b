"""What the evaluations app adds: the menu entry and its steps in the to-do."""

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import User
from xuncha.todo.items import PER_KIND, Clock, TodoItem
from xuncha.web.registry import NavEntry

from .access import (
    can_open_evaluations,
    evaluations_awaiting_entry,
    evaluations_awaiting_results,
    sheets_awaiting_resolution,
    sheets_awaiting_second_entry,
)
from .models import Evaluation


def _session_item(evaluation: Evaluation, *, kind: str, label: str, url: str, clock: Clock,
                  key: str) -> TodoItem:
    """A step of the office's clerks (any of them): due when voting closes."""
    due = clock.local_date(evaluation.closes_at)
    return TodoItem(kind=kind, label=label, subject=evaluation.title, url=url,
                    committee_id=evaluation.committee_id, due=due,
                    level=clock.level(due, evaluation.committee_id), asked_by="", mine=False,
                    key=key)


def evaluation_todo(user: User) -> list[TodoItem]:
    """Open sessions taking paper ballots, sessions whose voting time is over awaiting their
    closing, and paper sheets awaiting a second clerk or a third one's resolution."""
    clock = Clock()
    items = []
    for evaluation in evaluations_awaiting_entry(user=user).order_by("closes_at", "pk")[:PER_KIND]:
        items.append(_session_item(
            evaluation, kind="evaluation_entry", label=gettext("Enter the paper ballots"),
            url=reverse("evaluations:paper", args=[evaluation.pk]), clock=clock,
            key=f"evaluation_entry:{evaluation.pk}"))
    for evaluation in evaluations_awaiting_results(user=user).order_by(
            "closes_at", "pk")[:PER_KIND]:
        items.append(_session_item(
            evaluation, kind="evaluation_results",
            label=gettext("Close the vote so that its results are final"),
            url=reverse("evaluations:detail", args=[evaluation.pk]), clock=clock,
            key=f"evaluation_results:{evaluation.pk}"))
    sheet_steps = (
        (sheets_awaiting_second_entry, "sheet_entry",
         gettext("Enter paper ballot %(type)s-%(number)d a second time")),
        (sheets_awaiting_resolution, "sheet_resolution",
         gettext("Resolve paper ballot %(type)s-%(number)d (the two entries differ)")),
    )
    for query, kind, label in sheet_steps:
        for sheet in query(user=user).select_related("evaluation", "ballot_type").order_by(
                "evaluation_id", "ballot_type_id", "number")[:PER_KIND]:
            url = (reverse("evaluations:paper", args=[sheet.evaluation_id])
                   if kind == "sheet_entry"
                   else reverse("evaluations:resolve", args=[sheet.evaluation_id, sheet.pk]))
            items.append(_session_item(
                sheet.evaluation, kind=kind, url=url, clock=clock, key=f"{kind}:{sheet.pk}",
                label=label % {"type": sheet.ballot_type.code, "number": sheet.number}))
    return items


def evaluation_todo_queries(user: User) -> list[QuerySet[Any]]:
    """The query forms behind ``evaluation_todo``, one per kind (the top bar counts them)."""
    return [evaluations_awaiting_entry(user=user), evaluations_awaiting_results(user=user),
            sheets_awaiting_second_entry(user=user), sheets_awaiting_resolution(user=user)]


NAV = [NavEntry("evaluations", _("Evaluation votes"), "evaluations:list", can_open_evaluations)]
TODO = [evaluation_todo]
TODO_COUNTS = [evaluation_todo_queries]
