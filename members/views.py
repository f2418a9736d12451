"""Pages of the members app: the dashboard shell, members and units (scoped by members.scoping)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils import timezone
from django.views.generic import TemplateView

from . import registry, selectors
from .forms import MemberFilterForm
from .scoping import require_officer, scope_for

PAGE_SIZES = (10, 20, 50, 100)
MEMBER_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "card": ("card_number",),
    "-card": ("-card_number",),
    "join": ("join_date", "pk"),
    "-join": ("-join_date", "-pk"),
    "unit": ("unit__sort_order", "unit__name", "name", "pk"),
    "-unit": ("-unit__sort_order", "-unit__name", "name"),
}


def paginate(request, queryset, default_size: int = 20):
    """A page of ``queryset`` from ?page= and ?per_page= (bad values fall back, never a 500)."""
    try:
        size = int(request.GET.get("per_page", default_size))
    except ValueError:
        size = default_size
    size = size if size in PAGE_SIZES else default_size
    return Paginator(queryset, size).get_page(request.GET.get("page"))


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


class MemberListView(TemplateView):
    template_name = "members/member_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        require_officer(actor=actor)
        form = MemberFilterForm(self.request.GET or None, units=selectors.unit_choices(actor=actor))
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
            )
        sort = self.request.GET.get("sort", "unit")
        qs = selectors.member_list(actor=actor, filters=filters).order_by(*MEMBER_SORTS.get(sort, MEMBER_SORTS["unit"]))
        ctx.update(form=form, page=paginate(self.request, qs), sort=sort, page_sizes=PAGE_SIZES)
        return ctx


class MemberDetailView(TemplateView):
    template_name = "members/member_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        member = selectors.member_get(actor=self.request.user, pk=self.kwargs["pk"])
        ctx.update(member=member, sections=registry.member_sections(self.request, member))
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
        ctx.update(page=paginate(self.request, units, default_size=50), q=q)
        return ctx


class UnitDetailView(TemplateView):
    template_name = "members/unit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unit = selectors.organization_get(actor=self.request.user, pk=self.kwargs["pk"])
        ctx.update(unit=unit, sections=registry.unit_sections(self.request, unit))
        return ctx
