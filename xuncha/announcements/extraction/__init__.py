"""Extracting an inspection record from a published announcement (动员会 news, 巡察公告,
反馈会 news): pure Python, no Django.

``extract(text)`` returns the record in the shape and by the conventions of
``shared/announcement-examples/README.md``; ``extract_with_spans(text)`` also says where in
``text`` each value was found, and ``extract_for_review(text)`` how sure it is of each field
(``confidence``). None raises on any input: empty text, junk, a speech, a rectification
report or an unrelated article give ``kind: "other"`` and empty fields.
``headline(text)`` is the article's headline, menus and datelines skipped.
"""

import re
from typing import Any

from .confidence import Confidence, assess
from .contacts import find_contacts
from .dates import YearResolver
from .document import MAX_CHARS, Document, prepare, window
from .kind import classify_detail, is_speech
from .people import find_people
from .schedule import find_schedule
from .scope import scope_in, scope_out_transferred
from .tables import find_tables
from .teams import find_targets, find_teams, special_topic, team_mentions

FIELDS = ("kind", "inspecting_body", "level", "special_topic", "targets", "leader",
          "deputy_leaders", "meeting_date", "period_start", "period_end", "petition_deadline",
          "phones", "sms", "postal_boxes", "emails", "online_channels", "suggestion_boxes",
          "scope_in", "scope_out_transferred")

Spans = dict[str, list[tuple[int, int]]]

__all__ = ["FIELDS", "MAX_CHARS", "Confidence", "Spans", "empty", "extract", "extract_for_review",
           "extract_with_spans", "headline"]


def empty() -> dict[str, Any]:
    """The record of a text that states nothing: kind ``other``, every field empty."""
    return {"kind": "other", "inspecting_body": None, "level": None, "special_topic": None,
            "targets": [], "leader": None, "deputy_leaders": [], "meeting_date": None,
            "period_start": None, "period_end": None, "petition_deadline": None, "phones": [],
            "sms": [], "postal_boxes": [], "emails": [], "online_channels": [],
            "suggestion_boxes": [], "scope_in": None, "scope_out_transferred": False}


_SURROGATE = re.compile("[\ud800-\udfff]")

def extract(text: str) -> dict[str, Any]:
    """The inspection record stated by ``text`` (keys in ``FIELDS`` order)."""
    return extract_with_spans(text)[0]


def extract_with_spans(text: str) -> tuple[dict[str, Any], Spans]:
    """The record and, per field, the ``(start, end)`` spans in ``text`` where its values
    were found (list items and scalars alike; phone hours are spans of ``phones``)."""
    values, spans, _confidence = extract_for_review(text)
    return values, spans


def extract_for_review(text: str) -> tuple[dict[str, Any], Spans, Confidence]:
    """The record, its spans, and how sure the extraction is of each field (``confidence``:
    ``{"level": "high"|"medium"|"low", "reason": code}`` per field)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # A lone surrogate (from a broken JSON client) has no UTF-8 form; one replacement
    # character each keeps every offset (spans) where it was.
    text = _SURROGATE.sub("\ufffd", text)
    piece, base = window(text)
    values = empty()
    if "巡" not in piece:
        return values, {}, {name: {"level": "high"} for name in values}
    doc = prepare(piece, base)
    spans: Spans = {}
    kind, by_headline = classify_detail(doc)
    values["kind"] = kind
    if kind == "other":
        # Not an announcement (a speech, a rectification report, a leading group's
        # meeting, unrelated news): nothing is taken from it, so nothing is imported.
        confidence = {name: {"level": "high"} for name in values}
        if not is_speech(doc) and re.search(r"巡[视察]组", doc.text):
            confidence["kind"] = {"level": "medium", "reason": "kind"}
        return values, spans, confidence
    found = _fill(doc, values, spans)
    confidence = assess(doc, values, spans, kind_from_headline=by_headline,
                        mentions=found["mentions"], leader_candidates=found["leaders"])
    return values, spans, confidence


def headline(text: str) -> str:
    """The article's headline as written (site menus, breadcrumbs and datelines skipped),
    else its first sentence; at most 200 characters."""
    piece, base = window(text or "")
    doc = prepare(piece, base)
    if doc.title_end <= doc.title_start:
        return ""
    return re.sub(r"\s+", " ", doc.value(doc.title_start, doc.title_end)).strip()[:200]


def _add(spans: Spans, doc: Document, name: str, span: tuple[int, int] | None) -> None:
    if span is not None and span[1] > span[0]:
        spans.setdefault(name, []).append(doc.span(*span))


def _fill(doc: Document, values: dict[str, Any], spans: Spans) -> dict[str, Any]:
    tables = find_tables(doc.text, doc.lines, doc.body_start, doc.body_end)
    text = doc.text

    teams = find_teams(doc, tables)
    values["inspecting_body"] = teams.name
    values["level"] = teams.level
    for mention in teams.chosen:
        _add(spans, doc, "inspecting_body", (mention.start, mention.end))
    if teams.level and not teams.chosen:
        pass

    topic = special_topic(doc)
    if topic:
        values["special_topic"] = topic[0]
        _add(spans, doc, "special_topic", topic[1])

    for value, span in find_targets(doc, tables):
        values["targets"].append(value)
        _add(spans, doc, "targets", span)

    leaders, deputies = find_people(doc, tables)
    leader_names = list(dict.fromkeys(doc.value(*s) for s in leaders))
    if len(leader_names) == 1:
        values["leader"] = leader_names[0]
    for span in leaders:
        _add(spans, doc, "leader", span)
    values["deputy_leaders"] = list(dict.fromkeys(doc.value(*s) for s in deputies))
    for span in deputies:
        _add(spans, doc, "deputy_leaders", span)

    resolver = YearResolver(text, doc.body_start, doc.body_end, doc.title)
    team_spans = [(m.start, m.end, "|".join(m.key)) for m in teams.chosen]
    schedule = find_schedule(doc, values["kind"], resolver, team_spans,
                             several_teams=len(teams.keys) > 1)
    for name, found in (("meeting_date", schedule.meeting), ("period_start", schedule.start),
                        ("period_end", schedule.end),
                        ("petition_deadline", schedule.deadline)):
        if found:
            values[name] = found[0]
            _add(spans, doc, name, found[1])

    contacts = find_contacts(doc, tables)
    for phone in contacts.phones:
        if phone.calls:
            values["phones"].append({"number": phone.number, "hours": phone.hours})
            _add(spans, doc, "phones", (phone.start, phone.end))
            _add(spans, doc, "phones", phone.hours_span)
        if phone.sms:
            values["sms"].append(phone.number)
            _add(spans, doc, "sms", (phone.start, phone.end))
    for name, items in (("postal_boxes", contacts.postal), ("emails", contacts.emails),
                        ("online_channels", contacts.online),
                        ("suggestion_boxes", contacts.boxes)):
        for value, span in items:
            values[name].append(value)
            _add(spans, doc, name, span)

    scope = scope_in(doc)
    if scope:
        values["scope_in"] = scope[0]
        _add(spans, doc, "scope_in", scope[1])
    transfer = scope_out_transferred(doc)
    if transfer:
        values["scope_out_transferred"] = True
        _add(spans, doc, "scope_out_transferred", transfer)
    return {"mentions": team_mentions(doc), "leaders": len(leader_names)}
