from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def light(level: str | None, label: str = ""):
    """A traffic light: green / yellow / red / grey, with its text for screen readers."""
    level = level if level in {"green", "yellow", "red", "grey", "done"} else "grey"
    return format_html('<span class="light light-{}">{}</span>', level, label or "")


@register.filter
def percent(value, digits: int = 2):
    try:
        return f"{float(value):.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "—"
