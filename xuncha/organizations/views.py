"""Pages for committees, terms, units, cadres, the inspector pool, imports and exports."""

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.lib.errors import DomainError, NotFound
from xuncha.lib.importing import Importer, Preview, discard_staged, load_staged, stage_upload, staged_cancel
from xuncha.lib.tabular import read_table, write_xlsx
from xuncha.web.access import allow_if
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate
from xuncha.web.responses import xlsx_response

from . import selectors as sel
from . import services
from .access import (
    access_cadre,
    access_committee,
    access_inspector,
    access_term,
    access_tie,
    access_unit,
    can_change_cadre,
    can_change_committee,
    can_change_committee_tree,
    can_change_inspector,
    can_change_terms_of,
    can_change_unit,
    can_open_cadres,
    can_open_committee_settings,
    can_open_office_forms,
    can_open_register_forms,
    can_open_registers,
    can_open_units,
    committees_extendable_by,
    committees_writable_by,
    units_changeable_by,
)
from .forms import (
    ArchiveForm,
    CadreFilter,
    CadreForm,
    CommitteeForm,
    ImportUploadForm,
    InspectorFilter,
    InspectorForm,
    TermForm,
    TieForm,
    UnitFilter,
    UnitForm,
)
from .importers import IMPORTERS
from .models import Cadre, Inspector, Rank, Unit, UnitKind

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def _list(request: AuthedHttpRequest, template: str, rows_template: str,
          context: dict[str, object]) -> HttpResponse:
    return render(request, rows_template if request.htmx else template, context)


