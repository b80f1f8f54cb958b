from django import forms
from django.utils.translation import gettext_lazy as _

from xuncha.findings.models import FourForms, Problem
from xuncha.organizations.models import UnitKind
from xuncha.web.forms import DateField, DateInput, FilterForm

from .models import FollowUpKind, Grade, Measure, MeasureStatus, Phase


class PlanForm(forms.Form):
    text = forms.CharField(label=_("Rectification plan"), widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Problem list, task list and responsibility list; the "
                                       "measures themselves go into the ledger below."))
    principal_name = forms.CharField(label=_("First responsible person (party secretary)"),
                                     max_length=64, required=False)
    principal_email = forms.EmailField(label=_("E-mail of the first responsible person"),
                                       required=False)
    file = forms.FileField(label=_("Attachment"), required=False)


class PlanReviewForm(forms.Form):
    complete = forms.BooleanField(label=_("Covers every problem fed back"), required=False)
    feasible = forms.BooleanField(label=_("Measures are specific and feasible"), required=False)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class MeasureForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    problem = forms.ModelChoiceField(label=_("Problem"), queryset=Problem.objects.none())
    goal = forms.CharField(label=_("Goal"), max_length=300, required=False)
    text = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 3}))
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices, initial=Phase.CONCENTRATED)
    responsible_leader = forms.CharField(label=_("Responsible leader"), max_length=64)
    leader_email = forms.EmailField(label=_("Responsible leader's e-mail"), required=False)
    responsible_department = forms.CharField(label=_("Responsible department"), max_length=100)
    handler = forms.CharField(label=_("Handler"), max_length=64, required=False)
    handler_email = forms.EmailField(label=_("Handler's e-mail"), required=False)
    deadline = DateField(label=_("Deadline"), widget=DateInput())
    deadline_reason = forms.CharField(label=_("Why the deadline is after the report is due"),
                                      max_length=300, required=False)
    intended_result = forms.CharField(label=_("Intended result"), max_length=300, required=False)

    def __init__(self, *args, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = problems

    @staticmethod
    def initial_for(measure: Measure) -> dict:
        return {f: getattr(measure, f) for f in (
            "goal", "text", "phase", "responsible_leader", "leader_email",
            "responsible_department", "handler", "handler_email", "deadline",
            "deadline_reason", "intended_result", "version")} | {"problem": measure.problem_id}


class ProgressForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("Progress"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Required in the browser; an empty note is refused by the service, whose message
    # says what the note is for (closing or returning).
    note = forms.CharField(label=_("Verification note"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "required": True}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class RectReportForm(forms.Form):
    text = forms.CharField(label=_("Rectification report"),
                           widget=forms.Textarea(attrs={"rows": 10}))
    principal_text = forms.CharField(
        label=_("The principal leader's report on organising the rectification"),
        widget=forms.Textarea(attrs={"rows": 6}))


class RectReviewForm(forms.Form):
    main_problems_solved = forms.TypedChoiceField(
        label=_("Were the main problems solved?"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
    transfers_handled = forms.TypedChoiceField(
        label=_("Were the transferred items handled?"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", "—"), *Grade.choices],
                              required=False)
    note = forms.CharField(label=_("Review"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class WordingForm(forms.Form):
    text = forms.CharField(label=_("Public wording"), max_length=300,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("How the notice names this problem in public. The "
                                       "internal title is never published."))


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FollowUpKind.choices)
    held_on = DateField(label=_("Date"), widget=DateInput())
    findings = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}))
    conclusion = forms.CharField(label=_("Conclusion"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    reopen = forms.ModelMultipleChoiceField(label=_("Reopen these closed measures"),
                                            queryset=Measure.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    reopen_note = forms.CharField(label=_("Why they are reopened"), required=False,
                                  max_length=2000)

    def __init__(self, *args, closed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reopen"].queryset = closed


class AccountabilityForm(forms.Form):
    person_name = forms.CharField(label=_("Person held accountable"), max_length=64)
    form = forms.ChoiceField(label=_("Four forms"),
                             choices=[c for c in FourForms.choices if c[0] != "none"])
    action_taken = forms.CharField(label=_("Measure taken"),
                                   widget=forms.Textarea(attrs={"rows": 2}))
    decided_on = DateField(label=_("Decided on"), widget=DateInput())
    measures = forms.ModelMultipleChoiceField(label=_("Related measures"),
                                              queryset=Measure.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = measures


class MeasureFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *MeasureStatus.choices],
                               required=False)
    light = forms.ChoiceField(label=_("Deadline"), required=False, choices=[
        ("", _("All")), ("overdue", _("Overdue")), ("due_soon", _("Due within 20 days"))])
    kind = forms.ChoiceField(label=_("Unit kind"), choices=[("", _("All kinds")),
                                                            *UnitKind.choices], required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Ledger (.xlsx or .csv)"))
