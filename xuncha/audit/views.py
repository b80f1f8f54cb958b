from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.roles import Role
from xuncha.lib.errors import NotFound
from xuncha.web.access import allow
from xuncha.web.forms import DateInput, FilterForm
from xuncha.web.paging import paginate

from .selectors import events_filter, events_visible_to


class EventFilter(FilterForm):
    actor = forms.CharField(label=_("Actor"), required=False)
    action = forms.CharField(label=_("Action"), required=False,
                             help_text=_("For example unit. or login"))
    object_type = forms.CharField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())


@allow(Role.OFFICE, admin=True, platform=True)
def event_list_view(request: HttpRequest) -> HttpResponse:
    filters = EventFilter(request.GET or None)
    criteria = filters.cleaned()
    qs = events_filter(events_visible_to(user=request.user), **criteria)
    page = paginate(request, qs.order_by("-seq"), per_page=50)
    template = "audit/_event_rows.html" if request.htmx else "audit/event_list.html"
    return render(request, template, {"filters": filters, "page": page})


@allow(Role.OFFICE, admin=True, platform=True)
def event_detail_view(request: HttpRequest, seq: int) -> HttpResponse:
    event = events_visible_to(user=request.user).filter(seq=seq).first()
    if event is None:
        raise NotFound()
    return render(request, "audit/event_detail.html", {"event": event})