def _form_page(request: AuthedHttpRequest, form: forms.Form, *,
               save: Callable[[dict[str, object]], M], saved: str,
               then: Callable[[M], HttpResponse], **context: object) -> HttpResponse:
    """A create or edit page: on a valid POST, ``save`` (one service) the cleaned data, say
    ``saved`` and go on to ``then``; otherwise show the form again, with a service's
    refusal next to the field it names."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, saved)
            return then(obj)
    return render(request, "organizations/form.html", {"form": form, **context})


def _step(request: AuthedHttpRequest, call: Callable[[dict[str, Any]], T], *, back: str,
          success: str | Callable[[T], str] | None, success_back: str | None = None,
          form: forms.Form | None = None) -> HttpResponse:
    """An action posted from a detail page (the address ``back``), answered with a message.
    The action's ``form``, if it has one, must be valid, or its errors are the message and
    nothing changes; ``call``, one service, gets the cleaned data. Refused: the reason, on
    ``back``; done: ``success`` (a text, or one made from what the service returned; None:
    no message), on ``success_back`` (by default ``back``)."""
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(back)
    try:
        result = call({} if form is None else form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if success is not None:
        messages.success(request, success if isinstance(success, str) else success(result))
    return redirect(success_back or back)


def _to(route: str) -> Callable[[Model], HttpResponse]:
    return lambda obj: redirect(route, pk=obj.pk)


# --- committees and terms -------------------------------------------------------------


@allow_if(can_open_registers)
def committee_list_view(request: AuthedHttpRequest) -> HttpResponse:
    committees = sel.committees_visible_to(user=request.user).select_related("parent")
    return render(request, "organizations/committee_list.html", {
        "committees": committees,
        "can_create": can_open_committee_settings(user=request.user)})


@allow_if(can_open_registers)
def committee_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    committee = access_committee(user=request.user, pk=pk)
    return render(request, "organizations/committee_detail.html", {
        "committee": committee,
        "terms": committee.terms.all(),
        "children": committee.children.all(),
        "can_write": can_change_terms_of(user=request.user, committee_id=committee.pk),
        "can_admin": can_change_committee(user=request.user, committee=committee),
    })


@allow_if(can_open_committee_settings)
@require_http_methods(["GET", "POST"])
def committee_create_view(request: AuthedHttpRequest) -> HttpResponse:
    form = CommitteeForm(request.POST or None,
                         parents=committees_extendable_by(user=request.user))
    return _form_page(
        request, form, saved=_("The committee was created."),
        save=lambda data: services.committee_create(actor=request.user, data=data),
        then=_to("organizations:committee_detail"),
        title=_("New lower committee"), back="organizations:committee_list")


@allow_if(can_open_committee_settings)
@require_http_methods(["GET", "POST"])
def committee_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    committee = access_committee(user=request.user, pk=pk)
    parents = sel.committees_visible_to(user=request.user).exclude(path__startswith=committee.path)
    form = CommitteeForm(request.POST or None, parents=parents, instance=committee)
    if not can_change_committee_tree(user=request.user):
        for name in ("code", "level", "parent"):
            form.fields[name].disabled = True
    return _form_page(
        request, form, saved=_("The committee was saved."),
        save=lambda data: services.committee_update(actor=request.user, committee=committee,
                                                    data=data),
        then=_to("organizations:committee_detail"),
        title=_("Edit %(name)s") % {"name": committee}, object=committee)


@allow_if(can_open_office_forms)
@require_http_methods(["GET", "POST"])
def term_create_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    committee = access_committee(user=request.user, pk=pk)
    return _form_page(
        request, TermForm(request.POST or None), saved=_("The term was added."),
        save=lambda data: services.term_create(actor=request.user, committee=committee,
                                               data=data),
        then=lambda term: redirect("organizations:committee_detail", pk=committee.pk),
        title=_("New term of %(name)s") % {"name": committee}, object=committee)


@allow_if(can_open_office_forms)
@require_http_methods(["GET", "POST"])
def term_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    term = access_term(user=request.user, pk=pk)
    form = TermForm(request.POST or None, initial={
        "name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on})
    return _form_page(
        request, form, saved=_("The term was saved."),
        save=lambda data: services.term_update(actor=request.user, term=term, data=data),
        then=lambda term: redirect("organizations:committee_detail", pk=term.committee_id),
        title=_("Edit term %(name)s") % {"name": term}, object=term.committee)


# --- units ----------------------------------------------------------------------------


def _units(request: AuthedHttpRequest) -> tuple[UnitFilter, QuerySet[Unit]]:
    """The units of the list and its export, as the filters in the address ask."""
    filters = UnitFilter(request.GET or None,
                         committees=sel.committees_visible_to(user=request.user))
    criteria = filters.cleaned()
    if "committee" in criteria:
        criteria["committee"] = criteria["committee"].pk
    qs = sel.units_filter(sel.units_visible_to(user=request.user), **criteria)
    return filters, qs.select_related("committee", "parent").order_by("committee__path", "code")


@allow_if(can_open_units)
def unit_list_view(request: AuthedHttpRequest) -> HttpResponse:
    filters, qs = _units(request)
    return _list(request, "organizations/unit_list.html", "organizations/_unit_rows.html", {
        "filters": filters, "page": paginate(request, qs),
        "can_create": can_open_register_forms(user=request.user),
        "can_export": can_open_registers(user=request.user)})


@allow_if(can_open_units)
def unit_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(user=request.user, pk=pk)
    cadres = sel.cadres_visible_to(user=request.user).filter(unit=unit, archived_at__isnull=True)
    children = sel.units_visible_to(user=request.user).filter(parent=unit)
    return render(request, "organizations/unit_detail.html", {
        "unit": unit, "cadres": cadres, "children": children,
        "can_write": can_change_unit(user=request.user, unit=unit)})


def _unit_form(request: AuthedHttpRequest, instance: Unit | None = None) -> UnitForm:
    units = sel.units_visible_to(user=request.user).filter(archived_at__isnull=True)
    if instance is not None:
        units = units.exclude(pk=instance.pk)
    initial = {} if instance else {"initial": {"committee": request.user.committee_id}}
    return UnitForm(request.POST or None, committees=committees_writable_by(user=request.user),
                    units=units, instance=instance, **initial)


@allow_if(can_open_register_forms)
@require_http_methods(["GET", "POST"])
def unit_create_view(request: AuthedHttpRequest) -> HttpResponse:
    return _form_page(
        request, _unit_form(request), saved=_("The unit was created."),
        save=lambda data: services.unit_create(actor=request.user, data=data),
        then=_to("organizations:unit_detail"),
        title=_("New unit"), back="organizations:unit_list")


@allow_if(can_open_register_forms)
@require_http_methods(["GET", "POST"])
def unit_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(user=request.user, pk=pk)
    return _form_page(
        request, _unit_form(request, instance=unit), saved=_("The unit was saved."),
        save=lambda data: services.unit_update(actor=request.user, unit=unit, data=data),
        then=_to("organizations:unit_detail"),
        title=_("Edit %(name)s") % {"name": unit}, object=unit)


@allow_if(can_open_register_forms)
@require_POST
def unit_archive_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(user=request.user, pk=pk)
    return _step(request, lambda d: services.unit_archive(actor=request.user, unit=unit),
                 success=_("The unit was archived."),
                 back=reverse("organizations:unit_detail", args=[unit.pk]))


@allow_if(can_open_register_forms)
@require_POST
def unit_restore_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(user=request.user, pk=pk)
    return _step(request, lambda d: services.unit_restore(actor=request.user, unit=unit),
                 success=_("The unit was restored."),
                 back=reverse("organizations:unit_detail", args=[unit.pk]))


@allow_if(can_open_register_forms)
@require_POST
def unit_delete_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(user=request.user, pk=pk)
    return _step(request, lambda d: services.unit_delete(actor=request.user, unit=unit),
                 success=_("The unit was deleted."),
                 back=reverse("organizations:unit_detail", args=[unit.pk]),
                 success_back=reverse("organizations:unit_list"))


# --- cadres ---------------------------------------------------------------------------


def _cadres(request: AuthedHttpRequest) -> tuple[CadreFilter, QuerySet[Cadre]]:
    filters = CadreFilter(request.GET or None)
    qs = sel.cadres_filter(sel.cadres_visible_to(user=request.user), **filters.cleaned())
    return filters, qs.select_related("unit", "managing_committee")


@allow_if(can_open_cadres)
def cadre_list_view(request: AuthedHttpRequest) -> HttpResponse:
    filters, qs = _cadres(request)
    return _list(request, "organizations/cadre_list.html", "organizations/_cadre_rows.html", {
        "filters": filters,
        "page": paginate(request, qs.order_by("unit__code", "-is_principal", "name")),
        "can_create": can_open_register_forms(user=request.user)})


@allow_if(can_open_cadres)
def cadre_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cadre = access_cadre(user=request.user, pk=pk)
    return render(request, "organizations/cadre_detail.html", {
        "cadre": cadre, "inspector": getattr(cadre, "inspector", None),
        "can_write": can_change_cadre(user=request.user, cadre=cadre)})


def _cadre_form(request: AuthedHttpRequest, instance: Cadre | None = None) -> CadreForm:
    units = units_changeable_by(user=request.user).filter(archived_at__isnull=True)
    initial = {} if instance else {"initial": {"managing_committee": request.user.committee_id}}
    return CadreForm(request.POST or None, units=units, instance=instance,
                     committees=sel.committees_visible_to(user=request.user), **initial)


@allow_if(can_open_register_forms)
@require_http_methods(["GET", "POST"])
def cadre_create_view(request: AuthedHttpRequest) -> HttpResponse:
    return _form_page(
        request, _cadre_form(request), saved=_("The cadre was added."),
        save=lambda data: services.cadre_create(actor=request.user, data=data),
        then=_to("organizations:cadre_detail"),
        title=_("New cadre"), back="organizations:cadre_list")


@allow_if(can_open_register_forms)
@require_http_methods(["GET", "POST"])
def cadre_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cadre = access_cadre(user=request.user, pk=pk)
    return _form_page(
        request, _cadre_form(request, instance=cadre), saved=_("The cadre was saved."),
        save=lambda data: services.cadre_update(actor=request.user, cadre=cadre, data=data),
        then=_to("organizations:cadre_detail"),
        title=_("Edit %(name)s") % {"name": cadre.name}, object=cadre)


@allow_if(can_open_register_forms)
@require_POST
def cadre_archive_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    cadre = access_cadre(user=request.user, pk=pk)
    form = ArchiveForm(request.POST)  # archive, or restore: as the page's button asks
    return _step(request, lambda d: services.cadre_archive(
        actor=request.user, cadre=cadre, archived=form.archive()),
        success=lambda _cadre: _("The cadre was archived.") if form.archive()
        else _("The cadre was restored."),
        form=form, back=reverse("organizations:cadre_detail", args=[cadre.pk]))


# --- inspector pool -------------------------------------------------------------------


@allow_if(can_open_registers)
def inspector_list_view(request: AuthedHttpRequest) -> HttpResponse:
    filters = InspectorFilter(request.GET or None)
    qs = sel.inspectors_filter(sel.inspectors_visible_to(user=request.user).select_related(
        "cadre__unit", "committee"), **filters.cleaned())
    return _list(request, "organizations/inspector_list.html",
                 "organizations/_inspector_rows.html", {
                     "filters": filters,
                     "page": paginate(request, qs.order_by("committee__path", "cadre__name")),
                     "can_create": can_open_office_forms(user=request.user)})


@allow_if(can_open_registers)
def inspector_detail_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspector = access_inspector(user=request.user, pk=pk)
    can_write = can_change_inspector(user=request.user, inspector=inspector)
    units = sel.units_visible_to(user=request.user).filter(archived_at__isnull=True)
    return render(request, "organizations/inspector_detail.html", {
        "inspector": inspector, "ties": inspector.ties.select_related("unit"),
        "can_write": can_write, "tie_form": TieForm(units=units) if can_write else None})


@allow_if(can_open_office_forms)
@require_http_methods(["GET", "POST"])
def inspector_create_view(request: AuthedHttpRequest) -> HttpResponse:
    committee = request.user.committee
    if committee is None:  # an office account always has one (a database constraint)
        raise NotFound()
    cadres = sel.cadres_visible_to(user=request.user).filter(
        archived_at__isnull=True, inspector__isnull=True).select_related("unit")
    form = InspectorForm(request.POST or None, cadres=cadres)
    return _form_page(
        request, form, saved=_("The inspector joined the pool."),
        save=lambda data: services.inspector_create(
            actor=request.user, committee=committee, cadre=form.cleaned_data["cadre"],
            data=data),
        then=_to("organizations:inspector_detail"),
        title=_("Add to the inspector pool"), back="organizations:inspector_list")


@allow_if(can_open_office_forms)
@require_http_methods(["GET", "POST"])
def inspector_edit_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspector = access_inspector(user=request.user, pk=pk)
    form = InspectorForm(request.POST or None, cadres=sel.cadres_visible_to(user=request.user),
                         instance=inspector)
    return _form_page(
        request, form, saved=_("The inspector was saved."),
        save=lambda data: services.inspector_update(actor=request.user, inspector=inspector,
                                                    data=data),
        then=_to("organizations:inspector_detail"),
        title=_("Edit %(name)s") % {"name": inspector}, object=inspector)


@allow_if(can_open_office_forms)
@require_POST
def inspector_archive_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspector = access_inspector(user=request.user, pk=pk)
    form = ArchiveForm(request.POST)  # archive, or restore: as the page's button asks
    return _step(request, lambda d: services.inspector_archive(
        actor=request.user, inspector=inspector, archived=form.archive()),
        success=None, form=form,
        back=reverse("organizations:inspector_detail", args=[inspector.pk]))


@allow_if(can_open_office_forms)
@require_POST
def tie_add_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspector = access_inspector(user=request.user, pk=pk)
    return _step(request, lambda d: services.tie_create(
        actor=request.user, inspector=inspector, data=d),
        success=_("The tie was recorded."),
        form=TieForm(request.POST, units=sel.units_visible_to(user=request.user)),
        back=reverse("organizations:inspector_detail", args=[inspector.pk]))


@allow_if(can_open_office_forms)
@require_POST
def tie_delete_view(request: AuthedHttpRequest, pk: int, tie_pk: int) -> HttpResponse:
    inspector = access_inspector(user=request.user, pk=pk)
    tie = access_tie(user=request.user, inspector=inspector, pk=tie_pk)
    return _step(request, lambda d: services.tie_delete(actor=request.user, tie=tie),
                 success=None, back=reverse("organizations:inspector_detail", args=[inspector.pk]))


# --- import and export ----------------------------------------------------------------

IMPORT_TOKEN_KEY = "xuncha_import_{kind}"  # noqa: S105 (a session key name)
IMPORT_EXAMPLES = {
    "units": ["DH-CZJ", "东湖区财政局", "党政机关部门", "JZ-LJ-DH", "DH-QW", "东湖区"],
    "cadres": ["王明", "DH-CZJ", "局长", "县处级正职", "是", "JZ-LJ-DH", "男", "临江市"],
}


def _importer_class(kind: str) -> type[Importer]:
    importer_cls = IMPORTERS.get(kind)
    if importer_cls is None:
        raise Http404
    return importer_cls


def _import_commit(request: AuthedHttpRequest, importer: Importer, kind: str) -> bool:
    """Save the staged file's rows (all or none); True when they were saved."""
    session_key = IMPORT_TOKEN_KEY.format(kind=kind)
    token = request.session.get(session_key, "")
    try:
        table = load_staged(user_id=request.user.id, token=token)
        count = importer.commit(table)
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    discard_staged(user_id=request.user.id, token=token)
    request.session.pop(session_key, None)
    messages.success(request, _("%(count)d row(s) imported.") % {"count": count})
    return True


