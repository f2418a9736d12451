"""The default policy: Jiangsu's figures (苏工发〔2018〕13号, within the national rule's ceilings),
seeded as data that the city administrator edits afterwards. Used by the demo seeder; the data
migration 0002 keeps its own frozen copy of these figures."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

JIANGSU = "江苏"
JIANGSU_DOCUMENT = "苏工发〔2018〕13号"

#: category: (cap or None when no figure is known, goods, coupon, money)
JIANGSU_CAPS = {
    "festival": (Decimal("1800"), True, False, False),
    "birthday": (Decimal("400"), True, True, False),
    "marriage": (Decimal("1000"), True, False, False),
    "childbirth": (Decimal("1000"), True, False, False),
    "illness": (None, True, False, True),
    "retirement": (None, True, False, False),
}
JIANGSU_FESTIVAL_SPLIT = {"spring": Decimal("800"), "dragon_boat": Decimal("500"), "mid_autumn": Decimal("500")}


def portal_province() -> str:
    """The province whose policies this portal applies (setting WELFARE_PROVINCE, default 江苏)."""
    return getattr(settings, "WELFARE_PROVINCE", JIANGSU)


def ensure_jiangsu_policy(year: int):
    """Create the Jiangsu policy of ``year`` with the default caps unless it exists (idempotent)."""
    from .models import CategoryCap, FestivalCap, WelfarePolicy

    policy, created = WelfarePolicy.objects.get_or_create(
        year=year, province=JIANGSU, defaults={"document": JIANGSU_DOCUMENT}
    )
    if created:
        CategoryCap.objects.bulk_create(
            CategoryCap(policy=policy, category=c, cap=cap, allow_goods=g, allow_coupon=cp, allow_money=m)
            for c, (cap, g, cp, m) in JIANGSU_CAPS.items()
        )
        FestivalCap.objects.bulk_create(
            FestivalCap(policy=policy, festival=f, cap=cap) for f, cap in JIANGSU_FESTIVAL_SPLIT.items()
        )
    return policy
