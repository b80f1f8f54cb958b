"""Reads of the to-do (待办), scoped to the person: what waits on them, and what they did.

``todo_for`` asks every app's ``hooks.TODO`` providers (``registry.todo_providers()``); each
builds its items from the query forms of its own ``access.py``, so an item is listed for
exactly the people the step's ``can_*`` rule lets take it, and leaves every list as soon as
anyone takes the step. ``steps_done_by`` is the done list (已办): the person's own events
of the audit trail whose actions are those of the steps.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import User
from xuncha.audit.models import Event
from xuncha.inspections import clocks
from xuncha.web import registry

from .access import can_open_todo
from .items import PER_KIND, TodoItem

#: The filters of the page and the API: whose steps are shown.
SHOW = {"all": _("All"), "mine": _("Mine"), "body": _("For my body")}

#: The audit actions of the steps the to-do lists (the done list shows these), by app.
STEP_ACTIONS = {
    "round.submit": _("Submitted a round plan"),
    "round.approve": _("Approved a round plan"),
    "round.return": _("Returned a round plan"),
    "inspection.station": _("Stationed a team"),
    "inspection.begin_onsite": _("Began the on-site work"),
    "inspection.begin_reporting": _("Moved an inspection to reporting"),
    "problem.sign": _("Signed a problem"),
    "report.review": _("Reviewed a report"),
    "report.approve": _("Approved a report"),
    "feedback.record": _("Recorded the feedback"),
    "clue.transfer": _("Transferred a clue"),
    "clue.handle": _("Recorded how a clue is handled"),
    "clue.report": _("Reported back on a clue"),
    "clue.close": _("Closed a clue"),
    "petition.accept": _("Accepted a petition"),
    "petition.transfer": _("Transferred a petition"),
    "petition.file": _("Filed a petition"),
    "petition.duplicate": _("Linked a duplicate petition"),
    "petition.transfer_answer": _("Recorded a department's answer"),
    "identity.reveal_approve": _("Approved an identity request"),
    "identity.reveal_refuse": _("Refused an identity request"),
    "plan.submit": _("Submitted a rectification plan"),
    "plan.review": _("Reviewed a rectification plan"),
    "plan.approve": _("Approved a rectification plan"),
    "plan.return": _("Returned a rectification plan"),
    "measure.evidence": _("Added evidence to a measure"),
    "measure.done": _("Marked a measure done"),
    "measure.close": _("Closed a measure (销号)"),
    "measure.return": _("Returned a measure"),
    "rectification_report.submit": _("Submitted a rectification report"),
    "rectification_report.accept": _("Accepted a rectification report"),
    "rectification_report.return": _("Returned a rectification report"),
    "notice.wording_approve": _("Approved the public wording of a problem"),
    "notice.publish": _("Published a rectification notice"),
    "follow_up.record": _("Recorded a follow-up"),
    "evaluation.paper_entry": _("Entered a paper ballot"),
    "evaluation.paper_resolve": _("Resolved a paper ballot"),
    "evaluation.close": _("Closed an evaluation vote"),
}


@contextmanager
def _clocks_read_once(user: User) -> Iterator[None]:
    """While the providers run, each committee's calendar and clock policy are read once
    (``clocks`` memoizes them the same way while it lists deadlines). The person's own
    committee's are read first, whether or not an item needs them: the to-do then costs the
    same queries with no dated item as with many."""
    with clocks.read_once():
        committee = user.committee
        if committee is not None:
            clocks.calendar_for(committee.pk)
            clocks.policy_for(committee)
        yield


def _order(item: TodoItem) -> tuple[int, int, str, str]:
    """Overdue first, then by due date (steps without a clock last)."""
    due = item.due.toordinal() if item.due is not None else 10**7
    return (0 if item.overdue else 1, due, item.kind, item.key)


def todo_for(*, user: User) -> list[TodoItem]:
    """Every step that waits on ``user`` or on their body, overdue first, then by due date.

    A bounded number of queries: one per query form that applies to the person (the
    others are empty without a query), and each committee's calendar and policy once.
    """
    if not can_open_todo(user=user):
        return []
    items: dict[str, TodoItem] = {}
    with _clocks_read_once(user):
        for provider in registry.todo_providers():
            for item in provider(user):
                items.setdefault(item.key, item)
    return sorted(items.values(), key=_order)


def todo_count_statement(*, user: User) -> tuple[str, list[Any]] | None:
    """The one statement that counts ``user``'s to-do (None: nothing can wait on them).

    Each app's ``hooks.TODO_COUNTS`` gives the query forms behind its items, one per kind;
    each is counted up to ``PER_KIND`` (as the provider lists it) and the counts are added:
    ``SELECT (SELECT COUNT(*) FROM (… LIMIT 200)) + …``. Query forms that are empty for the
    person (``.none()``) are left out.
    """
    if not can_open_todo(user=user):
        return None
    parts: list[str] = []
    params: list[Any] = []
    for counter in registry.todo_counters():
        for qs in counter(user):
            try:
                sql, qs_params = qs.order_by().values("pk")[:PER_KIND].query.sql_with_params()
            except EmptyResultSet:
                continue
            # The ORM's own SQL of the query form; every value stays a parameter.
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS todo_{len(parts)})")  # noqa: S608
            params.extend(qs_params)
    if not parts:
        return None
    return "SELECT " + " + ".join(parts), params


def todo_count(*, user: User) -> int:
    """How many steps wait on ``user`` or on their body (the top bar's figure): the same
    number as ``len(todo_for(user=user))``, in one query, without building the items."""
    statement = todo_count_statement(user=user)
    if statement is None:
        return 0
    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def todo_shown(items: list[TodoItem], show: str) -> list[TodoItem]:
    """The items of one filter of ``SHOW``: ``mine`` (waiting on the person), ``body``
    (waiting on anyone of their body), ``all``."""
    if show == "mine":
        return [item for item in items if item.mine]
    if show == "body":
        return [item for item in items if not item.mine]
    return items


def steps_done_by(*, user: User) -> QuerySet[Event]:
    """已办: the steps ``user`` took, from the audit trail (their own events only)."""
    return Event.objects.filter(actor_id=user.pk, action__in=list(STEP_ACTIONS))
