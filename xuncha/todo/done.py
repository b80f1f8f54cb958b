"""The rows of the done list (已办), shared by the page and the API: what the step was, on
which object, and the page of that object."""

import datetime
from dataclasses import dataclass

from django.urls import reverse

from xuncha.audit.models import Event

from .selectors import STEP_ACTIONS

#: Where the done list links an event's object (the object's page), by its type.
OBJECT_PAGES = {
    "inspections.round": "inspections:round_detail",
    "inspections.inspection": "inspections:inspection_detail",
    "findings.problem": "findings:problem_detail",
    "findings.feedback": "findings:feedback_detail",
    "findings.clue": "findings:clue_detail",
    "petitions.petition": "petitions:detail",
    "rectification.measure": "rectification:measure_detail",
    "evaluations.evaluation": "evaluations:detail",
}


@dataclass(frozen=True)
class DoneRow:
    seq: int
    at: datetime.datetime
    action: str
    label: str
    object: str
    url: str


def done_row(event: Event) -> DoneRow:
    url = ""
    name = OBJECT_PAGES.get(event.object_type)
    if name and event.object_id.isdigit():
        url = reverse(name, args=[int(event.object_id)])
    elif event.object_type == "petitions.revealrequest":
        url = reverse("petitions:reveal_list")
    return DoneRow(seq=event.seq, at=event.created_at, action=event.action,
                   label=str(STEP_ACTIONS.get(event.action, event.action)),
                   object=event.object_repr, url=url)
