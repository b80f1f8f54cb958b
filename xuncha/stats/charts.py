"""Charts as inline SVG: no script, no outside asset, readable in print (dark bars, the
value written beside each bar, a table beside every chart)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass
class Bar:
    label: str
    value: float
    url: str | None = None
    note: str = ""  # e.g. "98.7%" written instead of the bare value


def bar_chart(bars: list[Bar], *, title: str, width: int = 520, unit: str = "") -> SafeString:
    """Horizontal bars, one row per item; each bar links to the list behind it if given."""
    if not bars:
        return mark_safe("")  # noqa: S308 - empty string
    row, label_w, value_w = 26, 150, 70
    plot_w = max(80, width - label_w - value_w)
    top = max((b.value for b in bars), default=0) or 1
    height = row * len(bars) + 8
    parts = [format_html(
        '<svg class="chart" viewBox="0 0 {} {}" width="{}" height="{}" role="group" '
        'aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
        width, height, width, height, title, title)]
    for i, bar in enumerate(bars):
        y = 4 + i * row
        length = 0 if bar.value <= 0 else max(2.0, plot_w * bar.value / top)
        label = bar.label if len(bar.label) <= 12 else bar.label[:11] + "…"
        value = bar.note or f"{bar.value:g}{unit}"
        shape = format_html(
            '<text x="{}" y="{}" class="chart-label" text-anchor="end">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar"><title>{}: {}</title>'
            '</rect><text x="{}" y="{}" class="chart-value">{}</text>',
            label_w - 6, y + 15, label, label_w, y + 3, f"{length:.1f}", row - 8, bar.label,
            value, f"{label_w + length + 4:.1f}", y + 15, value)
        if bar.url:
            shape = format_html('<a href="{}">{}</a>', bar.url, shape)
        parts.append(shape)
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - parts are escaped above


