"""The pages of the channels: a person's e-mail choice, the office's group robots and the
log of what went out."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.lib.errors import DomainError
from xuncha.web.access import allow_if
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate

from .access import access_webhook, can_open_channels, can_open_preferences
from .channels import mask_url
from .forms import PreferenceForm, WebhookForm, WebhookPickForm
from .models import Webhook
from .selectors import (
    deliveries_visible_to,
    email_choice_of,
    teams_for_webhooks,
    webhooks_visible_to,
)
from .services import preference_set, webhook_add, webhook_remove, webhook_test
from .sweep import group_name


def _preferences_page(request: AuthedHttpRequest, form: PreferenceForm,
                      status: int = 200) -> HttpResponse:
    return render(request, "notify/preferences.html", {
        "form": form, "has_email": bool(request.user.email)}, status=status)


@allow_if(can_open_preferences)
def preferences_view(request: AuthedHttpRequest) -> HttpResponse:
    form = PreferenceForm(initial={"email": email_choice_of(user=request.user)})
    return _preferences_page(request, form)


@allow_if(can_open_preferences)
@require_POST
def preferences_save_view(request: AuthedHttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if not form.is_valid():
        return _preferences_page(request, form, status=400)
    try:
        preference_set(actor=request.user, email=form.cleaned_data["email"])
    except DomainError as exc:
        add_domain_error(form, exc)
        return _preferences_page(request, form, status=400)
    messages.success(request, _("Saved."))
    return redirect("notify:preferences")


def _channels_page(request: AuthedHttpRequest, form: WebhookForm,
                   status: int = 200) -> HttpResponse:
    page = paginate(request, deliveries_visible_to(user=request.user), per_page=30)
    if request.htmx:
        return render(request, "notify/_deliveries.html", {"page": page})
    hooks = [{"webhook": w, "group": group_name(w), "host": mask_url(w.url)}
             for w in webhooks_visible_to(user=request.user)]
    return render(request, "notify/channels.html", {
        "form": form, "hooks": hooks, "page": page}, status=status)


@allow_if(can_open_channels)
def channels_view(request: AuthedHttpRequest) -> HttpResponse:
    return _channels_page(request, WebhookForm(teams=teams_for_webhooks(user=request.user)))


@allow_if(can_open_channels)
@require_POST
def webhook_add_view(request: AuthedHttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST, teams=teams_for_webhooks(user=request.user))
    if not form.is_valid():
        return _channels_page(request, form, status=400)
    try:
        webhook_add(actor=request.user, data=form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return _channels_page(request, form, status=400)
    messages.success(request, _("The group robot was added."))
    return redirect("notify:channels")


def _picked(request: AuthedHttpRequest) -> Webhook | None:
    form = WebhookPickForm(request.POST)
    if not form.is_valid():
        return None
    return access_webhook(user=request.user, pk=form.cleaned_data["webhook"])


@allow_if(can_open_channels)
@require_POST
def webhook_remove_view(request: AuthedHttpRequest) -> HttpResponse:
    webhook = _picked(request)
    if webhook is None:
        return HttpResponse(status=400)
    webhook_remove(actor=request.user, webhook=webhook)
    messages.success(request, _("The group robot was removed."))
    return redirect("notify:channels")


@allow_if(can_open_channels)
@require_POST
def webhook_test_view(request: AuthedHttpRequest) -> HttpResponse:
    webhook = _picked(request)
    if webhook is None:
        return HttpResponse(status=400)
    webhook_test(actor=request.user, webhook=webhook)
    messages.success(request, _("A test message is on its way; the log below shows how it "
                                "went."))
    return redirect("notify:channels")
