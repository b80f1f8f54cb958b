"""The forms of the findings pages; the services check the rules, the forms the input."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.roles import ReceiverBody
from xuncha.organizations.models import Cadre, Inspector, UnitKind
from xuncha.petitions.models import Petition
from xuncha.web.forms import DateField, DateInput, FilterForm
from xuncha.web.widgets import CADRE, INSPECTOR, PickerChoiceField, PickerMultipleChoiceField

from .feedback import FEEDBACK_RECIPIENTS
from .models import (
    Activity,
    ActivityKind,
    ClueHandling,
    FourForms,
    Problem,
    ProblemCategory,
    ReportKind,
    Responsibility,
)

#: The recipients of the feedback's copies (stored in Chinese, as the document names them).
RECIPIENT_LABELS = {"分管领导": _("Leader in charge"), "纪委监委": _("Discipline commission"),
                    "组织部": _("Organization department"),
                    "主管部门": _("Supervising department")}


def _choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Offer ``queryset`` in the model choice field ``name``."""
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    held_on = DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(label=_("Subject"), max_length=200)
    interviewee = PickerChoiceField(label=_("Interviewee"), queryset=Cadre.objects.none(),
                                    required=False, describe=CADRE)
    interviewee_name = forms.CharField(label=_("Interviewee (if not a recorded cadre)"),
                                       max_length=64, required=False)
    interviewers = PickerMultipleChoiceField(
        label=_("Interviewers"), queryset=Inspector.objects.none(), required=False,
        describe=INSPECTOR,
        widget=forms.CheckboxSelectMultiple, help_text=_("Two members hold each talk."))
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    record = forms.CharField(label=_("Record"), required=False,
                             widget=forms.Textarea(attrs={"rows": 6}))
    signed_record = forms.FileField(label=_("Signed record (scan)"), required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, required=False)
    questionnaires_sent = forms.IntegerField(label=_("Questionnaires handed out"), min_value=0,
                                             required=False)
    questionnaires_returned = forms.IntegerField(label=_("Questionnaires returned"), min_value=0,
                                                 required=False)
    satisfaction = forms.DecimalField(label=_("Satisfied or basically satisfied (%)"),
                                      min_value=0, max_value=100, decimal_places=2,
                                      required=False)

    def __init__(self, *args: Any, cadres: QuerySet[Cadre], inspectors: QuerySet[Inspector],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "interviewee", cadres)
        _choices(self, "interviewers", inspectors)


class ProblemForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=ProblemCategory.objects.none())
    manifestation = forms.CharField(label=_("Manifestation (表现)"),
                                    widget=forms.Textarea(attrs={"rows": 6}))
    basis = forms.CharField(label=_("Basis (定性依据)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    responsibility = forms.ChoiceField(label=_("Responsibility"),
                                       choices=[("", "—"), *Responsibility.choices],
                                       required=False)
    persons = PickerMultipleChoiceField(label=_("Responsible persons"),
                                        queryset=Cadre.objects.none(), required=False,
                                        describe=CADRE)
    persons_text = forms.CharField(label=_("Other responsible persons"), max_length=200,
                                   required=False)
    activities = forms.ModelMultipleChoiceField(label=_("Evidence: activities"),
                                                queryset=Activity.objects.none(), required=False,
                                                widget=forms.CheckboxSelectMultiple)
    found_on = DateField(label=_("Found on"), widget=DateInput())
    found_by = PickerChoiceField(label=_("Found by"), queryset=Inspector.objects.none(),
                                 describe=INSPECTOR, required=False)
    immediate = forms.BooleanField(label=_("Rectify at once (立行立改)"), required=False)

    def __init__(self, *args: Any, categories: QuerySet[ProblemCategory],
                 cadres: QuerySet[Cadre], activities: QuerySet[Activity],
                 inspectors: QuerySet[Inspector], petitions: QuerySet[Petition] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category", categories)
        _choices(self, "persons", cadres)
        _choices(self, "activities", activities)
        _choices(self, "found_by", inspectors)
        if petitions is not None:
            self.fields["petitions"] = forms.ModelMultipleChoiceField(
                label=_("Evidence: petitions"), queryset=petitions, required=False,
                widget=forms.CheckboxSelectMultiple)

    @staticmethod
    def initial_for(problem: Problem) -> dict[str, Any]:
        data = {f: getattr(problem, f) for f in (
            "title", "manifestation", "basis", "responsibility", "persons_text", "found_on",
            "immediate", "version")}
        data |= {"category": problem.category_id, "found_by": problem.found_by_id,
                 "persons": list(problem.persons.values_list("pk", flat=True)),
                 "activities": list(problem.activities.values_list("pk", flat=True))}
        data["petitions"] = list(problem.petitions.values_list("pk", flat=True))
        return data


class MeetingForm(forms.Form):
    meeting_on = DateField(label=_("Team meeting on"), widget=DateInput())
    opinion = forms.CharField(label=_("Team meeting opinion"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class FixedForm(forms.Form):
    on = DateField(label=_("Fixed on"), widget=DateInput())
    note = forms.CharField(label=_("How it was fixed"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class ClueForm(forms.Form):
    subject = PickerChoiceField(label=_("Cadre concerned"), queryset=Cadre.objects.none(),
                                required=False, describe=CADRE)
    subject_name = forms.CharField(label=_("Person concerned (if not a recorded cadre)"),
                                   max_length=64, required=False)
    problem = forms.ModelChoiceField(label=_("Related problem"), queryset=Problem.objects.none(),
                                     required=False)
    content = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, cadres: QuerySet[Cadre], problems: QuerySet[Problem],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "subject", cadres)
        _choices(self, "problem", problems)


class ClueTransferForm(forms.Form):
    body = forms.ChoiceField(label=_("Transfer to"), choices=ReceiverBody.choices)
    on = DateField(label=_("Transferred on"), widget=DateInput())


class ClueHandleForm(forms.Form):
    handling = forms.ChoiceField(label=_("Handling"), choices=ClueHandling.choices)


class ClueReportForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome (four forms)"), choices=FourForms.choices)
    note = forms.CharField(label=_("Outcome"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    on = DateField(label=_("Date"), widget=DateInput())
    close = forms.BooleanField(label=_("Close the clue"), required=False)


class ReportEditForm(forms.Form):
    summary = forms.CharField(label=_("Overview"), required=False,
                              widget=forms.Textarea(attrs={"rows": 6}))
    problems = forms.ModelMultipleChoiceField(label=_("Problems"),
                                              queryset=Problem.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    none_found = forms.BooleanField(label=_("No problems found"), required=False)
    conclusion = forms.CharField(label=_("Suggestions"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, problems: QuerySet[Problem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "problems", problems)


class ReportStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices, required=False)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class FeedbackForm(forms.Form):
    principal_meeting_on = DateField(label=_("One-to-one with the principal leader on"),
                                           widget=DateInput())
    team_meeting_on = DateField(label=_("Feedback to the leadership team on"),
                                      widget=DateInput())
    feedback_on = DateField(label=_("Feedback date (starts the rectification clocks)"),
                                  widget=DateInput())
    opinion = forms.CharField(label=_("Feedback opinion"), widget=forms.Textarea(attrs={"rows": 8}))
    recipients = forms.MultipleChoiceField(
        label=_("Copies to (四抄告)"), choices=[(r, RECIPIENT_LABELS.get(r, r))
                                                 for r in FEEDBACK_RECIPIENTS],
        required=False, widget=forms.CheckboxSelectMultiple,
        initial=list(FEEDBACK_RECIPIENTS))


class LibraryFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=ProblemCategory.objects.none(),
                                      required=False, empty_label=_("All categories"))
    kind = forms.ChoiceField(label=_("Unit kind"), choices=[("", _("All kinds")),
                                                            *UnitKind.choices], required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)

    def __init__(self, *args: Any, categories: QuerySet[ProblemCategory],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "category", categories)
