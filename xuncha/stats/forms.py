"""The dashboard's filters (period, term, round, unit kind) and the measure list's."""

import datetime
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.inspections.models import Round
from xuncha.organizations.models import Committee, Term, UnitKind
from xuncha.rectification.models import MeasureStatus
from xuncha.web.forms import DateField, DateInput, FilterForm

from .figures import Filters
from .selectors import filter_rounds, filter_terms


class StatsFilter(FilterForm):
    committee = forms.IntegerField(widget=forms.HiddenInput, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    date_from = DateField(label=_("From"), required=False, widget=DateInput())
    date_to = DateField(label=_("To"), required=False, widget=DateInput())
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False,
                                  empty_label=_("All"))
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none(),
                                   required=False, empty_label=_("All"))
    kind = forms.ChoiceField(label=_("Unit kind"), required=False,
                             choices=[("", _("All kinds")), *UnitKind.choices])

    def __init__(self, *args: Any, committee: Committee, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["term"]).queryset = filter_terms(
            committee=committee)
        cast(forms.ModelChoiceField, self.fields["round"]).queryset = filter_rounds(
            committee=committee)

    def filters(self) -> Filters:
        c = self.cleaned()
        date_from, date_to = c.get("date_from"), c.get("date_to")
        if c.get("year") and not (date_from or date_to):
            date_from = datetime.date(c["year"], 1, 1)
            date_to = datetime.date(c["year"], 12, 31)
        return Filters(date_from=date_from, date_to=date_to,
                       term=c["term"].pk if c.get("term") else None,
                       round=c["round"].pk if c.get("round") else None, kind=c.get("kind", ""))


class MeasureFilter(StatsFilter):
    subtree = forms.CharField(widget=forms.HiddenInput, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *MeasureStatus.choices])
    light = forms.ChoiceField(label=_("Deadline"), required=False, choices=[
        ("", _("All")), ("overdue", _("Overdue")), ("due_soon", _("Due within 20 days"))])
