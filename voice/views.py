"""Pages of the voice app: thin views over voice.selectors and voice.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from members.pagination import PAGE_SIZES, KeptCountPaginator, UnitOrderPaginator, paginate
from members.params import parse_int
from members.pinyin import NameOrder
from members.scoping import require_city_admin, require_officer, scope_for
from members.sheets import xlsx_response
from members.web import ServiceActionView, form_errors_from

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
from .models import Category, ItemStatus

INBOX_SORTS = {
    "-sent": ("-created_at", "-pk"),
    "sent": ("created_at", "pk"),
    "waiting": ("waiting_since", "pk"),
    "-waiting": ("-waiting_since", "-pk"),
    "status": ("status", "-created_at"),
    "-status": ("-status", "-created_at"),
    "subject": ("subject", "pk"),
    "-subject": ("-subject", "-pk"),
}


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
    )


def _invalid(form) -> ValidationError:
    """A bound form's errors as the ValidationError a ServiceActionView turns into a message."""
    return ValidationError(_form_errors(form))


# --- Suggestions and requests ------------------------------------------------------------------
class MyItemsView(TemplateView):
    """/voice/: what I sent, and the way to send something new."""

    template_name = "voice/my_items.html"

    def get(self, request, *args, **kwargs):
        scope = scope_for(request.user)
        # Who the actor is (a login without a member record), not what the actor may see.
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
        member = selectors.own_member(actor=self.request.user)
        if member is None:
            raise PermissionDenied
        return member

    def get(self, request, *args, **kwargs):
        form = ItemForm(addressees=selectors.addressee_choices(member=self._member()))
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = ItemForm(request.POST, request.FILES, addressees=selectors.addressee_choices(member=self._member()))
        if form.is_valid():
            try:
                item = services.item_send(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                if item.anonymous:
                    return self._receipt(request, item)
                messages.success(request, _("Sent. You will be notified when it is answered."))
                return redirect("voice:detail", item.pk)
        return self.render_to_response(self.get_context_data(form=form))

    def _receipt(self, request, item):
        """The receipt code, shown once: the only way back to an anonymous item (no login is linked to it)."""
        _prove(request, item.pk)
        self.template_name = "voice/receipt_issued.html"
        response = self.render_to_response({"item": item, "code": item.receipt_code})
        response["Cache-Control"] = "no-store"
        return response


def _prove(request, pk: int) -> None:
    proven = list(selectors.proven_items(request) | {pk})
    request.session[selectors.RECEIPTS_SESSION_KEY] = proven


class ReceiptView(TemplateView):
    """/voice/receipt/: the sender of an anonymous item enters its receipt code to follow it up."""

    template_name = "voice/receipt.html"

    def post(self, request, *args, **kwargs):
        item = selectors.item_by_receipt(code=request.POST.get("code", "")[:40])
        if item is None:
            return self.render_to_response({"error": _("No item has this receipt code. Check the code and try again.")})
        _prove(request, item.pk)
        return redirect("voice:detail", item.pk)


class ItemDetailView(TemplateView):
    template_name = "voice/item_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        proven = selectors.proven_items(self.request)
        item = selectors.item_get(actor=self.request.user, pk=self.kwargs["pk"], proven=proven)
        scope = scope_for(self.request.user)
        is_sender = selectors.is_sender(scope=scope, item=item, proven=proven)
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


class _ItemActionView(ServiceActionView):
    """POST /voice/<pk>/<action>/: one step on an item through its service, then back to the item.
    The item is read through its scope first (404 outside it); the service checks the right (403)."""

    form_class = None
    service = None

    def form_kwargs(self) -> dict:
        return {}

    #: the sender's steps (rate, reopen) take the receipts this session proved (anonymous items)
    sender_step = False

    def act(self, request, pk: int, **kwargs):
        proven = selectors.proven_items(request)
        self.item = selectors.item_get(actor=request.user, pk=pk, proven=proven)
        data = {"proven": proven} if self.sender_step else {}
        if self.form_class is not None:
            form = self.form_class(request.POST, **self.form_kwargs())
            if not form.is_valid():
                raise _invalid(form)
            data.update(form.cleaned_data)
        return self.service(actor=request.user, item=self.item, **data)

    def get_success_url(self) -> str:
        return reverse("voice:detail", args=[self.item.pk])


class ItemTakeView(_ItemActionView):
    service = staticmethod(services.item_take)
    success_message = gettext_lazy("Taken in hand.")


class ItemCloseView(_ItemActionView):
    service = staticmethod(services.item_close)
    success_message = gettext_lazy("Closed.")


class ItemAnswerView(_ItemActionView):
    form_class = AnswerForm
    service = staticmethod(services.item_answer)
    success_message = gettext_lazy("Answer sent to the sender.")


class ItemForwardView(_ItemActionView):
    form_class = ForwardForm
    service = staticmethod(services.item_forward)
    success_message = gettext_lazy("Forwarded.")

    def form_kwargs(self) -> dict:
        return {"choices": selectors.forward_choices(item=self.item)}

    def get_success_url(self) -> str:
        # Forwarded out of the officer's units: the item is no longer theirs to open.
        if self.result is not None and not selectors.item_readable(actor=self.request.user, item=self.item):
            return reverse("voice:inbox")
        return super().get_success_url()


class ItemRateView(_ItemActionView):
    sender_step = True
    form_class = RateForm
    service = staticmethod(services.item_rate)
    success_message = gettext_lazy("Thank you for your rating.")


class ItemReopenView(_ItemActionView):
    sender_step = True
    form_class = ReopenForm
    service = staticmethod(services.item_reopen)
    success_message = gettext_lazy("Reopened: the union will answer again.")


#: take, answer, forward, close (officers); rate, reopen (the sender). Any other action: 404.
ITEM_ACTIONS = {
    "take": ItemTakeView.as_view(),
    "close": ItemCloseView.as_view(),
    "answer": ItemAnswerView.as_view(),
    "forward": ItemForwardView.as_view(),
    "rate": ItemRateView.as_view(),
    "reopen": ItemReopenView.as_view(),
}


class ItemActionView(View):
    """The one address of the item's steps (``voice:action``): hands the POST to the step's view."""

    http_method_names = ["post"]

    def post(self, request, pk: int, action: str):
        view = ITEM_ACTIONS.get(action)
        if view is None:
            raise Http404
        return view(request, pk=pk)


class AttachmentView(View):
    """The attachment, only to those who may see the item; never from /media/ directly."""

    def get(self, request, pk: int):
        proven = selectors.proven_items(request)
        item = selectors.item_get(actor=request.user, pk=pk, proven=proven)
        if not item.attachment:
            raise Http404
        scope = scope_for(request.user)
        shows_name = selectors.is_sender(scope=scope, item=item, proven=proven) or selectors.sender_visible(
            scope=scope, item=item
        )
        name = item.attachment_name if shows_name else item.attachment_label
        response = FileResponse(
            item.attachment.open("rb"), as_attachment=True, filename=name, content_type=item.attachment_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _inbox_query(request):
    actor = request.user
    form = InboxFilterForm(request.GET or None, orgs=selectors.inbox_filter_choices(actor=actor))
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
    """The filtered inbox as an Excel sheet. The sender is never a column: officers must not learn it."""

    def get(self, request):
        _form, qs, _sort = _inbox_query(request)
        wb = selectors.inbox_export(actor=request.user, items=qs, request=request)
        return xlsx_response(wb, "voice-inbox.xlsx")


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
        unit_id = parse_int(self.request.GET.get("unit"))
        sort = self.request.GET.get("sort", "-held")
        order = {
            "-held": ("-held_on", "-pk"),
            "held": ("held_on", "pk"),
            "name": (NameOrder("member__name", "member__name_pinyin"), "-held_on"),
            "-name": (NameOrder("member__name", "member__name_pinyin").desc(), "-held_on"),
        }
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
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Talk recorded."))
                return redirect("voice:talk_detail", talk.pk)
        return self.render_to_response(self.get_context_data(form=form, member=member))


class TalkDetailView(TemplateView):
    template_name = "voice/talk_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # A talk's topics and concerns are confidential: the selector records this reading.
        talk = selectors.talk_get(actor=self.request.user, pk=self.kwargs["pk"], request=self.request)
        ctx.update(talk=talk, follow_ups=list(talk.follow_ups.all()), today=timezone.localdate())
        return ctx


class FollowUpDoneView(ServiceActionView):
    success_message = gettext_lazy("Follow-up action marked as done.")

    def act(self, request, pk: int):
        return services.follow_up_done(actor=request.user, follow_up_id=pk)

    def get_success_url(self) -> str:
        return reverse("voice:talk_detail", args=[self.result.talk_id])


class WithoutTalkView(TemplateView):
    template_name = "voice/without_talk.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()[:50]
        sort = self.request.GET.get("sort", "unit")
        order = {
            "last": ("last_talk", "unit__sort_order", NameOrder(), "pk"),
            "-last": ("-last_talk", "unit__sort_order", NameOrder(), "pk"),
            "name": (NameOrder(), "pk"),
            "-name": (NameOrder().desc(), "-pk"),
            "-unit": ("-unit__sort_order", "-unit__name", NameOrder(), "pk"),
        }
        qs = selectors.members_without_talk(actor=self.request.user, today=timezone.localdate(), q=q)
        if sort not in order:
            # The default order, unit by unit and by name in pinyin as on the member list: the per-unit counts of
            # members without a talk (an anti-join over every current member in scope: 15-40 ms at 50,000) are
            # kept in the member count cache, which members, units and talks make stale (voice.apps), and a page
            # reads only its units' members in the order of their (unit, name) index.
            sort = "unit"
            page = paginate(self.request, qs, paginator_class=UnitOrderPaginator)
        else:
            page = paginate(self.request, qs.order_by(*order[sort]), paginator_class=KeptCountPaginator)
        ctx.update(page=page, q=q, sort=sort)
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
            "-unit": ("-unit__name", "-year"),
        }
        ctx.update(
            form=form,
            page=paginate(self.request, qs.order_by(*order.get(sort, order["-year"]))),
            sort=sort,
            can_edit=scope_for(self.request.user).is_city_admin,
        )
        return ctx


class HonourCreateView(TemplateView):
    template_name = "voice/honour_form.html"

    def dispatch(self, request, *args, **kwargs):
        require_city_admin(request.user)
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
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Honour recorded."))
                return redirect("voice:honours")
        return self.render_to_response(self.get_context_data(form=form))


class HonourDeleteView(ServiceActionView):
    success_message = gettext_lazy("Honour deleted.")

    def act(self, request, pk: int):
        honour = selectors.honour_get(actor=request.user, pk=pk, manage=True)
        return services.honour_delete(actor=request.user, honour=honour)

    def get_success_url(self) -> str:
        return reverse("voice:honours")
