"""Pages of the voice app: thin views over voice.selectors and voice.services."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from members.audit import AccessAction, record_access
from members.excel import formula_safe
from members.models import Member, Organization
from members.pagination import PAGE_SIZES, paginate
from members.scoping import require_officer, scope_for

from . import selectors, services
from .forms import (
    AnswerForm,
    ForwardForm,
    HonourFilterForm,
    HonourForm,
    InboxFilterForm,
    ItemForm,
    PeriodForm,
    RateForm,
    ReopenForm,
    TalkForm,
)
from .models import Category, ItemStatus, UnitHonour

INBOX_SORTS = {
    "-sent": ("-created_at", "-pk"),
    "sent": ("created_at", "pk"),
    "waiting": ("waiting_since", "pk"),
    "status": ("status", "-created_at"),
    "subject": ("subject", "pk"),
}


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _add_errors(form, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
    )


# --- Suggestions and requests ------------------------------------------------------------------
class MyItemsView(TemplateView):
    """/voice/: what I sent, and the way to send something new."""

    template_name = "voice/my_items.html"

    def get(self, request, *args, **kwargs):
        scope = scope_for(request.user)
        if not scope.member_id and scope.is_officer:  # an administrator without a member record
            return redirect("voice:inbox")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        qs = selectors.my_items(actor=self.request.user)
        if status in ItemStatus.values:
            qs = qs.filter(status=status)
        ctx.update(page=paginate(self.request, qs), status=status, statuses=ItemStatus.choices)
        return ctx


class ItemCreateView(TemplateView):
    template_name = "voice/item_form.html"

    def _member(self):
        scope = scope_for(self.request.user)
        if not scope.member_id:
            raise PermissionDenied
        return Member.objects.select_related("unit").get(pk=scope.member_id)

    def get(self, request, *args, **kwargs):
        form = ItemForm(addressees=selectors.addressee_choices(member=self._member()))
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = ItemForm(request.POST, request.FILES, addressees=selectors.addressee_choices(member=self._member()))
        if form.is_valid():
            try:
                item = services.item_send(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Sent. You will be notified when it is answered."))
                return redirect("voice:detail", item.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ItemDetailView(TemplateView):
    template_name = "voice/item_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        item = selectors.item_get(actor=self.request.user, pk=self.kwargs["pk"])
        scope = scope_for(self.request.user)
        is_sender = item.sender_id == scope.member_id
        handler = selectors.can_handle(scope=scope, item=item)
        ctx.update(
            item=item,
            events=selectors.item_events(item=item),
            is_sender=is_sender,
            can_handle=handler,
            show_sender=selectors.sender_visible(scope=scope, item=item) and not is_sender,
            sender=item.sender if selectors.sender_visible(scope=scope, item=item) and not is_sender else None,
            answer_form=AnswerForm() if handler and item.is_open else None,
            forward_form=ForwardForm(choices=selectors.forward_choices(item=item))
            if handler and item.is_open
            else None,
            rate_form=RateForm() if is_sender and item.answer and not item.is_open else None,
            reopen_form=ReopenForm() if is_sender and item.can_reopen else None,
            overdue=item.is_overdue,
        )
        return ctx


class ItemActionView(View):
    """POST /voice/<pk>/<action>/: take, answer, forward, close (officers); rate, reopen (the sender)."""

    def post(self, request, pk: int, action: str):
        item = selectors.item_get(actor=request.user, pk=pk)
        actor = request.user
        try:
            if action == "take":
                services.item_take(actor=actor, item=item)
                messages.success(request, _("Taken in hand."))
            elif action == "close":
                services.item_close(actor=actor, item=item)
                messages.success(request, _("Closed."))
            elif action == "answer":
                form = AnswerForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_form_errors(form))
                services.item_answer(actor=actor, item=item, **form.cleaned_data)
                messages.success(request, _("Answer sent to the sender."))
            elif action == "forward":
                form = ForwardForm(request.POST, choices=selectors.forward_choices(item=item))
                if not form.is_valid():
                    raise ValidationError(_form_errors(form))
                services.item_forward(actor=actor, item=item, **form.cleaned_data)
                messages.success(request, _("Forwarded."))
                if not scope_for(actor).can_read_unit(form.cleaned_data["to"].pk):
                    return redirect("voice:inbox")
            elif action == "rate":
                form = RateForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_form_errors(form))
                services.item_rate(actor=actor, item=item, **form.cleaned_data)
                messages.success(request, _("Thank you for your rating."))
            elif action == "reopen":
                form = ReopenForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_form_errors(form))
                services.item_reopen(actor=actor, item=item, **form.cleaned_data)
                messages.success(request, _("Reopened: the union will answer again."))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("voice:detail", pk)


class AttachmentView(View):
    """The attachment, only to those who may see the item; never from /media/ directly."""

    def get(self, request, pk: int):
        item = selectors.item_get(actor=request.user, pk=pk)
        if not item.attachment:
            raise Http404
        scope = scope_for(request.user)
        shows_name = item.sender_id == scope.member_id or selectors.sender_visible(scope=scope, item=item)
        name = item.attachment_name if shows_name else item.attachment_label
        response = FileResponse(
            item.attachment.open("rb"), as_attachment=True, filename=name, content_type=item.attachment_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _inbox_query(request):
    actor = request.user
    orgs = Organization.objects.visible_to(actor).exclude(kind="zone").order_by("kind", "sort_order", "name")
    form = InboxFilterForm(request.GET or None, orgs=orgs)
    filters = selectors.InboxFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.InboxFilters(
            q=d["q"].strip(),
            status=d["status"],
            category=d["category"],
            kind=d["kind"],
            addressee_id=d["addressee"].pk if d["addressee"] else None,
            overdue_days=d["overdue"] or 0,
        )
    sort = request.GET.get("sort", "-sent")
    qs = selectors.inbox_list(actor=actor, filters=filters, now=timezone.now())
    return form, qs.order_by(*INBOX_SORTS.get(sort, INBOX_SORTS["-sent"])), sort


class InboxView(TemplateView):
    template_name = "voice/inbox.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, qs, sort = _inbox_query(self.request)
        ctx.update(form=form, page=paginate(self.request, qs), sort=sort, page_sizes=PAGE_SIZES)
        return ctx


class InboxExportView(View):
    """The filtered inbox as CSV (Excel opens it). The sender is never a column: officers must not learn it."""

    def get(self, request):
        _form, qs, _sort = _inbox_query(request)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [_("No."), _("Sent at"), _("Kind"), _("Topic"), _("Subject"), _("Unit of the sender")]
            + [_("Addressed to"), _("Status"), _("Anonymous"), _("First answered at"), _("Satisfied")]
        )
        count = 0
        for item in qs:
            count += 1
            writer.writerow(
                formula_safe(value)
                for value in [
                    item.pk,
                    timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M"),
                    item.get_kind_display(),
                    item.get_category_display(),
                    item.subject,
                    item.sender_unit.name,
                    item.addressee.name,
                    item.get_status_display(),
                    _("Yes") if item.anonymous else _("No"),
                    timezone.localtime(item.first_answered_at).strftime("%Y-%m-%d %H:%M")
                    if item.first_answered_at
                    else "",
                    "" if item.satisfied is None else (_("Yes") if item.satisfied else _("No")),
                ]
            )
        record_access(
            actor=request.user,
            action=AccessAction.EXPORT,
            what=gettext_lazy("Staff voice inbox"),
            app="voice",
            rows=count,
            request=request,
        )
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="voice-inbox.csv"'
        return response


class StatsView(TemplateView):
    template_name = "voice/stats.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        require_officer(actor=self.request.user)
        today = timezone.localdate()
        defaults = {"start": today.replace(month=1, day=1).isoformat(), "end": today.isoformat()}
        form = PeriodForm({k: self.request.GET.get(k) or v for k, v in defaults.items()})
        if not form.is_valid():
            messages.error(self.request, _("Check the period: %(errors)s") % {"errors": _form_errors(form)})
            form = PeriodForm(defaults)
            form.is_valid()
        d = form.cleaned_data
        rows = selectors.voice_stats(actor=self.request.user, start=d["start"], end=d["end"])
        labels = dict(Category.choices)
        for row in rows:
            row["category_label"] = labels.get(row["category"], row["category"])
            row["satisfaction"] = round(100 * row["satisfied_count"] / row["rated"]) if row["rated"] else None
            row["in_time_rate"] = round(100 * row["answered_in_time"] / row["received"]) if row["received"] else None
        totals = {k: sum(r[k] for r in rows) for k in ("received", "answered_in_time", "rated", "satisfied_count")}
        ctx.update(form=form, rows=rows, totals=totals, start=d["start"], end=d["end"])
        return ctx


# --- Heart-to-heart talks ----------------------------------------------------------------------
class TalkListView(TemplateView):
    template_name = "voice/talk_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()[:50]
        try:
            unit_id = int(self.request.GET.get("unit") or 0) or None
        except ValueError:
            unit_id = None
        sort = self.request.GET.get("sort", "-held")
        order = {"-held": ("-held_on", "-pk"), "held": ("held_on", "pk"), "name": ("member__name", "-held_on")}
        qs = selectors.talk_list(actor=self.request.user, q=q, unit_id=unit_id).order_by(
            *order.get(sort, order["-held"])
        )
        ctx.update(
            page=paginate(self.request, qs),
            q=q,
            unit_id=unit_id,
            sort=sort,
            units=selectors.talk_unit_choices(actor=self.request.user),
        )
        return ctx


class TalkCreateView(TemplateView):
    template_name = "voice/talk_form.html"

    def _member(self):
        return selectors.talk_member_require(actor=self.request.user, member_id=self.kwargs["member_id"])

    def get(self, request, *args, **kwargs):
        member = self._member()
        form = TalkForm(
            initial={
                "held_on": timezone.localdate(),
                "talked_by": request.user.get_full_name() or request.user.username,
            }
        )
        return self.render_to_response(self.get_context_data(form=form, member=member))

    def post(self, request, *args, **kwargs):
        member = self._member()
        form = TalkForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                talk = services.talk_create(
                    actor=request.user,
                    member_id=member.pk,
                    held_on=d["held_on"],
                    talked_by=d["talked_by"],
                    topics=d["topics"],
                    concerns=d["concerns"],
                    follow_ups=d["follow_ups"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Talk recorded."))
                return redirect("voice:talk_detail", talk.pk)
        return self.render_to_response(self.get_context_data(form=form, member=member))


class TalkDetailView(TemplateView):
    template_name = "voice/talk_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        talk = selectors.talk_get(actor=self.request.user, pk=self.kwargs["pk"])
        # A talk's topics and concerns are confidential (health, family): every reading is recorded.
        record_access(
            actor=self.request.user,
            action=AccessAction.VIEW,
            what=gettext_lazy("Heart-to-heart talk record"),
            obj=talk,
            unit=talk.member.unit_id,
            ref=f"{talk.held_on:%Y-%m-%d} {talk.member.name}",
            request=self.request,
        )
        ctx.update(talk=talk, follow_ups=list(talk.follow_ups.all()), today=timezone.localdate())
        return ctx


class FollowUpDoneView(View):
    def post(self, request, pk: int):
        from .models import FollowUp

        follow_up = get_object_or_404(FollowUp.objects.only("pk", "talk_id"), pk=pk)
        services.follow_up_done(actor=request.user, follow_up_id=follow_up.pk)
        messages.success(request, _("Follow-up action marked as done."))
        return redirect("voice:talk_detail", follow_up.talk_id)


class WithoutTalkView(TemplateView):
    template_name = "voice/without_talk.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()[:50]
        sort = self.request.GET.get("sort", "unit")
        order = {
            "last": ("last_talk", "unit__sort_order", "name"),
            "name": ("name", "pk"),
            "unit": ("unit__sort_order", "name", "pk"),
        }
        qs = selectors.members_without_talk(actor=self.request.user, today=timezone.localdate(), q=q)
        ctx.update(page=paginate(self.request, qs.order_by(*order.get(sort, order["unit"]))), q=q, sort=sort)
        return ctx


# --- Unit honours ------------------------------------------------------------------------------
class HonourListView(TemplateView):
    template_name = "voice/honour_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = HonourFilterForm(self.request.GET or None)
        d = form.cleaned_data if form.is_valid() else {}
        qs = selectors.honour_list(
            actor=self.request.user,
            q=(d.get("q") or "").strip(),
            title=d.get("title") or "",
            level=d.get("level") or "",
            year=d.get("year"),
        )
        sort = self.request.GET.get("sort", "-year")
        order = {
            "-year": ("-year", "unit__sort_order"),
            "year": ("year", "unit__sort_order"),
            "unit": ("unit__name", "-year"),
        }
        ctx.update(
            form=form,
            page=paginate(self.request, qs.order_by(*order.get(sort, order["-year"]))),
            sort=sort,
            can_edit=scope_for(self.request.user).sees_all,
        )
        return ctx


class HonourCreateView(TemplateView):
    template_name = "voice/honour_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not scope_for(request.user).sees_all:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=HonourForm(initial={"year": timezone.localdate().year}))
        )

    def post(self, request, *args, **kwargs):
        form = HonourForm(request.POST)
        if form.is_valid():
            try:
                services.honour_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Honour recorded."))
                return redirect("voice:honours")
        return self.render_to_response(self.get_context_data(form=form))


class HonourDeleteView(View):
    def post(self, request, pk: int):
        honour = get_object_or_404(UnitHonour, pk=pk)
        services.honour_delete(actor=request.user, honour=honour)
        messages.success(request, _("Honour deleted."))
        return redirect("voice:honours")
