from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.inspections.models import Inspection, Team
from xuncha.organizations.models import Unit
from xuncha.web.forms import DateField, DateInput

from .services import LIST_FIELDS

#: How sure the extraction is, and why a field is flagged for the reviewer.
LEVELS = {"high": _("Sure"), "medium": _("Check"), "low": _("Doubtful")}
DOUBTS = {
    "several": _("the text names several teams or leaders"),
    "inferred_year": _("the date is written without its year; the year was inferred"),
    "count": _("the text counts a different number of targets than were found by name"),
    "city_level": _("a 市委 team: check whether the city is county-level (县级市)"),
    "kind": _("no headline says what the text is; judged from its body"),
    "missing": _("nothing was found, but the text seems to mention it"),
    "cut": _("the text stops mid-sentence; part of this may be lost"),
    "other": _("check this value against the text"),
}


class PasteForm(forms.Form):
    text = forms.CharField(label=_("Text of the announcement"),
                           widget=forms.Textarea(attrs={"rows": 16}),
                           help_text=_("Paste the whole page: menus and footers are ignored; "
                                       "traditional script and converter pinyin are fine."))


class ReviewForm(forms.Form):
    title = forms.CharField(label=_("Title of the record"), max_length=200, required=False,
                            help_text=_("Taken from the article's headline; correct it if "
                                        "it is not the headline."))
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

    def __init__(self, *args, confidence: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.doubts: list[tuple[str, str, str]] = []  # (field, label, why) of flagged fields
        for name, verdict in (confidence or {}).items():
            field = self.fields.get("phones" if name == "phone_hours" else name)
            if field is None or verdict.get("level", "high") == "high":
                continue
            why = str(DOUBTS.get(verdict.get("reason", ""), DOUBTS["other"]))
            level = str(LEVELS[verdict["level"]])
            field.help_text = f"{level}：{why}"
            field.widget.attrs["data-confidence"] = verdict["level"]
            self.doubts.append((name, str(field.label), f"{level}：{why}"))

    @staticmethod
    def initial_from(values: dict, title: str = "") -> dict:
        initial = dict(values)
        initial["title"] = title
        for name in LIST_FIELDS:
            initial[name] = "\n".join(values.get(name) or [])
        initial["phones"] = "\n".join(
            f"{p['number']} | {p['hours']}" if p.get("hours") else p["number"]
            for p in values.get("phones") or [])
        return initial

    def values(self) -> dict:
        """The reviewed values, and the title under ``title``."""
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


class TeamChoice(forms.ModelChoiceField):
    """A team named with its round and term, and its 组长: 十四届区委第2轮巡察·第一巡察组（组长：周敏）."""

    def label_from_instance(self, obj: Team) -> str:
        leaders = getattr(obj, "leaders", None) or []
        label = f"{obj.round.name}·{obj.name}"
        if leaders:
            label += _(" (leader: %(name)s)") % {"name": leaders[0].inspector.cadre.name}
        return label


class InspectionChoice(forms.ModelChoiceField):
    """An inspection named with its round and term, team, unit and start."""

    def label_from_instance(self, obj: Inspection) -> str:
        return _("%(round)s·%(team)s·%(unit)s (from %(start)s)") % {
            "round": obj.round.name, "team": obj.team.name, "unit": obj.unit.name,
            "start": f"{obj.period_start:%Y-%m-%d}"}


class ApplyForm(forms.Form):
    team = TeamChoice(label=_("Team"), queryset=Team.objects.none(), required=False)
    units = forms.ModelMultipleChoiceField(label=_("Target units"), queryset=Unit.objects.none(),
                                           required=False,
                                           widget=forms.SelectMultiple(attrs={"size": 6}))
    inspection = InspectionChoice(label=_("Or update this inspection"),
                                  queryset=Inspection.objects.none(), required=False)
    leader_confirmed = forms.BooleanField(
        label=_("Apply although the team's leader is not the one the text names"),
        required=False)

    def __init__(self, *args, teams, units, inspections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["units"].queryset = units
        self.fields["inspection"].queryset = inspections
