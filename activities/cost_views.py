"""The costs page of an activity (its managers only): the costs recorded, a form to add one, removal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from members.web import ServiceActionView, form_errors_from

from . import costs
from .models import ActivityCost, CostKind
from .selectors import activity_get


class CostForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind of cost"), choices=CostKind.choices)
    amount = forms.DecimalField(label=gettext_lazy("amount (yuan)"), min_value=0.01, max_digits=12, decimal_places=2)
    paid_on = forms.DateField(label=gettext_lazy("paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    payee = forms.CharField(label=gettext_lazy("payee"), max_length=100)
    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False)


class CostsView(View):
    template_name = "activities/costs.html"

    def _render(self, request, activity, form):
        rows = activity.costs.order_by("paid_on", "pk")
        total = rows.aggregate(s=Sum("amount"))["s"]
        return render(request, self.template_name, {"activity": activity, "costs": rows, "total": total, "form": form})

    def get(self, request, pk):
        activity = activity_get(actor=request.user, pk=pk, manage=True)
        return self._render(request, activity, CostForm(initial={"paid_on": timezone.localdate()}))

    def post(self, request, pk):
        activity = activity_get(actor=request.user, pk=pk, manage=True)
        form = CostForm(request.POST)
        if form.is_valid():
            try:
                costs.cost_add(actor=request.user, activity_id=activity.pk, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The cost is recorded and posted to the union's funds ledger."))
                return redirect("activities:costs", activity.pk)
        return self._render(request, activity, form)


class CostRemoveView(ServiceActionView):
    def act(self, request, pk):
        cost = ActivityCost.objects.for_actor(request.user).filter(pk=pk).values_list("activity_id", flat=True).first()
        self.activity_id = cost
        costs.cost_remove(actor=request.user, cost_id=pk)

    def get_success_message(self, result) -> str:
        return _("The cost is removed and its posting reversed in the funds ledger.")

    def get_success_url(self) -> str:
        from django.urls import reverse

        return reverse("activities:costs", args=[self.activity_id]) if self.activity_id else reverse("activities:list")