def _import_preview(request: AuthedHttpRequest, importer: Importer, kind: str,
                    form: ImportUploadForm) -> Preview | None:
    """Check an uploaded file row by row and stage it for the commit; None (with the
    reason on the form) when the file cannot be read."""
    if not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        preview = importer.validate(read_table(upload.name, data))
    except DomainError as exc:
        form.add_error("file", exc.message)
        return None
    session_key = IMPORT_TOKEN_KEY.format(kind=kind)
    old = request.session.get(session_key)
    if old:
        discard_staged(user_id=request.user.id, token=old)
    request.session[session_key] = stage_upload(user_id=request.user.id, name=upload.name,
                                                data=data)
    return preview


@allow_if(can_open_register_forms)
@require_http_methods(["GET", "POST"])
def import_view(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    """Upload → preview with row errors → confirm (all rows or none)."""
    importer = _importer_class(kind)(actor=request.user)
    form = ImportUploadForm()
    preview = None
    if request.method == "POST" and request.POST.get("step") == "cancel":
        staged_cancel(session=request.session, key=IMPORT_TOKEN_KEY.format(kind=kind),
                      user_id=request.user.pk)
        messages.success(request, _("The upload was discarded; nothing was imported."))
        return redirect("organizations:import", kind=kind)
    if request.method == "POST" and request.POST.get("step") == "commit":
        if _import_commit(request, importer, kind):
            return redirect("organizations:unit_list" if kind == "units"
                            else "organizations:cadre_list")
    elif request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        preview = _import_preview(request, importer, kind, form)
    return render(request, "organizations/import.html", {
        "form": form, "preview": preview, "kind": kind, "importer": importer,
        "columns": importer.columns})


@allow_if(can_open_register_forms)
def import_template_view(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    headers = [c.labels[0] for c in _importer_class(kind).columns]
    title = {"units": _("Units"), "cadres": _("Cadres")}.get(kind, kind)
    return xlsx_response(write_xlsx(title=title, headers=headers, rows=[IMPORT_EXAMPLES[kind]]),
                         f"xuncha-{kind}-template.xlsx")


def _unit_rows(units: Iterable[Unit]) -> Iterator[list[str]]:
    kinds = dict(UnitKind.choices)
    for u in units:
        yield [u.code, u.name, str(kinds.get(u.kind, u.kind)), u.committee.code,
               u.parent.code if u.parent is not None else "", u.locality,
               _("Archived") if u.archived_at else ""]


def _cadre_rows(cadres: Iterable[Cadre]) -> Iterator[list[str]]:
    ranks = dict(Rank.choices)
    for c in cadres:
        yield [c.name, c.unit.code, c.unit.name, c.position, str(ranks.get(c.rank, c.rank)),
               "是" if c.is_principal else "否", c.managing_committee.code,
               c.get_gender_display(), c.native_place]


def _inspector_rows(inspectors: Iterable[Inspector]) -> Iterator[list[str]]:
    for i in inspectors:
        yield [i.cadre.name, i.cadre.unit.name, i.cadre.position, i.committee.short_name,
               "、".join(i.expertise_labels()), i.note]


@allow_if(can_open_registers)
def export_view(request: AuthedHttpRequest, kind: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if kind == "units":
        units = _units(request)[1]
        headers = ["代码", "名称", "类别", "管辖党委代码", "上级单位代码", "所在地", _("Status")]
        data = write_xlsx(title=_("Units"), headers=headers,
                          rows=_unit_rows(units.iterator(chunk_size=2000)))
    elif kind == "cadres":
        cadres = _cadres(request)[1].order_by("unit__code", "name")
        headers = ["姓名", "单位代码", _("Unit"), "职务", "职级", "是否主要负责人", "管理党委代码",
                   "性别", "籍贯"]
        data = write_xlsx(title=_("Cadres"), headers=headers,
                          rows=_cadre_rows(cadres.iterator(chunk_size=2000)))
    elif kind == "inspectors":
        inspectors = sel.inspectors_visible_to(user=request.user).select_related(
            "cadre__unit", "committee").order_by("committee__path", "cadre__name")
        headers = [pgettext("person", "Name"), _("Unit"), _("Position"), _("Pool of"),
                   _("Expertise"), _("Note")]
        data = write_xlsx(title=_("Inspectors"), headers=headers,
                          rows=_inspector_rows(inspectors.iterator(chunk_size=2000)))
    else:
        raise Http404
    return xlsx_response(data, f"xuncha-{kind}-{stamp}.xlsx")
