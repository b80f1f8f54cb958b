"""Pages for committees, terms, units, cadres, the inspector pool, imports and exports."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xuncha.accounts.access import can_write_committee_data
from xuncha.accounts.roles import Role
from xuncha.lib.errors import DomainError
from xuncha.lib.importing import discard_staged, load_staged, stage_upload
from xuncha.lib.lookup import get_or_404
from xuncha.lib.tabular import read_table, write_xlsx
from xuncha.web.access import allow
from xuncha.web.forms import add_domain_error
from xuncha.web.paging import paginate
from xuncha.web.responses import xlsx_response

from . import selectors as sel
from . import services
from .forms import (
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
from .models import Committee, InspectorTie, Rank, UnitKind

READERS = (Role.OFFICE, Role.LEADERSHIP, Role.TEAM, Role.OVERSIGHT)


def _writable_committees(user):
    if user.is_superuser:
        return Committee.objects.all()
    return Committee.objects.filter(pk=user.committee_id) if user.role == Role.OFFICE else (
        Committee.objects.none())


def _list(request, template, rows_template, context):
    return render(request, rows_template if request.htmx else template, context)


# --- committees and terms -------------------------------------------------------------


@allow(*READERS, platform=True)
def committee_list_view(request: HttpRequest) -> HttpResponse:
    committees = sel.committees_visible_to(user=request.user).select_related("parent")
    return render(request, "organizations/committee_list.html", {"committees": committees})


@allow(*READERS, platform=True)
def committee_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_or_404(sel.committees_visible_to(user=request.user), pk)
    return render(request, "organizations/committee_detail.html", {
        "committee": committee,
        "terms": committee.terms.all(),
        "children": committee.children.all(),
        "can_write": can_write_committee_data(user=request.user, committee_id=committee.pk),
        "can_admin": request.user.is_superuser or (
            request.user.is_office_admin
            and can_write_committee_data(user=request.user, committee_id=committee.pk)),
    })


@allow(Role.OFFICE, admin=True, platform=True)
@require_http_methods(["GET", "POST"])
def committee_create_view(request: HttpRequest) -> HttpResponse:
    parents = sel.committees_visible_to(user=request.user)
    if not request.user.is_superuser:
        parents = parents.filter(pk=request.user.committee_id)
    form = CommitteeForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The committee was created."))
            return redirect("organizations:committee_detail", pk=committee.pk)
    return render(request, "organizations/form.html", {
        "form": form, "title": _("New lower committee"),
        "back": "organizations:committee_list"})


@allow(Role.OFFICE, admin=True, platform=True)
@require_http_methods(["GET", "POST"])
def committee_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_or_404(sel.committees_visible_to(user=request.user), pk)
    parents = sel.committees_visible_to(user=request.user).exclude(path__startswith=committee.path)
    form = CommitteeForm(request.POST or None, parents=parents, instance=committee)
    if not request.user.is_superuser:
        for name in ("code", "level", "parent"):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_update(actor=request.user, committee=committee,
                                      data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The committee was saved."))
            return redirect("organizations:committee_detail", pk=committee.pk)
    return render(request, "organizations/form.html", {
        "form": form, "title": _("Edit %(name)s") % {"name": committee}, "object": committee})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def term_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_or_404(sel.committees_visible_to(user=request.user), pk)
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.term_create(actor=request.user, committee=committee, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The term was added."))
            return redirect("organizations:committee_detail", pk=committee.pk)
    return render(request, "organizations/form.html", {
        "form": form, "title": _("New term of %(name)s") % {"name": committee},
        "object": committee})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def term_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    term = get_or_404(sel.terms_visible_to(user=request.user), pk)
    form = TermForm(request.POST or None, initial={
        "name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.term_update(actor=request.user, term=term, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The term was saved."))
            return redirect("organizations:committee_detail", pk=term.committee_id)
    return render(request, "organizations/form.html", {
        "form": form, "title": _("Edit term %(name)s") % {"name": term},
        "object": term.committee})


# --- units ----------------------------------------------------------------------------


@allow(*READERS, Role.LIAISON, platform=True)
def unit_list_view(request: HttpRequest) -> HttpResponse:
    committees = sel.committees_visible_to(user=request.user)
    filters = UnitFilter(request.GET or None, committees=committees)
    criteria = filters.cleaned()
    if "committee" in criteria:
        criteria["committee"] = criteria["committee"].pk
    qs = sel.units_filter(sel.units_visible_to(user=request.user).select_related(
        "committee", "parent"), **criteria)
    return _list(request, "organizations/unit_list.html", "organizations/_unit_rows.html", {
        "filters": filters, "page": paginate(request, qs.order_by("committee__path", "code")),
        "can_create": request.user.role == Role.OFFICE or request.user.is_superuser})


@allow(*READERS, Role.LIAISON, platform=True)
def unit_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_or_404(sel.units_visible_to(user=request.user).select_related(
        "committee", "parent"), pk)
    cadres = sel.cadres_visible_to(user=request.user).filter(unit=unit, archived_at__isnull=True)
    children = sel.units_visible_to(user=request.user).filter(parent=unit)
    return render(request, "organizations/unit_detail.html", {
        "unit": unit, "cadres": cadres, "children": children,
        "can_write": can_write_committee_data(user=request.user,
                                                  committee_id=unit.committee_id)})


def _unit_form(request, instance=None):
    committees = _writable_committees(request.user)
    units = sel.units_visible_to(user=request.user).filter(archived_at__isnull=True)
    if instance is not None:
        units = units.exclude(pk=instance.pk)
    return UnitForm(request.POST or None, committees=committees, units=units, instance=instance,
                    **({} if instance else {"initial": {"committee": request.user.committee_id}}))


@allow(Role.OFFICE, platform=True)
@require_http_methods(["GET", "POST"])
def unit_create_view(request: HttpRequest) -> HttpResponse:
    form = _unit_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The unit was created."))
            return redirect("organizations:unit_detail", pk=unit.pk)
    return render(request, "organizations/form.html",
                  {"form": form, "title": _("New unit"), "back": "organizations:unit_list"})


@allow(Role.OFFICE, platform=True)
@require_http_methods(["GET", "POST"])
def unit_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_or_404(sel.units_visible_to(user=request.user), pk)
    form = _unit_form(request, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("organizations:unit_detail", pk=unit.pk)
    return render(request, "organizations/form.html",
                  {"form": form, "title": _("Edit %(name)s") % {"name": unit}, "object": unit})


@allow(Role.OFFICE, platform=True)
@require_POST
def unit_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    unit = get_or_404(sel.units_visible_to(user=request.user), pk)
    try:
        if action == "archive":
            services.unit_archive(actor=request.user, unit=unit)
            messages.success(request, _("The unit was archived."))
        elif action == "restore":
            services.unit_restore(actor=request.user, unit=unit)
            messages.success(request, _("The unit was restored."))
        elif action == "delete":
            services.unit_delete(actor=request.user, unit=unit)
            messages.success(request, _("The unit was deleted."))
            return redirect("organizations:unit_list")
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("organizations:unit_detail", pk=unit.pk)


# --- cadres ---------------------------------------------------------------------------


@allow(*READERS, Role.LIAISON, platform=True)
def cadre_list_view(request: HttpRequest) -> HttpResponse:
    filters = CadreFilter(request.GET or None)
    qs = sel.cadres_filter(sel.cadres_visible_to(user=request.user).select_related(
        "unit", "managing_committee"), **filters.cleaned())
    return _list(request, "organizations/cadre_list.html", "organizations/_cadre_rows.html", {
        "filters": filters, "page": paginate(request, qs.order_by("unit__code", "-is_principal",
                                                                  "name")),
        "can_create": request.user.role == Role.OFFICE or request.user.is_superuser})


@allow(*READERS, Role.LIAISON, platform=True)
def cadre_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_or_404(sel.cadres_visible_to(user=request.user).select_related(
        "unit", "managing_committee"), pk)
    return render(request, "organizations/cadre_detail.html", {
        "cadre": cadre, "inspector": getattr(cadre, "inspector", None),
        "can_write": can_write_committee_data(user=request.user,
                                                  committee_id=cadre.unit.committee_id)})


def _cadre_form(request, instance=None):
    writable = _writable_committees(request.user)
    units = sel.units_visible_to(user=request.user).filter(committee__in=writable,
                                                           archived_at__isnull=True)
    committees = sel.committees_visible_to(user=request.user)
    initial = {} if instance else {"managing_committee": request.user.committee_id}
    return CadreForm(request.POST or None, units=units, committees=committees,
                     instance=instance, **({"initial": initial} if initial else {}))


@allow(Role.OFFICE, platform=True)
@require_http_methods(["GET", "POST"])
def cadre_create_view(request: HttpRequest) -> HttpResponse:
    form = _cadre_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            cadre = services.cadre_create(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The cadre was added."))
            return redirect("organizations:cadre_detail", pk=cadre.pk)
    return render(request, "organizations/form.html",
                  {"form": form, "title": _("New cadre"), "back": "organizations:cadre_list"})


@allow(Role.OFFICE, platform=True)
@require_http_methods(["GET", "POST"])
def cadre_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_or_404(sel.cadres_visible_to(user=request.user), pk)
    form = _cadre_form(request, instance=cadre)
    if request.method == "POST" and form.is_valid():
        try:
            services.cadre_update(actor=request.user, cadre=cadre, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The cadre was saved."))
            return redirect("organizations:cadre_detail", pk=cadre.pk)
    return render(request, "organizations/form.html",
                  {"form": form, "title": _("Edit %(name)s") % {"name": cadre.name},
                   "object": cadre})


@allow(Role.OFFICE, platform=True)
@require_POST
def cadre_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_or_404(sel.cadres_visible_to(user=request.user), pk)
    archive = request.POST.get("archived", "1") == "1"
    try:
        services.cadre_archive(actor=request.user, cadre=cadre, archived=archive)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The cadre was archived.") if archive
                         else _("The cadre was restored."))
    return redirect("organizations:cadre_detail", pk=cadre.pk)


# --- inspector pool -------------------------------------------------------------------


@allow(*READERS, platform=True)
def inspector_list_view(request: HttpRequest) -> HttpResponse:
    filters = InspectorFilter(request.GET or None)
    qs = sel.inspectors_filter(sel.inspectors_visible_to(user=request.user).select_related(
        "cadre__unit", "committee"), **filters.cleaned())
    return _list(request, "organizations/inspector_list.html",
                 "organizations/_inspector_rows.html", {
                     "filters": filters, "page": paginate(request, qs.order_by("committee__path",
                                                                               "cadre__name")),
                     "can_create": request.user.role == Role.OFFICE})


@allow(*READERS, platform=True)
def inspector_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_or_404(sel.inspectors_visible_to(user=request.user).select_related(
        "cadre__unit", "committee"), pk)
    can_write = can_write_committee_data(user=request.user,
                                             committee_id=inspector.committee_id)
    units = sel.units_visible_to(user=request.user).filter(archived_at__isnull=True)
    return render(request, "organizations/inspector_detail.html", {
        "inspector": inspector, "ties": inspector.ties.select_related("unit"),
        "can_write": can_write, "tie_form": TieForm(units=units) if can_write else None})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def inspector_create_view(request: HttpRequest) -> HttpResponse:
    cadres = sel.cadres_visible_to(user=request.user).filter(
        archived_at__isnull=True, inspector__isnull=True).select_related("unit")
    form = InspectorForm(request.POST or None, cadres=cadres)
    if request.method == "POST" and form.is_valid():
        try:
            inspector = services.inspector_create(
                actor=request.user, committee=request.user.committee,
                cadre=form.cleaned_data["cadre"], data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The inspector joined the pool."))
            return redirect("organizations:inspector_detail", pk=inspector.pk)
    return render(request, "organizations/form.html", {
        "form": form, "title": _("Add to the inspector pool"),
        "back": "organizations:inspector_list"})


@allow(Role.OFFICE)
@require_http_methods(["GET", "POST"])
def inspector_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_or_404(sel.inspectors_visible_to(user=request.user), pk)
    form = InspectorForm(request.POST or None, cadres=sel.cadres_visible_to(user=request.user),
                         instance=inspector)
    if request.method == "POST" and form.is_valid():
        try:
            services.inspector_update(actor=request.user, inspector=inspector,
                                      data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The inspector was saved."))
            return redirect("organizations:inspector_detail", pk=inspector.pk)
    return render(request, "organizations/form.html", {
        "form": form, "title": _("Edit %(name)s") % {"name": inspector}, "object": inspector})


@allow(Role.OFFICE)
@require_POST
def inspector_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_or_404(sel.inspectors_visible_to(user=request.user), pk)
    archive = request.POST.get("archived", "1") == "1"
    try:
        services.inspector_archive(actor=request.user, inspector=inspector, archived=archive)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("organizations:inspector_detail", pk=inspector.pk)


@allow(Role.OFFICE)
@require_POST
def tie_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_or_404(sel.inspectors_visible_to(user=request.user), pk)
    units = sel.units_visible_to(user=request.user)
    form = TieForm(request.POST, units=units)
    if form.is_valid():
        try:
            services.tie_create(actor=request.user, inspector=inspector, data=form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The tie was recorded."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("organizations:inspector_detail", pk=inspector.pk)


@allow(Role.OFFICE)
@require_POST
def tie_delete_view(request: HttpRequest, pk: int, tie_pk: int) -> HttpResponse:
    inspector = get_or_404(sel.inspectors_visible_to(user=request.user), pk)
    tie = get_or_404(InspectorTie.objects.filter(inspector=inspector), tie_pk)
    try:
        services.tie_delete(actor=request.user, tie=tie)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("organizations:inspector_detail", pk=inspector.pk)


# --- import and export ----------------------------------------------------------------

IMPORT_TOKEN_KEY = "xuncha_import_{kind}"  # noqa: S105 (a session key name)


@allow(Role.OFFICE, platform=True)
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Upload → preview with row errors → confirm (all rows or none)."""
    importer_cls = IMPORTERS.get(kind)
    if importer_cls is None:
        from django.http import Http404

        raise Http404
    importer = importer_cls(actor=request.user)
    session_key = IMPORT_TOKEN_KEY.format(kind=kind)
    form = ImportUploadForm()
    preview = None
    if request.method == "POST" and request.POST.get("step") == "commit":
        token = request.session.get(session_key, "")
        try:
            table = load_staged(user_id=request.user.pk, token=token)
            count = importer.commit(table)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            discard_staged(user_id=request.user.pk, token=token)
            request.session.pop(session_key, None)
            messages.success(request, _("%(count)d row(s) imported.") % {"count": count})
            return redirect("organizations:unit_list" if kind == "units"
                            else "organizations:cadre_list")
    elif request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                table = read_table(upload.name, data)
                preview = importer.validate(table)
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                old = request.session.get(session_key)
                if old:
                    discard_staged(user_id=request.user.pk, token=old)
                request.session[session_key] = stage_upload(user_id=request.user.pk,
                                                            name=upload.name, data=data)
    return render(request, "organizations/import.html", {
        "form": form, "preview": preview, "kind": kind, "importer": importer,
        "columns": importer.columns})


