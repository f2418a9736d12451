"""Pages of the members app: the dashboard shell, members and units (scoped by members.scoping)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from . import excel, privacy, registry, selectors, services
from .audit import AccessAction
from .forms import (
    AGE_BANDS,
    AccessRecordFilterForm,
    CommitteePostForm,
    CommitteeTermForm,
    CorrectionAnswerForm,
    CorrectionRequestForm,
    HonourForm,
    ImportForm,
    MemberFilterForm,
    MemberForm,
    StatusChangeForm,
    TransferForm,
)
from .models import ChangeKind, CommitteePost, HonourLevel, HonourTitle, ImportStatus, Member, MemberImport
from .pagination import PAGE_SIZES, KeptCountPaginator, UnitOrderPaginator, paginate
from .pinyin import NameOrder
from .scoping import (
    can_manage,
    can_read,
    get_for_actor,
    require_manage,
    require_officer,
    require_perm,
    scope_for,
)
from .sheets import XLSX_CONTENT_TYPE
from .web import form_errors_from

MEMBER_SORTS = {
    "name": (NameOrder(), "pk"),
    "-name": (NameOrder().desc(), "-pk"),
    "card": ("card_number",),
    "-card": ("-card_number",),
    "join": ("join_date", "pk"),
    "-join": ("-join_date", "-pk"),
    "unit": ("unit__sort_order", "unit__name", NameOrder(), "pk"),
    "-unit": ("-unit__sort_order", "-unit__name", NameOrder(), "pk"),
}


def _int_or_404(value) -> int:
    """A primary key from a form or query parameter: anything but a sane positive integer is 404."""
    text = str(value or "")
    if not text.isdigit() or len(text) > 18:
        raise Http404
    return int(text)


class HomeView(TemplateView):
    """The per-role dashboard: each app adds its panels through members.registry."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        scope = scope_for(self.request.user)
        if scope.is_officer:
            ctx["figures"] = selectors.unit_figures(actor=self.request.user, today=timezone.localdate())
        ctx["panels"] = registry.dashboard_panels(self.request, scope)
        return ctx


def member_filters(request, actor):
    """The list's filter form and the filters it gives (bad values are dropped)."""
    form = MemberFilterForm(
        request.GET or None,
        units=selectors.unit_choices(actor=actor),
        unit_choices=lambda: selectors.unit_choice_list(actor=actor),
    )
    filters = selectors.MemberFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.MemberFilters(
            q=d["q"].strip(),
            unit_id=d["unit"].pk if d["unit"] else None,
            status=d["status"],
            employment_type=d["employment_type"],
            political_status=d["political_status"],
            gender=d["gender"],
            age_band=AGE_BANDS.get(d["age"]),
            today=timezone.localdate(),
        )
    return form, filters


class MemberListView(TemplateView):
    template_name = "members/member_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        require_officer(actor=actor)
        form, filters = member_filters(self.request, actor)
        sort = self.request.GET.get("sort", "unit")
        sort = sort if sort in MEMBER_SORTS else "unit"
        qs = selectors.member_list(actor=actor, filters=filters).only(*selectors.MEMBER_LIST_COLUMNS)
        if sort == "unit":
            page = paginate(self.request, qs, paginator_class=UnitOrderPaginator)
        else:
            page = paginate(self.request, qs.order_by(*MEMBER_SORTS[sort]), paginator_class=KeptCountPaginator)
        ctx.update(form=form, page=page, sort=sort, page_sizes=PAGE_SIZES)
        return ctx


class MemberExportView(View):
    """The current filtered list as xlsx, streamed from a temporary file (masked ID numbers)."""

    def get(self, request, *args, **kwargs):
        actor = request.user
        require_officer(actor=actor)
        _form, filters = member_filters(request, actor)
        tmp = services.member_export(
            actor=actor,
            queryset=selectors.member_list(actor=actor, filters=filters),
            unit_id=filters.unit_id,
            request=request,
        )
        name = f"members-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(tmp, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


class MemberDetailView(TemplateView):
    template_name = "members/member_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        member = selectors.member_get(actor=actor, pk=self.kwargs["pk"])
        scope = scope_for(actor)
        may_manage = can_manage(actor, member) and actor.has_perm("members.change_member")
        ctx.update(
            member=member,
            sections=registry.member_sections(self.request, member),
            changes=selectors.member_changes(actor=actor, member=member),
            record_history=selectors.member_record_history(actor=actor, member=member) if scope.is_officer else [],
            can_manage=may_manage,
            can_reveal=actor.has_perm("members.reveal_id_number"),
            can_read_access=scope.is_city_admin and actor.has_perm("members.view_accessrecord"),
            honours=member.honours.all(),
            pending_transfer=selectors.member_pending_transfer(member=member) if may_manage else None,
            role_holder=may_manage and not scope.is_city_admin and services.holds_a_role(member),
        )
        return ctx


