from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xuncha.inspections.models import Inspection
from xuncha.organizations.models import Unit
from xuncha.web.forms import DateField, DateInput, DateTimeInput, FilterForm
from xuncha.web.widgets import UNIT, PickerChoiceField

from .files import ACCEPT
from .identity import Reporter
from .models import Channel, Discipline, Route, Status, TransferCategory


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class SubjectForm(forms.Form):
    """One 被反映人: the person and their unit."""

    name = forms.CharField(label=_("Person reported (被反映人)"), max_length=64, required=False)
    position = forms.CharField(label=_("Their position"), max_length=100, required=False)
    unit_name = forms.CharField(label=_("Their unit"), max_length=100, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("Their unit (from the list)"), queryset=units, required=False)
            self.order_fields(["name", "position", "unit", "unit_name"])

    def clean(self):
        data = super().clean()
        if not data.get("name") and (data.get("position") or data.get("unit")
                                     or data.get("unit_name")):
            self.add_error("name", _("Give the name of the person (or leave the row empty)."))
        return data

    def subject(self) -> dict | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("name"):
            return None
        return {"name": data["name"], "position": data.get("position", ""),
                "unit": data.get("unit"), "unit_name": data.get("unit_name", "")}


class BaseSubjectFormSet(forms.BaseFormSet):
    def __init__(self, *args, units=None, **kwargs):
        self.units = units
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return super().get_form_kwargs(index) | {"units": self.units}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"),
                         empty_permitted=True, use_required_attribute=False,
                         units=self.units, renderer=self.renderer)
        self.add_fields(form, None)
        return form

    def subjects(self) -> list[dict]:
        return [s for s in (f.subject() for f in self.forms) if s]


SubjectFormSet = forms.formset_factory(SubjectForm, formset=BaseSubjectFormSet, extra=3,
                                       max_num=10, absolute_max=10)
PublicSubjectFormSet = forms.formset_factory(SubjectForm, formset=BaseSubjectFormSet,
                                             extra=2, max_num=10, absolute_max=10)


def subject_formset(data: Mapping[str, Any] | None = None, *,
                    units: QuerySet[Unit] | None = None, public: bool = False
                    ) -> BaseSubjectFormSet:
    cls = cast(type[BaseSubjectFormSet], PublicSubjectFormSet if public else SubjectFormSet)
    return cls(data, prefix="subjects", units=units)


class IdentityFields(forms.Form):
    reporter_name = forms.CharField(label=_("Your name"), max_length=64, required=False)
    reporter_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    reporter_id_number = forms.CharField(label=_("ID number"), max_length=32, required=False)
    reporter_address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def reporter(self) -> Reporter:
        data = self.cleaned_data
        return Reporter(name=data.get("reporter_name", ""), phone=data.get("reporter_phone", ""),
                        id_number=data.get("reporter_id_number", ""),
                        address=data.get("reporter_address", ""))


def attachments_field(label) -> "MultipleFileField":
    return MultipleFileField(label=label, required=False, help_text=_(
        "Images (JPEG, PNG), PDF, Word, Excel or text; up to 5 files of 10 MB. Photos lose "
        "their location and camera data, documents their author."),
        widget=MultipleFileInput(attrs={"accept": ACCEPT}))


