"""Demo data for `manage.py seed_demo`: this year's and next year's Jiangsu policies, and the
financial bureau's Spring Festival and Dragon Boat batches (confirmed, partly signed for)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.festivals import festival_dates
from members.models import Organization

from . import services
from .defaults import ensure_jiangsu_policy
from .models import Category, Distribution

BATCHES = [
    ("spring", "春节慰问品（大米、食用油、年货礼盒）", Decimal("800")),
    ("dragon_boat", "端午慰问品（粽子、咸鸭蛋礼盒）", Decimal("450")),
]


def seed(*, stdout, rng) -> None:
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        ensure_jiangsu_policy(year)
    admin = get_user_model().objects.filter(username="admin").first()
    unit = Organization.objects.filter(name="市财政局").first()
    if admin is None or unit is None:
        return
    dates = festival_dates(today.year)
    created = 0
    for festival, item, amount in BATCHES:
        on = dates[festival] - timedelta(days=3)
        if on > today or Distribution.objects.for_actor(admin).filter(organization=unit, item=item, date=on).exists():
            continue
        batch = services.distribution_create(
            actor=admin,
            organization=unit,
            category=Category.FESTIVAL,
            festival=festival,
            on=on,
            item=item,
            form="goods",
            amount=amount,
        )
        services.distribution_confirm(actor=admin, distribution=batch)
        # Partly signed for: the first few dozen people (signing one by one through the service keeps
        # the demo honest, and a sample keeps seed_demo --members 50000 within a minute).
        for recipient in batch.recipients.filter(included=True).order_by("pk")[:60]:
            if rng.random() < 0.85:
                services.recipient_sign(actor=admin, recipient=recipient, received_on=on)
        created += 1
    stdout.write(f"Welfare: policies for {today.year}-{today.year + 1}, {created} demo batches created.")
