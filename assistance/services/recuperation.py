"""Recuperation (疗休养) of model workers and advanced workers, within the configured rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import Honour, Member

from ..models import Recuperation, RecuperationRule
from ..selectors import RECUPERATION_HONOURS
from ._common import require_city, validated


def _recuperation_rule_saved() -> RecuperationRule:
    """The rule a recuperation is decided by, saved (with the defaults) the first time so the admin can edit it."""
    return RecuperationRule.objects.order_by("pk").first() or RecuperationRule.objects.create()


@transaction.atomic
def recuperation_create(
    *, actor, honour: Honour, starts_on: date, ends_on: date, place: str, cost: Decimal
) -> Recuperation:
    """Send a model worker or advanced worker on recuperation; not twice within the configured years."""
    require_city(actor)
    member = Member.objects.for_actor(actor, manage=True).select_for_update(of=("self",)).get(pk=honour.member_id)
    if honour.title not in RECUPERATION_HONOURS:
        raise ValidationError({"honour": _("Recuperation is for model workers and advanced workers.")})
    years = _recuperation_rule_saved().min_years_between
    try:
        window_start = starts_on.replace(year=starts_on.year - years)
        window_end = starts_on.replace(year=starts_on.year + years)
    except ValueError:
        window_start = starts_on.replace(year=starts_on.year - years, day=28)
        window_end = starts_on.replace(year=starts_on.year + years, day=28)
    previous = (
        member.recuperations.filter(starts_on__gt=window_start, starts_on__lt=window_end).order_by("-starts_on").first()
    )
    if previous:
        raise ValidationError(
            _("%(name)s already went on recuperation on %(date)s; the rule allows one trip in %(years)s years.")
            % {"name": member.name, "date": previous.starts_on, "years": years}
        )
    trip = Recuperation(
        member=member, honour=honour, starts_on=starts_on, ends_on=ends_on, place=place, cost=cost, created_by=actor
    )
    validated(trip)
    trip.save()
    return trip