@allow(Role.OFFICE, platform=True)
def import_template_view(request: HttpRequest, kind: str) -> HttpResponse:
    importer_cls = IMPORTERS.get(kind)
    if importer_cls is None:
        from django.http import Http404

        raise Http404
    headers = [c.labels[0] for c in importer_cls.columns]
    if kind == "units":
        example = [["DH-CZJ", "东湖区财政局", "党政机关部门", "JZ-LJ-DH", "DH-QW", "东湖区"]]
    else:
        example = [["王明", "DH-CZJ", "局长", "县处级正职", "是", "JZ-LJ-DH", "男", "临江市"]]
    return xlsx_response(write_xlsx(title=kind, headers=headers, rows=example),
                         f"xuncha-{kind}-template.xlsx")


@allow(*READERS, platform=True)
def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if kind == "units":
        filters = UnitFilter(request.GET or None,
                             committees=sel.committees_visible_to(user=request.user))
        criteria = filters.cleaned()
        if "committee" in criteria:
            criteria["committee"] = criteria["committee"].pk
        qs = sel.units_filter(sel.units_visible_to(user=request.user), **criteria).select_related(
            "committee", "parent").order_by("committee__path", "code")
        kinds = dict(UnitKind.choices)
        rows = ([u.code, u.name, str(kinds.get(u.kind, u.kind)), u.committee.code,
                 u.parent.code if u.parent_id else "", u.locality,
                 _("Archived") if u.archived_at else ""] for u in qs.iterator(chunk_size=2000))
        headers = ["代码", "名称", "类别", "管辖党委代码", "上级单位代码", "所在地", _("Status")]
        return xlsx_response(write_xlsx(title=_("Units"), headers=headers, rows=rows),
                             f"xuncha-units-{stamp}.xlsx")
    if kind == "cadres":
        filters = CadreFilter(request.GET or None)
        qs = sel.cadres_filter(sel.cadres_visible_to(user=request.user),
                               **filters.cleaned()).select_related(
            "unit", "managing_committee").order_by("unit__code", "name")
        ranks = dict(Rank.choices)
        rows = ([c.name, c.unit.code, c.unit.name, c.position, str(ranks.get(c.rank, c.rank)),
                 "是" if c.is_principal else "否", c.managing_committee.code,
                 c.get_gender_display(), c.native_place] for c in qs.iterator(chunk_size=2000))
        headers = ["姓名", "单位代码", _("Unit"), "职务", "职级", "是否主要负责人", "管理党委代码",
                   "性别", "籍贯"]
        return xlsx_response(write_xlsx(title=_("Cadres"), headers=headers, rows=rows),
                             f"xuncha-cadres-{stamp}.xlsx")
    if kind == "inspectors":
        qs = sel.inspectors_visible_to(user=request.user).select_related(
            "cadre__unit", "committee").order_by("committee__path", "cadre__name")
        rows = ([i.cadre.name, i.cadre.unit.name, i.cadre.position, i.committee.short_name,
                 "、".join(i.expertise_labels()), i.note] for i in qs.iterator(chunk_size=2000))
        headers = [_("Name"), _("Unit"), _("Position"), _("Pool of"), _("Expertise"), _("Note")]
        return xlsx_response(write_xlsx(title=_("Inspectors"), headers=headers, rows=rows),
                             f"xuncha-inspectors-{stamp}.xlsx")
    from django.http import Http404

    raise Http404
