"""Form helpers shared by every app's views."""

import datetime
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from xuncha.lib.errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


#: Dates a person can mean in this work. Beyond them the database or date arithmetic
#: (``date + 1 day``) fails: 9999-12-31 in a filter used to answer 500.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)


class DateField(forms.DateField):
    """A date between 1900 and 2999, or a clear message."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(_("Enter a date between %(a)s and %(b)s.")
                                        % {"a": EARLIEST.isoformat(), "b": LATEST.isoformat()},
                                        code="date_range")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class FastSelect(forms.Select):
    """A ``<select>`` whose options are written in Python.

    Django renders each option through a template (about 0.3 ms apiece); a list's filter
    form offers every inspection of the committee (about a hundred), which cost a quarter
    of the petition list's time on the bench data set. The markup is the same.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None,
               renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        parts = [format_html("<select{}>", flatatt(final))]

        def option(option_value: object, label: object) -> SafeString:
            text = "" if option_value is None else str(option_value)
            return format_html('<option value="{}"{}>{}</option>', text,
                               mark_safe(" selected") if text in chosen else "",  # noqa: S308
                               label)

        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(option(v, lab) for v, lab in label)
                parts.append(mark_safe("</optgroup>"))  # noqa: S308
            else:
                parts.append(option(option_value, label))
        parts.append(mark_safe("</select>"))  # noqa: S308
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


class FilterForm(forms.Form):
    """A GET form for list filters: every field optional, bad values simply ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = FastSelect(attrs=field.widget.attrs,
                                          choices=field.widget.choices)

    def cleaned(self) -> dict[str, Any]:
        if self.is_valid():
            return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items()
                if k not in self.errors and v not in (None, "")}
