from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuncha.web.forms import DateField, DateInput, FilterForm

from .models import (
    Cadre,
    Committee,
    Expertise,
    Gender,
    Inspector,
    Level,
    Rank,
    TieKind,
    Unit,
    UnitKind,
)


def _offer(form: forms.Form, name: str, queryset: QuerySet) -> None:
    """Offer ``queryset`` (scoped to the person filling in the form) in a choice field."""
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


ARCHIVED_CHOICES = [("", _("Current")), ("yes", _("Archived")), ("all", _("All"))]


class CommitteeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Full name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=50, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    parent = forms.ModelChoiceField(label=_("Upper committee"), queryset=Committee.objects.none(),
                                    required=False)
    region = forms.CharField(label=_("Region"), max_length=50, required=False)
    require_2fa = forms.BooleanField(label=_("Require two-factor sign-in for office and team"),
                                     required=False)
    conflict_years = forms.IntegerField(label=_("Avoidance period (years)"), min_value=0,
                                        max_value=30, initial=5)
    same_locality_rule = forms.BooleanField(label=_("Avoid members from the same locality"),
                                            required=False)

    def __init__(self, *args, parents, instance: Committee | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in (
                "code", "name", "short_name", "level", "region", "require_2fa",
                "conflict_years", "same_locality_rule")} | {"parent": instance.parent_id}
        super().__init__(*args, **kwargs)
        _offer(self, "parent", parents)


class TermForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, help_text=_("For example 第十四届"))
    starts_on = DateField(label=_("Starts on"), widget=DateInput())
    ends_on = DateField(label=_("Ends on"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("A term must end after it starts."))
        return data


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    committee = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Committee.objects.none())
    parent = forms.ModelChoiceField(label=_("Parent unit"), queryset=Unit.objects.none(),
                                    required=False)
    locality = forms.CharField(label=_("Locality"), max_length=50, required=False)

    def __init__(self, *args, committees, units, instance: Unit | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {"code": instance.code, "name": instance.name,
                                 "kind": instance.kind, "committee": instance.committee_id,
                                 "parent": instance.parent_id, "locality": instance.locality}
        super().__init__(*args, **kwargs)
        _offer(self, "committee", committees)
        _offer(self, "parent", units)


class UnitFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *UnitKind.choices],
                             required=False)
    committee = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Committee.objects.none(),
                                       required=False, empty_label=_("All committees"))
    archived = forms.ChoiceField(label=_("Status"), choices=ARCHIVED_CHOICES, required=False)

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self, "committee", committees)


class CadreForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=32)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices],
                               required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    position = forms.CharField(label=_("Position"), max_length=100)
    rank = forms.ChoiceField(label=_("Rank"), choices=Rank.choices)
    is_principal = forms.BooleanField(label=_("Principal leader"), required=False)
    managing_committee = forms.ModelChoiceField(label=_("Managing committee"),
                                                queryset=Committee.objects.none())
    native_place = forms.CharField(label=_("Native place"), max_length=50, required=False)

    def __init__(self, *args, units, committees, instance: Cadre | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in (
                "name", "gender", "position", "rank", "is_principal", "native_place")} | {
                "unit": instance.unit_id, "managing_committee": instance.managing_committee_id}
        super().__init__(*args, **kwargs)
        _offer(self, "unit", units)
        _offer(self, "managing_committee", committees)


class CadreFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    rank = forms.ChoiceField(label=_("Rank"), choices=[("", _("All ranks")), *Rank.choices],
                             required=False)
    principal = forms.ChoiceField(label=_("Principal leader"),
                                  choices=[("", _("All")), ("yes", _("Principal leaders only"))],
                                  required=False)
    archived = forms.ChoiceField(label=_("Status"), choices=ARCHIVED_CHOICES, required=False)


class InspectorForm(forms.Form):
    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=Cadre.objects.none())
    expertise = forms.MultipleChoiceField(label=_("Expertise"), choices=Expertise.choices,
                                          required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, cadres, instance: Inspector | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {"cadre": instance.cadre_id, "expertise": instance.expertise,
                                 "note": instance.note}
        super().__init__(*args, **kwargs)
        _offer(self, "cadre", cadres)
        if instance is not None:
            self.fields["cadre"].disabled = True


class InspectorFilter(FilterForm):
    q = forms.CharField(label=_("Search"), required=False)
    expertise = forms.ChoiceField(label=_("Expertise"),
                                  choices=[("", _("All")), *Expertise.choices], required=False)
    archived = forms.ChoiceField(label=_("Status"), choices=ARCHIVED_CHOICES, required=False)


class TieForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TieKind.choices)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    relation = forms.CharField(label=_("Relation"), max_length=30, required=False)
    starts_on = DateField(label=_("From"), required=False, widget=DateInput())
    ends_on = DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        _offer(self, "unit", units)


class ArchiveForm(forms.Form):
    """The archive/restore button of a detail page: ``archived`` is 1 (archive, also when
    left out) or 0 (restore)."""

    archived = forms.ChoiceField(choices=[("1", _("Archive")), ("0", _("Restore"))],
                                 required=False)

    def archive(self) -> bool:
        """Archive (True) or restore (False); call after ``is_valid()``."""
        return self.cleaned_data["archived"] != "0"


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