class UnitListView(TemplateView):
    template_name = "members/unit_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        require_officer(actor=self.request.user)
        q = self.request.GET.get("q", "").strip()[:50]
        units = selectors.unit_list(actor=self.request.user).order_by("parent__sort_order", "sort_order", "name")
        if q:
            units = units.filter(name__icontains=q)
        page = paginate(self.request, units, default_size=50)
        counts = selectors.unit_member_counts(actor=self.request.user, unit_ids=[u.pk for u in page])
        for unit in page:
            unit.current_members = counts.get(unit.pk, 0)
        ctx.update(page=page, q=q)
        return ctx


class UnitDetailView(TemplateView):
    template_name = "members/unit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        unit = selectors.organization_get(actor=actor, pk=self.kwargs["pk"])
        may_manage = can_manage(actor, unit) and actor.has_perm("members.change_member")
        ctx.update(unit=unit, sections=registry.unit_sections(self.request, unit), can_manage=may_manage)
        if unit.kind == "unit":
            committee = selectors.committee_get(actor=actor, unit=unit)
            posts = selectors.committee_posts(committee=committee) if committee else []
            ctx.update(
                committee=committee,
                posts=posts,
                check=selectors.committee_check(
                    unit=unit, committee=committee, posts=posts, today=timezone.localdate()
                ),
            )
        return ctx


# --- Writes: record, lifecycle, accounts ------------------------------------------------------


