from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.inspections.models import Team
from xuncha.organizations.models import Inspector
from xuncha.petitions.forms import IdentityFields
from xuncha.web.forms import DateInput

from .models import MeetingKind, ReportSource, SanctionKind, grade_text


class SignForm(forms.Form):
    text_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    agree = forms.BooleanField(label=_("I have read the pledge and undertake to keep it."))


class PledgeTextForm(forms.Form):
    text = forms.CharField(label=_("Pledge text"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 14}))


class SupervisionForm(forms.Form):
    supervision_phone = forms.CharField(label=_("Supervision phone"), max_length=64,
                                        required=False)
    supervision_note = forms.CharField(label=_("Supervision note"), max_length=200,
                                       required=False,
                                       help_text=_("For example: hours, or the receiving body."))


class PublicConductForm(IdentityFields):
    content = forms.CharField(label=_("What did the team or its member do?"), required=False,
                              widget=forms.Textarea(attrs={"rows": 8}),
                              help_text=_("Who, what, when, where. The team reported on never "
                                          "sees this report."))
    anonymous = forms.BooleanField(
        label=_("Report anonymously"), required=False, initial=True,
        help_text=_("Untick to give your name and contact; they are stored encrypted."))
    pow_challenge = forms.CharField(required=False, widget=forms.HiddenInput)
    pow_nonce = forms.CharField(required=False, widget=forms.HiddenInput)
    field_order = ["content", "anonymous", "reporter_name", "reporter_phone",
                   "reporter_id_number", "reporter_address"]


class RecordReportForm(IdentityFields):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    inspector = forms.ModelChoiceField(label=_("Inspector reported on"),
                                       queryset=Inspector.objects.none(), required=False)
    source = forms.ChoiceField(label=_("Received by"), choices=[
        c for c in ReportSource.choices if c[0] != ReportSource.PUBLIC])
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
    field_order = ["team", "inspector", "source", "content", "reporter_name",
                   "reporter_phone", "reporter_id_number", "reporter_address"]

    def __init__(self, *args, teams, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams
        cast(forms.ModelChoiceField, self.fields["inspector"]).queryset = inspectors


class TransferForm(forms.Form):
    note = forms.CharField(label=_("Why it is transferred"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    inspector = forms.ModelChoiceField(label=_("Inspector concerned"),
                                       queryset=Inspector.objects.none(), required=False)

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["inspector"]).queryset = inspectors


class ConcludeForm(forms.Form):
    substantiated = forms.TypedChoiceField(
        label=_("Finding"), coerce=lambda v: v == "yes",
        choices=[("no", _("Not substantiated")), ("yes", _("Substantiated"))])
    conclusion = forms.CharField(label=_("Conclusion"), max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    inspector = forms.ModelChoiceField(label=_("Inspector concerned"),
                                       queryset=Inspector.objects.none(), required=False)

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["inspector"]).queryset = inspectors


class AccountabilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SanctionKind.choices)
    text = forms.CharField(label=_("Decision"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())


class SelfCheckForm(forms.Form):
    summary = forms.CharField(label=_("Summary of the self-check"), max_length=10000,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("How the unit checked itself, against what."))


class SelfFoundForm(forms.Form):
    text = forms.CharField(label=_("Problem found"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    fix = forms.CharField(label=_("Already fixed (how)"), max_length=4000, required=False,
                          widget=forms.Textarea(attrs={"rows": 2}),
                          help_text=_("Leave empty if it is still to be fixed."))


SelfFoundFormSet = forms.formset_factory(SelfFoundForm, extra=6, max_num=100,
                                         validate_max=True)


class SelfFixedForm(forms.Form):
    on = forms.DateField(label=_("Fixed on"), widget=DateInput())
    note = forms.CharField(label=_("How it was fixed"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AppraisalForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=())
    text = forms.CharField(label=_("Appraisal"), max_length=6000,
                           widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("The member's work, conduct and discipline on the team."))

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["grade"]).choices = [(g, grade_text(g)) for g in grades]


class SecretaryForm(forms.Form):
    secretary = forms.ModelChoiceField(label=_("Secretary"), queryset=Inspector.objects.none())

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["secretary"]).queryset = inspectors


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    topic = forms.CharField(label=_("Topic"), max_length=200)
    attendees = forms.ModelMultipleChoiceField(label=_("Attendance"),
                                               queryset=Inspector.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label=_("Minutes"), max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["attendees"]).queryset = inspectors
