"""Searchable pickers for long lists of people and units.

A picker is a plain ``<select>`` whose options say enough to tell people apart — name,
position and unit (two cadres called 林永刚 are two different options) — so it works
without JavaScript. ``static/xuncha/js/picker.js`` (loaded by the base template, no inline
script: the CSP is ``script-src 'self'``) puts a search box above every
``select[data-picker]``: typing filters the options by any part of their label, and a
status line (read by screen readers) says how many match. Nothing comes from outside.

Use the fields: ``PickerChoiceField(queryset=..., describe=CADRE)`` and
``PickerMultipleChoiceField``; ``describe`` names the attributes (dotted paths) the label
is made of, and the field loads the related rows they need in the same query.
"""

from typing import Any

from django import forms
from django.db.models import Model
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext

#: What tells a cadre apart: 林永刚 · 副局长 · 东湖区教育局
CADRE = ("name", "position", "unit.name")
#: An inspector: the cadre behind the record
INSPECTOR = ("cadre.name", "cadre.position", "cadre.unit.name")
#: A unit: its name and code
UNIT = ("name", "code")


def describe(obj: Model, parts: tuple[str, ...]) -> str:
    """The non-empty values of ``parts`` (dotted attribute paths) joined by " · "."""
    values = []
    for path in parts:
        value: Any = obj
        for name in path.split("."):
            value = getattr(value, name, None)
            if value is None:
                break
        if value not in (None, ""):
            values.append(str(value))
    return " · ".join(values)


def _related(parts: tuple[str, ...]) -> list[str]:
    """The ``select_related`` paths that ``parts`` reach through."""
    return sorted({"__".join(p.split(".")[:-1]) for p in parts if "." in p})


class PickerSelect(forms.Select):
    """A ``<select>`` that picker.js gives a search box."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"data-picker": "", **(attrs or {})}, choices)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None
                    ) -> dict[str, Any]:
        # The search box's texts, in the language of the request that renders the form.
        attrs = {"data-picker-search": gettext("Type to search the list"),
                 "data-picker-count": gettext("%(n)s of %(total)s shown"), **(attrs or {})}
        return super().get_context(name, value, attrs)


class PickerSelectMultiple(PickerSelect, forms.SelectMultiple):
    """A multiple ``<select>`` with a search box (the options chosen stay shown)."""

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__({"size": 8, **(attrs or {})}, choices)


class _DescribedChoices(ModelChoiceIterator):
    """The field's choices, read with the related rows their labels show (one query)."""

    def __init__(self, field: forms.ModelChoiceField) -> None:
        super().__init__(field)
        related = _related(getattr(field, "describe", ()))
        if related and self.queryset is not None:
            self.queryset = self.queryset.select_related(*related)


class PickerChoiceField(forms.ModelChoiceField):
    widget = PickerSelect
    iterator = _DescribedChoices

    def __init__(self, *args: Any, describe: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.describe = describe
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Model) -> str:
        return describe(obj, self.describe) or str(obj)


class PickerMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = PickerSelectMultiple
    iterator = _DescribedChoices

    def __init__(self, *args: Any, describe: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.describe = describe
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Model) -> str:
        return describe(obj, self.describe) or str(obj)
