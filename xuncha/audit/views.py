"""Browsing the audit trail."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.web.access import allow_if
from xuncha.web.forms import DateField, DateInput, FilterForm
from xuncha.web.paging import paginate

from .access import access_event, can_open_audit_trail
from .selectors import events_filter, events_visible_to


class EventFilter(FilterForm):
    actor = forms.CharField(label=_("Actor"), required=False)
    action = forms.CharField(label=_("Action"), required=False,
                             help_text=_("For example unit. or login"))
    object_type = forms.CharField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
    date_from = DateField(label=_("From"), required=False, widget=DateInput())
    date_to = DateField(label=_("To"), required=False, widget=DateInput())


@allow_if(can_open_audit_trail)
def event_list_view(request: AuthedHttpRequest) -> HttpResponse:
    filters = EventFilter(request.GET or None)
    criteria = filters.cleaned()
    qs = events_filter(events_visible_to(user=request.user), **criteria)
    page = paginate(request, qs.order_by("-seq"), per_page=50)
    template = "audit/_event_rows.html" if request.htmx else "audit/event_list.html"
    return render(request, template, {"filters": filters, "page": page})


@allow_if(can_open_audit_trail)
def event_detail_view(request: AuthedHttpRequest, seq: int) -> HttpResponse:
    return render(request, "audit/event_detail.html",
                  {"event": access_event(user=request.user, seq=seq)})
