from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

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