class IntakeForm(IdentityFields):
    channel = forms.ChoiceField(label=_("Channel"), choices=[
        c for c in Channel.choices if c[0] != Channel.ONLINE])
    box_location = forms.CharField(label=_("Suggestion box location"), max_length=200,
                                   required=False, help_text=_("For the suggestion box only."))
    received_at = forms.DateTimeField(label=_("Received"), widget=DateTimeInput())
    inspection = forms.ModelChoiceField(
        label=_("Inspection"), queryset=Inspection.objects.none(), required=False,
        help_text=_("Empty: routed by the unit reported about (the office only)."))
    unit = PickerChoiceField(label=_("Unit reported about"), queryset=Unit.objects.none(),
                             describe=UNIT, required=False)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = attachments_field(_("Attachments (scans, photos)"))
    field_order = ["channel", "box_location", "received_at", "inspection", "unit", "content",
                   "reporter_name", "reporter_phone", "reporter_id_number", "reporter_address",
                   "attachments"]

    def __init__(self, *args, inspections, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections
        self.fields["unit"].queryset = units
        self.fields["reporter_name"].label = _("Reporter's name")
        self.fields["reporter_phone"].label = _("Reporter's phone")
        self.fields["reporter_id_number"].label = _("Reporter's ID number")
        self.fields["reporter_address"].label = _("Reporter's address")
        self.fields["reporter_name"].help_text = _(
            "Leave the identity empty for an anonymous petition. It is stored encrypted and "
            "shown masked.")


class PublicReportForm(IdentityFields):
    content = forms.CharField(label=_("What happened"), required=False,
                              widget=forms.Textarea(attrs={"rows": 10}),
                              help_text=_("Who, what, when, where; the more precise, the better "
                                          "the team can check it."))
    anonymous = forms.BooleanField(
        label=_("Report anonymously"), required=False, initial=True,
        help_text=_("Untick to give your name and contact; they are stored encrypted and only "
                    "revealed with a second person's approval."))
    attachments = attachments_field(_("Attachments"))
    pow_challenge = forms.CharField(required=False, widget=forms.HiddenInput)
    pow_nonce = forms.CharField(required=False, widget=forms.HiddenInput)
    field_order = ["content", "anonymous", "reporter_name", "reporter_phone",
                   "reporter_id_number", "reporter_address", "attachments"]

    def identity_fields(self):
        return [self[name] for name in ("reporter_name", "reporter_phone", "reporter_id_number",
                                        "reporter_address")]


class ReceiptForm(forms.Form):
    # Not required and not length-checked: whatever is typed gets the one answer for a
    # receipt that matches nothing (see the views).
    receipt = forms.CharField(label=_("Receipt number (16 digits)"), required=False,
                              max_length=200,
                              widget=forms.TextInput(attrs={"autocomplete": "off",
                                                            "inputmode": "numeric",
                                                            "spellcheck": "false"}))


class AddInfoForm(ReceiptForm):
    text = forms.CharField(label=_("Add information or answer the team's question"),
                           required=False, widget=forms.Textarea(attrs={"rows": 5}))
    attachments = attachments_field(_("Attachments"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receipt"].widget = forms.HiddenInput()


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AcceptForm(VersionForm):
    category = forms.ChoiceField(label=_("Discipline"), choices=Discipline.choices)
    note = forms.CharField(label=_("Note"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(VersionForm):
    transfer_category = forms.ChoiceField(label=_("Why it is transferred"),
                                          choices=TransferCategory.choices)
    department = forms.CharField(label=_("Department it goes to"), max_length=100)
    note = forms.CharField(label=_("Note"), max_length=4000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class FileForm(VersionForm):
    note = forms.CharField(label=_("Why it is filed (存查)"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DuplicateForm(VersionForm):
    original = forms.IntegerField(label=_("Number of the original petition"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=4000, required=False)


class InspectionChoiceField(forms.ModelChoiceField):
    """An inspection named by its round, team and target, with its intake window."""

    def label_from_instance(self, obj: Any) -> str:
        return str(_("%(round)s · %(team)s · %(unit)s (intake %(start)s – %(deadline)s)") % {
            "round": obj.round.name, "team": obj.team.name, "unit": obj.unit.name,
            "start": obj.stationed_on.isoformat(), "deadline": obj.petition_deadline.isoformat()})


class AssignForm(VersionForm):
    """The office assigns (or reassigns) a petition to an inspection of its committee."""

    inspection = InspectionChoiceField(label=_("Inspection it belongs to"),
                                       queryset=Inspection.objects.none())
    reason = forms.CharField(label=_("Why it goes there"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, inspections: QuerySet[Inspection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["inspection"]).queryset = inspections


class TextForm(forms.Form):
    text = forms.CharField(label=_("Question to the reporter"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why the identity is needed"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("The department's answer"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    answered_on = DateField(label=_("Answered on"), widget=DateInput())


class PetitionFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    inspection = forms.ModelChoiceField(label=_("Inspection"), queryset=Inspection.objects.none(),
                                        required=False, empty_label=_("All"))
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", _("All")), *Channel.choices],
                                required=False)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[
        ("", _("All")), *Discipline.choices, *TransferCategory.choices])
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *Status.choices],
                               required=False)
    route = forms.ChoiceField(label=_("Queue"), choices=[("", _("All")), *Route.choices],
                              required=False)
    subject = forms.CharField(label=_("Person reported"), required=False, max_length=64)
    date_from = DateField(label=_("From"), required=False, widget=DateInput())
    date_to = DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, inspections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = inspections

    def criteria(self) -> dict:
        criteria = self.cleaned()
        if "inspection" in criteria:
            criteria["inspection"] = criteria["inspection"].pk
        return criteria


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
