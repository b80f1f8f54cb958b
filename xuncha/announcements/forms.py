from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.inspections.models import Inspection, Team
from xuncha.organizations.models import Unit
from xuncha.web.forms import DateField, DateInput

from .services import LIST_FIELDS


class PasteForm(forms.Form):
    text = forms.CharField(label=_("Text of the announcement"),
                           widget=forms.Textarea(attrs={"rows": 16}),
                           help_text=_("Paste the whole page: menus and footers are ignored; "
                                       "traditional script and converter pinyin are fine."))


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        ("mobilization", _("Mobilization or notice")), ("feedback", _("Feedback")),
        ("other", _("Other"))])
    inspecting_body = forms.CharField(label=_("Inspecting body"), required=False, max_length=200)
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[
        ("", "—"), ("central", _("Central")), ("provincial", _("Provincial")),
        ("municipal", _("Municipal")), ("county", _("County"))])
    special_topic = forms.CharField(label=_("Special topic"), required=False, max_length=200)
    targets = forms.CharField(label=_("Targets (one per line)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    leader = forms.CharField(label=_("Leader"), required=False, max_length=64)
    deputy_leaders = forms.CharField(label=_("Deputy leaders (one per line)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    meeting_date = DateField(label=_("Meeting date"), required=False, widget=DateInput())
    period_start = DateField(label=_("On-site from"), required=False, widget=DateInput())
    period_end = DateField(label=_("On-site until"), required=False, widget=DateInput())
    petition_deadline = DateField(label=_("Petition deadline"), required=False,
                                        widget=DateInput())
    phones = forms.CharField(label=_("Phones (number | hours, one per line)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    sms = forms.CharField(label=_("SMS numbers (one per line)"), required=False,
                          widget=forms.Textarea(attrs={"rows": 2}))
    postal_boxes = forms.CharField(label=_("Postal boxes (one per line)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    emails = forms.CharField(label=_("E-mail addresses (one per line)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    online_channels = forms.CharField(label=_("Online channels (one per line)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    suggestion_boxes = forms.CharField(label=_("Suggestion boxes (one per line)"),
                                       required=False, widget=forms.Textarea(attrs={"rows": 3}))
    scope_in = forms.CharField(label=_("Petition scope"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    scope_out_transferred = forms.BooleanField(
        label=_("Out-of-scope petitions are transferred to other departments"), required=False)

    @staticmethod
    def initial_from(values: dict) -> dict:
        initial = dict(values)
        for name in LIST_FIELDS:
            initial[name] = "\n".join(values.get(name) or [])
        initial["phones"] = "\n".join(
            f"{p['number']} | {p['hours']}" if p.get("hours") else p["number"]
            for p in values.get("phones") or [])
        return initial

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for name in LIST_FIELDS:
            data[name] = [line.strip() for line in (data.get(name) or "").splitlines()
                          if line.strip()]
        phones = []
        for line in (data.get("phones") or "").splitlines():
            number, _sep, hours = line.partition("|")
            if number.strip():
                phones.append({"number": number.strip(), "hours": hours.strip() or None})
        data["phones"] = phones
        for name in ("meeting_date", "period_start", "period_end", "petition_deadline"):
            data[name] = data[name].isoformat() if data.get(name) else None
        return data


class ApplyForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    units = forms.ModelMultipleChoiceField(label=_("Target units"), queryset=Unit.objects.none(),
                                           required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 6}))
    inspection = forms.ModelChoiceField(label=_("Or update this inspection"),
                                        queryset=Inspection.objects.none(), required=False)

    def __init__(self, *args, teams, units, inspections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["units"].queryset = units
        self.fields["inspection"].queryset = inspections
