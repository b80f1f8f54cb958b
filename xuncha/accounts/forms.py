from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuncha.organizations.models import Committee, Inspector, Unit

from .access import POWERS
from .models import TokenScope, User
from .roles import ReceiverBody, Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username",
                                                             "autofocus": True}))
    password = forms.CharField(label=_("Password"), max_length=256, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=32,
        help_text=_("The six-digit code from your authenticator app, or a recovery code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete":
                                                                     "current-password"}))
    new_password = forms.CharField(label=_("New password"), strip=False,
                                   help_text=_("At least 10 characters, not only digits, not a "
                                               "common password."),
                                   widget=forms.PasswordInput(attrs={"autocomplete":
                                                                     "new-password"}))
    new_password2 = forms.CharField(label=_("New password again"), strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete":
                                                                      "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=64)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366,
                              initial=90)
    scope = forms.ChoiceField(label=_("Token access"), choices=TokenScope.choices,
                              initial=TokenScope.READ)


class PowerForm(forms.Form):
    """Grant or revoke one power of one account (the view fetches the account through
    ``access_power_account``)."""

    account = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    power = forms.ChoiceField(choices=[(p, p) for p in POWERS], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500)
    next = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class UserForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=64)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    unit = forms.ModelChoiceField(label=_("Unit (liaison)"), queryset=Unit.objects.none(),
                                  required=False)
    inspector = forms.ModelChoiceField(label=_("Inspector record (team)"),
                                       queryset=Inspector.objects.none(), required=False)
    receiver_body = forms.ChoiceField(label=_("Receiving body (receiver)"),
                                      choices=[("", "—"), *ReceiverBody.choices], required=False)
    is_office_admin = forms.BooleanField(label=_("Office administrator"), required=False)
    # Office head and identity custodian are not here: the office of the committee above
    # grants them (``services.power_grant``); the account page shows them read-only.
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, actor: User, instance: User | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "username": instance.username, "display_name": instance.display_name,
                "email": instance.email, "role": instance.role,
                "committee": instance.committee_id, "unit": instance.unit_id,
                "inspector": instance.inspector_id, "receiver_body": instance.receiver_body,
                "is_office_admin": instance.is_office_admin, "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        if actor.is_superuser:
            committees = Committee.objects.all()
        elif actor.committee_id is not None:
            committees = Committee.objects.filter(pk=actor.committee_id)
        else:
            committees = Committee.objects.none()
        self.model_field("committee").queryset = committees
        self.model_field("unit").queryset = (Unit.objects.filter(committee__in=committees,
                                                             archived_at__isnull=True)
                                         .order_by("code"))
        self.model_field("inspector").queryset = (Inspector.objects.filter(
            committee__in=committees, archived_at__isnull=True).select_related("cadre"))
        if not actor.is_superuser:
            self.fields["committee"].initial = actor.committee_id
        if instance is not None:
            self.fields["username"].disabled = True

    def model_field(self, name: str) -> forms.ModelChoiceField:
        return cast(forms.ModelChoiceField, self.fields[name])
