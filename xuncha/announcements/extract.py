"""Announcement extraction: the public interface.

    extract(text) -> dict                      # the record, keys in FIELDS order
    extract_with_spans(text) -> (dict, spans)  # and where each value is in ``text``
    extract_for_review(text) -> (dict, spans, confidence)  # and how sure of each field
    headline(text) -> str                      # the article's headline, menus skipped
    empty() -> dict                            # the record of a text that states nothing

The rules live in ``xuncha.announcements.extraction``; this module is what callers import.
"""

from .extraction import (
                         FIELDS,
                         Confidence,
                         Spans,
                         empty,
                         extract,
                         extract_for_review,
                         extract_with_spans,
                         headline,
)

__all__ = ["FIELDS", "Confidence", "Spans", "empty", "extract", "extract_for_review",
           "extract_with_spans", "headline"]
