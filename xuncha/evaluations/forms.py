"""Forms of the office's pages and of the voting page."""

from decimal import Decimal, InvalidOperation

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
    template = forms.BooleanField(label=_("Start from the seed 003 meeting (述职评议)"),
                                  required=False, initial=True)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group"), max_length=200)
    quota_grade = forms.CharField(label=_("Limited grade (code)"), max_length=16, initial="good")
    quota_ratio = forms.DecimalField(label=_("At most this share of the group"), required=False,
                                     max_digits=4, decimal_places=3, min_value=0, max_value=1)
    quota_max = forms.IntegerField(label=_("And at most this many"), required=False, min_value=0)
    objects = forms.CharField(label=_("Objects (one per line)"),
                              widget=forms.Textarea(attrs={"rows": 8}))


def _score(value: str) -> Decimal:
    try:
        score = Decimal(value)
    except InvalidOperation:
        score = Decimal("NaN")
    if not score.is_finite():
        raise forms.ValidationError(_("Write a number."))
    return score


class GradesForm(forms.Form):
    grades = forms.CharField(label=_("Grades (code | label | score, one per line)"),
                             widget=forms.Textarea(attrs={"rows": 5}))

    def clean_grades(self) -> list[tuple[str, str, Decimal]]:
        """``code | label | score`` lines as (code, label, score); blank lines are skipped."""
        grades = []
        for line in self.cleaned_data["grades"].splitlines():
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3:
                if line.strip():
                    raise forms.ValidationError(_("Write each grade as code | label | score."))
                continue
            grades.append((parts[0], parts[1], _score(parts[2])))
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
