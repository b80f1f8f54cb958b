from typing import cast

from django import forms
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xuncha.inspections.models import Team

from .channels import webhook_url_problem
from .models import EmailChoice, WebhookFormat, WebhookKind


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(label=_("E-mail"), choices=EmailChoice.choices,
                              widget=forms.RadioSelect)


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Model) -> str:
        team = cast(Team, obj)
        return f"{team.round} · {team.name}"


class WebhookForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("chat group", "Group name"), max_length=64,
                           help_text=_("For you to tell the groups apart, e.g. the office's work group "
                                       "(巡察办工作群)."))
    team = TeamChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                           empty_label=_("The office's group"))
    kind = forms.ChoiceField(label=_("Robot"), choices=WebhookKind.choices)
    format = forms.ChoiceField(label=_("Format"), choices=WebhookFormat.choices)
    url = forms.CharField(label=_("Webhook address"), max_length=500,
                          help_text=_("The address the group's robot settings show (https://…)."))
    secret = forms.CharField(label=_("Signing secret (DingTalk 加签)"), max_length=200,
                             required=False, widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, teams: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        problem = webhook_url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url


class WebhookPickForm(forms.Form):
    """The robot a step on the office page is about (its id, checked by ``access_webhook``)."""

    webhook = forms.IntegerField(min_value=1)
