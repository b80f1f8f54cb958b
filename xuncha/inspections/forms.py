from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.organizations.models import Inspector, Term, Unit, UnitKind
from xuncha.web.forms import DateField, DateInput, FilterForm
from xuncha.web.widgets import (
    INSPECTOR,
    UNIT,
    PickerChoiceField,
    PickerMultipleChoiceField,
    PickerSelectMultiple,
)

from .models import (
    ChannelKind,
    ClockPolicy,
    Duty,
    Inspection,
    InspectionStatus,
    Round,
    RoundKind,
    TeamPosition,
)


class RoundForm(forms.Form):
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none())
    number = forms.IntegerField(label=_("Round number"), min_value=1, max_value=99,
                                required=False, help_text=_("Empty: the next number."))
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices)
    topic = forms.CharField(label=_("Special topic"), max_length=100, required=False)
    planned_start = DateField(label=_("Planned start"), widget=DateInput())
    planned_end = DateField(label=_("Planned end"), widget=DateInput())
    note = forms.CharField(label=_("Plan"), required=False, widget=forms.Textarea(
        attrs={"rows": 5}), help_text=_("Targets chosen and why, focus of supervision."))

    def __init__(self, *args, terms, instance: Round | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in (
                "number", "kind", "topic", "planned_start", "planned_end", "note")} | {
                "term": instance.term_id}
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["term"]).queryset = terms
        if instance is None:
            current = terms.first()
            self.fields["term"].initial = current.pk if current else None

    def clean(self):
        data = super().clean()
        if data.get("planned_start") and data.get("planned_end") and (
                data["planned_end"] < data["planned_start"]):
            self.add_error("planned_end", _("The round cannot end before it starts."))
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class MemberForm(forms.Form):
    inspector = PickerChoiceField(label=_("Inspector"), queryset=Inspector.objects.none(),
                                  describe=INSPECTOR)
    position = forms.ChoiceField(label=_("Position"), choices=TeamPosition.choices,
                                 initial=TeamPosition.MEMBER)
    duties = forms.MultipleChoiceField(label=_("Duties"), choices=Duty.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    override_reason = forms.CharField(
        label=_("Reason for overriding an avoidance conflict"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the check reports a conflict; the override is audited."))

    def __init__(self, *args, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors


class MemberUpdateForm(forms.Form):
    position = forms.ChoiceField(label=_("Position"), choices=TeamPosition.choices)
    duties = forms.MultipleChoiceField(label=_("Duties"), choices=Duty.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)


class _DatesMixin(forms.Form):
    period_start = DateField(label=_("On-site from"), widget=DateInput())
    period_end = DateField(label=_("On-site until"), widget=DateInput())
    stationed_on = DateField(label=_("Stationing date (mobilization meeting)"),
                                   widget=DateInput())
    petition_deadline = DateField(label=_("Petition deadline"), widget=DateInput())
    notified_on = DateField(label=_("Target notified on"), widget=DateInput(),
                                  required=False)
    scope_text = forms.CharField(
        label=_("Petition scope"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        initial="主要受理反映被巡察党组织领导班子及其成员、下一级党组织领导班子主要负责人和重要岗位"
                "领导干部问题的来信来电来访，重点是关于违反政治纪律、组织纪律、廉洁纪律、群众纪律、"
                "工作纪律和生活纪律等方面的举报和反映。其他信访问题按照分级负责、属地管理原则，转交"
                "有关部门处理。")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        stationed, deadline = data.get("stationed_on"), data.get("petition_deadline")
        if start and end and end < start:
            self.add_error("period_end", _("The on-site period ends before it starts."))
        if stationed and deadline and deadline < stationed:
            self.add_error("petition_deadline",
                           _("The petition deadline is before the stationing date."))
        return data


class InspectionCreateForm(_DatesMixin):
    units = PickerMultipleChoiceField(
        label=_("Target units"), queryset=Unit.objects.none(), describe=UNIT,
        help_text=_("One team may hold several targets at once (一托N); each gets its own "
                    "record with these dates, which can be changed per target."),
        widget=PickerSelectMultiple(attrs={"size": 10}))
    revisit_of = forms.ModelChoiceField(label=_("Revisit of (回头看)"),
                                        queryset=Inspection.objects.none(), required=False)
    confirm_active = forms.BooleanField(
        label=_("Add them anyway"), required=False,
        help_text=_("Shown when a chosen unit is still under an inspection of another round."),
        widget=forms.HiddenInput)
    field_order = ["units", "revisit_of", "period_start", "period_end", "stationed_on",
                   "petition_deadline", "notified_on", "scope_text"]

    def __init__(self, *args, units, earlier, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        self.fields["revisit_of"].queryset = earlier


class InspectionForm(_DatesMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for changing the dates"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed once the team is stationed: the dates are public then, and the "
                    "change is recorded in the audit trail with its reason."))


class ChannelForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ChannelKind.choices)
    value = forms.CharField(label=_("Number, address or place"), max_length=200, required=False)
    hours = forms.CharField(label=_("Hours"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ChannelCopyForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Copy the channels of"),
                                    queryset=Inspection.objects.none())

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources


class MoveForm(forms.Form):
    """A move of the inspection; ``version`` is the one the page showed (optimistic lock)."""
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class InspectionFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"),
                               choices=[("", _("All")), *InspectionStatus.choices],
                               required=False)
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none(),
                                   required=False, empty_label=_("All rounds"))
    kind = forms.ChoiceField(label=_("Unit kind"), choices=[("", _("All kinds")),
                                                            *UnitKind.choices], required=False)

    def __init__(self, *args, rounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds


class OverrideForm(forms.Form):
    date = DateField(label=_("Date"), widget=DateInput())
    is_workday = forms.TypedChoiceField(label=_("This day is"), coerce=lambda v: v == "1",
                                        choices=[("0", _("a day off")), ("1", _("a working day"))])
    note = forms.CharField(label=_("Note"), max_length=100, required=False)


class ClockPolicyForm(forms.ModelForm):
    class Meta:
        model = ClockPolicy
        fields = ["notice_workdays", "plan_workdays", "report_months", "clue_report_months",
                  "clue_close_months", "clue_close_max_months", "transfer_answer_workdays",
                  "measure_green_days", "measure_yellow_days", "notice_rate_basis"]
