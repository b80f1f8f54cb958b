from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from xuncha.lib import glossary

register = template.Library()


@register.filter
def get_item(mapping: object, key: object) -> object:
    """``mapping[key]``, or None when there is no such key or ``mapping`` is no mapping."""
    getter = getattr(mapping, "get", None)
    return getter(key) if callable(getter) else None


@register.simple_tag
def light(level: str | None, label: str = "") -> SafeString:
    """A traffic light: green / yellow / red / grey, with its text for screen readers."""
    level = level if level in {"green", "yellow", "red", "grey", "done"} else "grey"
    return format_html('<span class="light light-{}">{}</span>', level, label or "")


@register.filter
def percent(value: Any, digits: int = 2) -> str:  # whatever the template holds
    try:
        return f"{float(value):.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def display_name(value: str | None, kind: str) -> str:
    """``{{ value|display_name:"review_side" }}``: the glossary's name of a stored code."""
    return glossary.display(kind, value)


@register.filter
def action_label(action: str) -> str:
    """``{{ event.action|action_label }}``: what an audit action did, in words."""
    return glossary.action_label(action)


@register.filter
def grade_label(code: str, grades: Any) -> str:
    """``{{ group.quota_grade|grade_label:grades }}``: 好, not ``good``."""
    return glossary.grade_label(grades, code)


#: The app's icons, inline SVG paths (24×24) drawn in the text colour: no emoji (a box
#: where no emoji font is installed) and no outside asset.
ICONS = {
    "bell": "M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.07-1.64-5.64-4.5-6.32V4a1.5 1.5 "
            "0 0 0-3 0v.68C7.63 5.36 6 7.92 6 11v5l-2 2v1h16v-1l-2-2z",
    "paperclip": "M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 "
                 "2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z",
}


@register.simple_tag
def icon(name: str, size: int = 18) -> SafeString:
    """``{% icon "bell" %}``: an inline SVG icon, hidden from screen readers (the link or
    button around it carries the words)."""
    return format_html('<svg class="icon" aria-hidden="true" focusable="false" width="{}" '
                       'height="{}" viewBox="0 0 24 24" fill="currentColor"><path d="{}"/></svg>',
                       size, size, ICONS[name])
