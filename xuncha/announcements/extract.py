"""Announcement extraction: the public interface.

    extract(text) -> dict                      # the record, keys in FIELDS order
    extract_with_spans(text) -> (dict, spans)  # and where each value is in ``text``
    empty() -> dict                            # the record of a text that states nothing

The rules live in ``xuncha.announcements.extraction``; this module is what callers import.
"""

from .extraction import FIELDS, Spans, empty, extract, extract_with_spans

__all__ = ["FIELDS", "Spans", "empty", "extract", "extract_with_spans"]
