"""Seed the Jiangsu policies of 2025-2027 with the figures of 苏工发〔2018〕13号 (editable afterwards).

The figures are frozen here, as they stood when this migration was written: a later change to
``welfare.defaults`` (or to the models) must not change what this step of history did.
"""

from decimal import Decimal

from django.db import migrations

PROVINCE = "江苏"
DOCUMENT = "苏工发〔2018〕13号"
#: category: (cap or None when no figure is known, goods, coupon, money)
CAPS = {
    "festival": (Decimal("1800"), True, False, False),
    "birthday": (Decimal("400"), True, True, False),
    "marriage": (Decimal("1000"), True, False, False),
    "childbirth": (Decimal("1000"), True, False, False),
    "illness": (None, True, False, True),
    "retirement": (None, True, False, False),
}
FESTIVAL_SPLIT = {"spring": Decimal("800"), "dragon_boat": Decimal("500"), "mid_autumn": Decimal("500")}


def seed(apps, schema_editor):
    WelfarePolicy = apps.get_model("welfare", "WelfarePolicy")  # noqa: N806
    CategoryCap = apps.get_model("welfare", "CategoryCap")  # noqa: N806
    FestivalCap = apps.get_model("welfare", "FestivalCap")  # noqa: N806
    for year in (2025, 2026, 2027):
        policy, created = WelfarePolicy.objects.get_or_create(
            year=year, province=PROVINCE, defaults={"document": DOCUMENT}
        )
        if not created:
            continue
        CategoryCap.objects.bulk_create(
            CategoryCap(policy=policy, category=c, cap=cap, allow_goods=g, allow_coupon=cp, allow_money=m)
            for c, (cap, g, cp, m) in CAPS.items()
        )
        FestivalCap.objects.bulk_create(FestivalCap(policy=policy, festival=f, cap=cap) for f, cap in FESTIVAL_SPLIT.items())


class Migration(migrations.Migration):
    dependencies = [("welfare", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
