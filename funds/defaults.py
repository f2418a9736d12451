"""The national categories, the categories of the portal's payments and the default dues rule, as live code:
``ensure_defaults()`` puts back whatever of them is missing (the migration 0002 holds the frozen copy that seeded
them; a test database flushed by a transactional test, or a new install, gets them here)."""

from decimal import Decimal

CATEGORIES = [
    # code, name, direction, parent code
    ("11", "会费收入", "income", None),
    ("12", "拨缴经费收入", "income", None),
    ("13", "上级补助收入", "income", None),
    ("14", "行政补助收入", "income", None),
    ("19", "其他收入", "income", None),
    ("21", "职工活动支出", "expenditure", None),
    ("2101", "职工教育支出", "expenditure", "21"),
    ("2102", "文体活动支出", "expenditure", "21"),
    ("2103", "宣传活动支出", "expenditure", "21"),
    ("2104", "职工集体福利支出", "expenditure", "21"),
    ("2109", "其他活动支出", "expenditure", "21"),
    ("22", "维权支出", "expenditure", None),
    ("2201", "劳动关系协调支出", "expenditure", "22"),
    ("2202", "劳动保护支出", "expenditure", "22"),
    ("2203", "法律援助支出", "expenditure", "22"),
    ("2204", "困难职工帮扶支出", "expenditure", "22"),
    ("2205", "送温暖支出", "expenditure", "22"),
    ("2209", "其他维权支出", "expenditure", "22"),
    ("23", "业务支出", "expenditure", None),
    ("2301", "培训支出", "expenditure", "23"),
    ("2302", "会议支出", "expenditure", "23"),
    ("2303", "专项业务支出", "expenditure", "23"),
    ("2309", "其他业务支出", "expenditure", "23"),
    ("24", "资本性支出", "expenditure", None),
    ("29", "其他支出", "expenditure", None),
]

MAPPING = {
    "welfare.festival": "2104",
    "welfare.birthday": "2104",
    "welfare.other": "2104",
    "assistance.hardship": "2204",
    "assistance.winter": "2205",
    "assistance.recuperation": "2109",
    "activities.culture_sports": "2102",
    "activities.education": "2101",
    "funds.dues": "11",
    "funds.allocation": "12",
}


def forwards(apps, schema_editor=None):
    Category = apps.get_model("funds", "Category")
    KindMapping = apps.get_model("funds", "KindMapping")
    DuesRule = apps.get_model("funds", "DuesRule")
    parents = {c for _, _, _, c in CATEGORIES if c}
    by_code = {}
    for order, (code, name, direction, parent) in enumerate(CATEGORIES, 1):
        by_code[code], _created = Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "direction": direction,
                "parent": by_code.get(parent),
                "is_leaf": code not in parents,
                "sort_order": order * 10,
            },
        )
    for kind, code in MAPPING.items():
        KindMapping.objects.get_or_create(kind=kind, defaults={"category": by_code[code]})
    DuesRule.objects.get_or_create(
        from_year=2017,
        defaults={
            "rate": Decimal("0.005"),
            "quantum": Decimal("0.01"),
            "rounding": "half_up",
            "allocation_rate": Decimal("0.02"),
            "allocation_kept_share": Decimal("0.6"),
        },
    )


def ensure_defaults() -> None:
    from django.apps import apps

    forwards(apps)