class MemberCreateView(TemplateView):
    template_name = "members/member_form.html"

    def _units(self):
        require_officer(actor=self.request.user)
        return selectors.unit_choices(actor=self.request.user, manage=True)

    def _check(self):
        require_perm(actor=self.request.user, perm="members.add_member")
        units = self._units()
        if not units.exists():
            raise PermissionDenied
        return units

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": MemberForm(units=self._check())})

    def post(self, request, *args, **kwargs):
        form = MemberForm(request.POST, units=self._check(), actor=request.user)
        if form.is_valid():
            try:
                member = services.member_create(
                    actor=request.user,
                    data=form.member_data(),
                    id_number=form.cleaned_data["id_number"],
                    unit=form.cleaned_data["unit"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("%(name)s has joined the union.") % {"name": member.name})
                return redirect("members:detail", pk=member.pk)
        return self.render_to_response({"form": form})


class MemberUpdateView(TemplateView):
    template_name = "members/member_form.html"

    def _member(self):
        member = selectors.member_get(actor=self.request.user, pk=self.kwargs["pk"])
        require_manage(self.request.user, member)
        require_perm(actor=self.request.user, perm="members.change_member")
        return member

    def get(self, request, *args, **kwargs):
        member = self._member()
        return self.render_to_response({"form": MemberForm(instance=member), "member": member})

    def post(self, request, *args, **kwargs):
        member = self._member()
        form = MemberForm(request.POST, instance=member, actor=request.user)
        if form.is_valid():
            try:
                services.member_update(
                    actor=request.user,
                    member=member,
                    data=form.member_data(),
                    id_number=form.cleaned_data["id_number"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The record of %(name)s is saved.") % {"name": member.name})
                return redirect("members:detail", pk=member.pk)
        return self.render_to_response({"form": form, "member": member})


class MemberRevealIdView(MemberDetailView):
    """POST only: show the full ID number once, on the member's page; the view is recorded."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        ctx = self.get_context_data(**kwargs)
        ctx["revealed_id_number"] = services.member_reveal_id_number(
            actor=request.user, member=ctx["member"], request=request
        )
        response = self.render_to_response(ctx)
        response["Cache-Control"] = "no-store"
        return response


class MemberTransferView(TemplateView):
    template_name = "members/member_transfer.html"

    def _member(self):
        member = selectors.member_get(actor=self.request.user, pk=self.kwargs["pk"])
        require_manage(self.request.user, member)
        require_perm(actor=self.request.user, perm="members.change_member")
        return member

    def get(self, request, *args, **kwargs):
        member = self._member()
        return self.render_to_response({"member": member, "form": TransferForm(member=member)})

    def post(self, request, *args, **kwargs):
        member = self._member()
        form = TransferForm(request.POST, member=member)
        if form.is_valid():
            d = form.cleaned_data
            try:
                change = services.member_transfer(
                    actor=request.user, member=member, to_unit=d["to_unit"], on=d["on"], reason=d["reason"]
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                names = {"name": member.name, "unit": d["to_unit"].name}
                if change.kind == ChangeKind.TRANSFER:
                    messages.success(request, _("%(name)s has been transferred to %(unit)s.") % names)
                else:
                    messages.success(
                        request,
                        _("The transfer of %(name)s to %(unit)s is started; it takes effect when %(unit)s accepts it.")
                        % names,
                    )
                if can_read(request.user, d["to_unit"]) or change.kind != ChangeKind.TRANSFER:
                    return redirect("members:detail", pk=member.pk)
                return redirect("members:list")
        return self.render_to_response({"member": member, "form": form})


class MemberStatusView(MemberTransferView):
    template_name = "members/member_status.html"

    def get(self, request, *args, **kwargs):
        member = self._member()
        return self.render_to_response({"member": member, "form": StatusChangeForm()})

    def post(self, request, *args, **kwargs):
        member = self._member()
        form = StatusChangeForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                change = services.member_change_status(
                    actor=request.user, member=member, kind=d["kind"], on=d["on"], reason=d["reason"]
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s: %(change)s, recorded.") % {"name": member.name, "change": change.get_kind_display()},
                )
                return redirect("members:detail", pk=member.pk)
        return self.render_to_response({"member": member, "form": form})


class AccountCreateView(MemberTransferView):
    """POST: a login for one member; the one-time password is shown on this response only."""

    template_name = "members/account_sheet.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        member = self._member()
        reset = request.POST.get("action") == "reset"
        try:
            if reset:
                issued = [services.account_reset_password(actor=request.user, member=member, request=request)]
            else:
                issued = [services.account_create(actor=request.user, member=member)]
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("members:detail", pk=member.pk)
        response = self.render_to_response({"issued": issued, "problems": [], "back": member})
        response["Cache-Control"] = "no-store"
        return response


class AccountBulkView(TemplateView):
    """Accounts for all current members of a unit who have none (e.g. right after an import)."""

    template_name = "members/account_bulk.html"

    def _unit(self):
        unit = selectors.organization_get(actor=self.request.user, pk=self.kwargs["unit_pk"])
        require_manage(self.request.user, unit)
        require_perm(actor=self.request.user, perm="members.change_member")
        return unit

    def _pending(self, unit):
        return unit.members.current().filter(user__isnull=True).order_by(NameOrder(), "pk")

    def get(self, request, *args, **kwargs):
        unit = self._unit()
        pending = self._pending(unit)
        return self.render_to_response({"unit": unit, "pending": pending, "count": pending.count()})

    def post(self, request, *args, **kwargs):
        unit = self._unit()
        issued, problems = services.accounts_create_bulk(actor=request.user, members=list(self._pending(unit)))
        self.template_name = "members/account_sheet.html"
        response = self.render_to_response({"issued": issued, "problems": problems, "unit": unit})
        response["Cache-Control"] = "no-store"
        return response


class IdRevealLogView(View):
    """The former list of ID-number views: now a filter of the one access record."""

    def get(self, request, *args, **kwargs):
        return redirect(f"{reverse('members:access_records')}?action={AccessAction.REVEAL_ID}")


def access_record_filters(request, actor):
    """The access record's filter form and the filters it gives (bad values: the form's errors)."""
    selectors.access_record_list(actor=actor)  # 403 before anything else for those without the right
    form = AccessRecordFilterForm(
        request.GET or None,
        units=selectors.unit_choices(actor=actor),
        apps=selectors.access_record_apps(),
        kinds=selectors.access_record_kinds(),
        members=Member.objects.for_actor(actor),
    )
    filters = selectors.AccessRecordFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.AccessRecordFilters(
            q=d["q"].strip(),
            action=d["action"],
            app=d["app"],
            unit_id=d["unit"].pk if d["unit"] else None,
            date_from=d["date_from"],
            date_to=d["date_to"],
            kind=d["kind"],
            member_id=d["member"].pk if d["member"] else None,
        )
    return form, filters


class AccessRecordListView(TemplateView):
    """Who saw a sensitive field in full, who exported what and how many rows: city administrators."""

    template_name = "members/access_records.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        form, filters = access_record_filters(self.request, actor)
        qs = selectors.access_record_list(actor=actor, filters=filters)
        kinds = dict(selectors.access_record_kinds())
        page = paginate(self.request, qs, default_size=50)
        for record in page:
            record.kind_label = kinds.get(record.target_model, "")
        subject = form.cleaned_data.get("member") if form.is_bound and form.is_valid() else None
        ctx.update(form=form, page=page, page_sizes=PAGE_SIZES, subject=subject)
        return ctx


class AccessRecordExportView(View):
    """The filtered access record as xlsx; the export is itself recorded."""

    def get(self, request, *args, **kwargs):
        actor = request.user
        _form, filters = access_record_filters(request, actor)
        tmp = privacy.access_records_export(actor=actor, filters=filters, request=request)
        name = f"access-records-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(tmp, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


class MyDataView(View):
    """A member downloads the own data (record, history, registrations, aid, gifts) as one xlsx."""

    def get(self, request, *args, **kwargs):
        content = privacy.own_data_download(actor=request.user, request=request)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="my-data-{timezone.localdate():%Y%m%d}.xlsx"'
        response["Cache-Control"] = "no-store, private"
        return response


class FirstPasswordView(PasswordChangeView):
    """The password change that also ends the first-login state (see members.middleware)."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_password_changed(user=form.user, request=self.request)
        messages.success(self.request, _("Your new password is set."))
        return response


# --- Excel import ----------------------------------------------------------------------------
class ImportTemplateView(View):
    def get(self, request, *args, **kwargs):
        require_officer(actor=request.user)
        require_perm(actor=request.user, perm="members.import_member")
        units = list(selectors.unit_choices(actor=request.user, manage=True)[:2])
        unit_name = units[0].name if len(units) == 1 else ""
        response = HttpResponse(excel.template_workbook(unit_name), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="member-import-template.xlsx"'
        return response


def _require_importer(request) -> None:
    require_officer(actor=request.user)
    require_perm(actor=request.user, perm="members.import_member")
    if not selectors.unit_choices(actor=request.user, manage=True).exists():
        raise PermissionDenied


class MemberImportView(TemplateView):
    """Upload a roster: it is checked (a big file by a task) and shown on its own page; nothing is saved
    to the members before the confirmation there."""

    template_name = "members/member_import.html"

    def get(self, request, *args, **kwargs):
        _require_importer(request)
        return self.render_to_response(self._ctx(ImportForm()))

    def _ctx(self, form):
        return {"form": form, "recent": selectors.member_imports_recent(actor=self.request.user)}

    def post(self, request, *args, **kwargs):
        _require_importer(request)
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imp = services.member_import_upload(actor=request.user, data=upload.read(), file_name=upload.name)
            except ValidationError as exc:
                form.add_error("file", exc.messages[0])
            else:
                return redirect("members:import_detail", token=imp.token)
        return self.render_to_response(self._ctx(form))  # the refusal, with its message


def _import_for(request, token: str):
    _require_importer(request)
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise Http404
    return get_for_actor(MemberImport, request.user, token=token)


#: The preview's tabs: which rows each shows.
IMPORT_TABS = {
    "error": lambda r: r["kind"] == "error",
    "changed": lambda r: r["kind"] == "changed",
    "new": lambda r: r["kind"] == "new",
    "unchanged": lambda r: r["kind"] in ("unchanged", "skipped"),
    "notes": lambda r: bool(r["notes"]),
}


IMPORT_TAB_LABELS = {
    "error": gettext_lazy("Problems"),
    "changed": gettext_lazy("To update"),
    "new": gettext_lazy("New members"),
    "unchanged": gettext_lazy("Unchanged"),
    "notes": gettext_lazy("Normalised"),
}


class MemberImportDetailView(TemplateView):
    """One uploaded roster: its progress while a task checks or saves it, then the preview (every
    problem at its row and column, every change old → new, what was normalised), the confirmation, the
    result."""

    template_name = "members/member_import_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        imp = _import_for(self.request, self.kwargs["token"])
        ctx.update(imp=imp, progress=services.member_import_progress(imp=imp))
        if imp.status != ImportStatus.CHECKED:
            return ctx
        preview = services.member_import_preview(actor=self.request.user, imp=imp)
        if preview is None:
            ctx["expired"] = True
            return ctx
        rows = preview["rows"]
        counts = {tab: sum(1 for r in rows if keep(r)) for tab, keep in IMPORT_TABS.items()}
        default = next((t for t in ("error", "changed", "new", "notes") if counts[t]), "unchanged")
        tab = self.request.GET.get("show") if self.request.GET.get("show") in IMPORT_TABS else default
        ctx.update(
            preview=preview,
            tab=tab,
            tabs=[(key, IMPORT_TAB_LABELS[key], counts[key]) for key in IMPORT_TABS],
            page=paginate(self.request, [r for r in rows if IMPORT_TABS[tab](r)], default_size=50),
            page_sizes=PAGE_SIZES,
        )
        return ctx


class MemberImportStatusView(View):
    """Polled by htmx while a task checks or saves the file; when it has finished, the whole page is
    loaded again (the preview, or the result)."""

    def get(self, request, token):
        imp = _import_for(request, token)
        response = render(
            request,
            "members/_import_state.html",
            {"imp": imp, "progress": services.member_import_progress(imp=imp)},
        )
        if not imp.is_pending and request.htmx:
            response["HX-Refresh"] = "true"
        response["Cache-Control"] = "no-store"
        return response


class MemberImportConfirmView(View):
    """Save the checked file, once; a second confirmation says it was already done."""

    def post(self, request, token):
        imp = _import_for(request, token)
        update = request.POST.get("update_existing") == "1"
        outcome = services.member_import_confirm(actor=request.user, imp=imp, update_existing=update)
        imp.refresh_from_db()
        if outcome == "done":
            messages.success(request, _import_done_message(imp))
        elif outcome == "saving":
            messages.info(request, _("The file is being saved; the progress is shown below."))
        elif outcome == "rechecked" and imp.problems:
            messages.error(
                request,
                _("Something changed since the check: %(n)s problems were found and nothing was saved.")
                % {"n": imp.problems},
            )
        elif outcome == "rechecked":
            messages.warning(request, _("Something changed since the check; look at the preview again and confirm."))
        elif outcome == "failed":
            messages.error(request, imp.error or _("The import failed; nothing was saved."))
        elif imp.status == ImportStatus.DONE:
            messages.info(request, _("This file has already been imported; nothing was imported again."))
        elif imp.status == ImportStatus.SAVING:
            messages.info(request, _("This file is already being saved."))
        else:
            messages.error(request, _("This file cannot be imported: correct its problems and upload it again."))
        return redirect("members:import_detail", token=imp.token)


def _import_done_message(imp) -> str:
    text = _("Import done: %(new)s new members, %(updated)s updated.") % {
        "new": imp.saved_new,
        "updated": imp.saved_changed,
    }
    if imp.changed and not imp.update_existing:
        text += " " + _(
            "%(n)s existing members whose file values differ were left as they were (updating was not ticked)."
        ) % {"n": imp.changed}
    return text


# --- Committees and honours --------------------------------------------------------------------
class CommitteeEditView(TemplateView):
    """The committee of a unit: its term, and the posts (elections, by-elections, ends)."""

    template_name = "members/committee_edit.html"

    def _unit(self):
        unit = selectors.organization_get(actor=self.request.user, pk=self.kwargs["unit_pk"])
        require_manage(self.request.user, unit)
        require_perm(actor=self.request.user, perm="members.change_member")
        if unit.kind != "unit":
            raise Http404
        return unit

    def _ctx(self, unit, term_form=None, post_form=None):
        committee = selectors.committee_get(actor=self.request.user, unit=unit)
        initial = {}
        if committee:
            initial = {"term_start": committee.term_start, "term_years": committee.term_years, "notes": committee.notes}
        return {
            "unit": unit,
            "committee": committee,
            "posts": selectors.committee_posts(committee=committee) if committee else [],
            "term_form": term_form or CommitteeTermForm(initial=initial),
            "post_form": post_form or CommitteePostForm(unit=unit),
        }

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self._ctx(self._unit()))

    def post(self, request, *args, **kwargs):
        unit = self._unit()
        action = request.POST.get("action")
        if action == "end":
            holder = get_for_actor(
                CommitteePost,
                request.user,
                manage=True,
                pk=_int_or_404(request.POST.get("post_id")),
                committee__unit=unit,
            )
            services.committee_post_end(actor=request.user, holder=holder, on=timezone.localdate())
            messages.success(request, _("The post of %(name)s has ended.") % {"name": holder.member.name})
            return redirect("members:committee", unit_pk=unit.pk)
        if action == "post":
            form = CommitteePostForm(request.POST, unit=unit)
            if form.is_valid():
                try:
                    holder = services.committee_post_add(actor=request.user, unit=unit, **form.cleaned_data)
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    messages.success(
                        request,
                        _("%(name)s is now %(post)s.")
                        % {"name": holder.member.name, "post": holder.get_post_display()},
                    )
                    return redirect("members:committee", unit_pk=unit.pk)
            return self.render_to_response(self._ctx(unit, post_form=form))
        form = CommitteeTermForm(request.POST)
        if form.is_valid():
            try:
                services.committee_set_term(actor=request.user, unit=unit, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The committee's term is saved."))
                return redirect("members:committee", unit_pk=unit.pk)
        return self.render_to_response(self._ctx(unit, term_form=form))


class CommitteeListView(TemplateView):
    """Committees by next election (换届) date; by default those whose term ends within 90 days."""

    template_name = "members/committee_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        require_officer(actor=self.request.user)
        show_all = self.request.GET.get("within") == "all"
        today = timezone.localdate()
        within = None if show_all else 90
        committees = selectors.committees_due(actor=self.request.user, today=today, within_days=within)
        q = self.request.GET.get("q", "").strip()[:50]
        if q:
            committees = [c for c in committees if q in c.unit.name]
        ctx.update(
            page=paginate(self.request, committees, default_size=50),
            show_all=show_all,
            today=today,
            q=q,
            page_sizes=PAGE_SIZES,
            without=selectors.units_without_committee(actor=self.request.user),
        )
        return ctx


class HonourListView(TemplateView):
    template_name = "members/honour_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        require_officer(actor=self.request.user)
        g = self.request.GET
        title = g.get("title", "") if g.get("title", "") in HonourTitle.values else ""
        level = g.get("level", "") if g.get("level", "") in HonourLevel.values else ""
        year = int(g["year"]) if g.get("year", "").isdigit() else None
        q = g.get("q", "").strip()[:50]
        qs = selectors.honour_list(actor=self.request.user, title=title, level=level, year=year, q=q)
        ctx.update(
            page=paginate(self.request, qs, default_size=50),
            titles=HonourTitle.choices,
            levels=HonourLevel.choices,
            f={"title": title, "level": level, "year": year or "", "q": q},
            page_sizes=PAGE_SIZES,
        )
        return ctx


class HonourCreateView(MemberTransferView):
    template_name = "members/honour_form.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"member": self._member(), "form": HonourForm()})

    def post(self, request, *args, **kwargs):
        member = self._member()
        form = HonourForm(request.POST)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form.Meta.fields}
            try:
                services.honour_add(actor=request.user, member=member, data=data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The honour is recorded."))
                return redirect("members:detail", pk=member.pk)
        return self.render_to_response({"member": member, "form": form})


# --- Correction requests (PIPL arts. 45–47) -----------------------------------------------------------
class CorrectionListView(TemplateView):
    """Officers: the requests of their members, open ones first, each with its answer form; a member: the own
    requests and the form to ask for a new one."""

    template_name = "members/corrections.html"

    def get_context_data(self, **kwargs):
        from . import corrections

        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        scope = scope_for(actor)
        ctx.update(
            page=paginate(self.request, corrections.correction_request_list(actor=actor)),
            is_officer=scope.is_officer,
            answer_form=CorrectionAnswerForm(),
            form=kwargs.get("form") or CorrectionRequestForm(),
            has_record=scope.member_id is not None,
            today=timezone.localdate(),
        )
        return ctx


class CorrectionCreateView(CorrectionListView):
    def get(self, request, *args, **kwargs):
        return redirect("members:corrections")

    def post(self, request, *args, **kwargs):
        from . import corrections

        form = CorrectionRequestForm(request.POST)
        if form.is_valid():
            try:
                corrections.correction_request_create(
                    actor=request.user,
                    fields=form.cleaned_data["fields_"],
                    proposed=form.cleaned_data["proposed"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request, _("Your request is sent to your unit union, which answers within the deadline.")
                )
                return redirect("members:corrections")
        return self.render_to_response(self.get_context_data(form=form))


class CorrectionAnswerView(View):
    def post(self, request, pk, *args, **kwargs):
        from . import corrections
        from .models import CorrectionRequest

        get_for_actor(CorrectionRequest, request.user, manage=True, pk=pk)  # 404 outside the scope, 403 to a member
        form = CorrectionAnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an answer."))
            return redirect("members:corrections")
        try:
            corrections.correction_request_answer(
                actor=request.user, pk=pk, done=form.cleaned_data["done"], answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The answer is saved and the member is told."))
        return redirect("members:corrections")
