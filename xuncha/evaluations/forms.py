"""Forms of the office's pages and of the voting page."""

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.web.forms import DateField, DateInput, DateTimeInput

from .models import UnmarkedRule


class EvaluationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    meeting_date = DateField(label=_("Meeting date"), widget=DateInput())
    closes_at = forms.DateTimeField(label=_("Voting closes at"), widget=DateTimeInput())
    unmarked_rule = forms.ChoiceField(label=_("An object left unmarked"),
                                      choices=UnmarkedRule.choices)
    template = forms.BooleanField(label=_("Start from a usual meeting (述职评议): its groups, "
                                          "grades and ballot types"),
                                  required=False, initial=True)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group"), max_length=200)
    #: The grade whose count is limited, chosen by its label (好); its code stays internal.
    quota_grade = forms.ChoiceField(label=_("Limited grade"), choices=())
    quota_ratio = forms.DecimalField(label=_("At most this share of the group"), required=False,
                                     max_digits=4, decimal_places=3, min_value=0, max_value=1)
    quota_max = forms.IntegerField(label=_("And at most this many"), required=False, min_value=0)
    objects = forms.CharField(label=_("Objects (one per line)"),
                              widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, grades: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["quota_grade"]
        field.choices = [(g.code, g.label) for g in grades]  # type: ignore[attr-defined]
        field.initial = next((g.code for g in grades if g.code == "good"),
                             grades[0].code if grades else None)


def _score(value: str) -> Decimal:
    try:
        score = Decimal(value)
    except InvalidOperation:
        score = Decimal("NaN")
    if not score.is_finite():
        raise forms.ValidationError(_("Write a number."))
    return score


class GradesForm(forms.Form):
    grades = forms.CharField(label=_("Grades (label | score, one per line)"),
                             widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, codes: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: ``(code, label)`` of the grades saved so far, in order: the codes stay internal.
        self.codes = list(codes)

    def clean_grades(self) -> list[tuple[str, str, Decimal]]:
        """``label | score`` lines as (code, label, score); blank lines are skipped. A grade
        keeps the code of the saved grade with its label, else of the grade in its place,
        else gets a new one (``code | label | score`` lines, as older pages sent, are read
        too)."""
        lines = []
        for line in self.cleaned_data["grades"].splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) not in (2, 3):
                if line.strip():
                    raise forms.ValidationError(_("Write each grade as label | score."))
                continue
            lines.append(parts)
        by_label = {label: code for code, label in self.codes}
        named = {p[0] for p in lines if len(p) == 3} | {
            by_label[p[0]] for p in lines if len(p) == 2 and p[0] in by_label}
        grades: list[tuple[str, str, Decimal]] = []
        for i, parts in enumerate(lines):
            if len(parts) == 3:
                grades.append((parts[0], parts[1], _score(parts[2])))
                continue
            label, score = parts
            code = by_label.get(label)
            if code is None:
                taken = named | {g[0] for g in grades}
                if i < len(self.codes) and self.codes[i][0] not in taken:
                    code = self.codes[i][0]
                else:
                    code = next(f"g{n}" for n in range(1, len(lines) + len(taken) + 2)
                                if f"g{n}" not in taken)
            grades.append((code, label, _score(score)))
        return grades


class BallotTypeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=4)
    name = forms.CharField(label=_("Name"), max_length=100)
    voters = forms.CharField(label=_("Who receives it"), max_length=300)
    weight = forms.DecimalField(label=_("Weight"), max_digits=5, decimal_places=3, min_value=0,
                                max_value=1)


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=2000)


class SheetForm(forms.Form):
    """The sheet number of a paper ballot being entered (its marks are the ``obj-*`` boxes)."""

    number = forms.IntegerField(max_value=2_147_483_647, error_messages={
        "required": _("Give the sheet number."), "invalid": _("Give the sheet number."),
        "max_value": _("Give the sheet number.")})


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Voting code"), max_length=40,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
