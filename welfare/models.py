"""Welfare: yearly policies and caps, festival and birthday distributions, sign-off."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.festivals import Festival
from members.models import Member, Organization
from members.scoping import ScopedManager

MONEY = {"max_digits": 10, "decimal_places": 2}


class Category(models.TextChoices):
    FESTIVAL = "festival", _("Festival gifts")
    BIRTHDAY = "birthday", _("Birthday")
    MARRIAGE = "marriage", _("Marriage")
    CHILDBIRTH = "childbirth", _("Childbirth")
    ILLNESS = "illness", _("Illness or bereavement")
    RETIREMENT = "retirement", _("Retirement")


class GiftForm(models.TextChoices):
    GOODS = "goods", _("Goods")
    COUPON = "coupon", _("Cake coupon")
    MONEY = "money", _("Money")


class WelfarePolicy(models.Model):
    """The caps of one year in one province (Jiangsu seeded; administrators edit them)."""

    scope_exempt = (
        "reference data: a province's yearly welfare rule as its rule document sets it "
        "(苏工发〔2018〕13号 for Jiangsu); "
        "no unit's or person's data"
    )

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2099)])
    province = models.CharField(_("province"), max_length=20)
    document = models.CharField(_("rule document"), max_length=200, blank=True)
    include_retained = models.BooleanField(_("retained (retired) members receive gifts"), default=True)
    include_non_establishment = models.BooleanField(_("non-establishment staff receive gifts"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("welfare policy")
        verbose_name_plural = _("welfare policies")
        ordering = ["-year", "province"]
        constraints = [models.UniqueConstraint(fields=["year", "province"], name="welfarepolicy_year_province")]

    def __str__(self) -> str:
        return f"{self.year} {self.province}"


class CategoryCap(models.Model):
    """The cap per member per year of one category, and the forms the category may take."""

    scope_exempt = (
        "reference data: one category's cap and allowed forms in a province's yearly rule "
        "(苏工发〔2018〕13号 for Jiangsu); "
        "no unit's or person's data"
    )

    policy = models.ForeignKey(WelfarePolicy, on_delete=models.CASCADE, related_name="caps", verbose_name=_("policy"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    cap = models.DecimalField(
        _("cap per member per year (yuan)"),
        validators=[MinValueValidator(0)],
        null=True,
        blank=True,
        help_text=_("Empty: no figure set yet; gifts of this category are refused until one is."),
        **MONEY,
    )
    allow_goods = models.BooleanField(_("goods allowed"), default=True)
    allow_coupon = models.BooleanField(_("coupon allowed"), default=False)
    allow_money = models.BooleanField(_("money allowed"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category cap")
        verbose_name_plural = _("category caps")
        ordering = ["policy", "category"]
        constraints = [models.UniqueConstraint(fields=["policy", "category"], name="categorycap_policy_category")]

    def __str__(self) -> str:
        limit = f"≤ {self.cap}" if self.cap is not None else _("no cap")
        return f"{self.policy} {self.get_category_display()} {limit}"

    def allows(self, form: str) -> bool:
        return {GiftForm.GOODS: self.allow_goods, GiftForm.COUPON: self.allow_coupon, GiftForm.MONEY: self.allow_money}[
            GiftForm(form)
        ]


class FestivalCap(models.Model):
    """An optional split of the festival cap (e.g. 春节 800, 端午 500, 中秋 500 within 1,800)."""

    scope_exempt = (
        "reference data: one festival's share of the festival cap in a province's yearly rule "
        "(苏工发〔2018〕13号 for Jiangsu); "
        "no unit's or person's data"
    )

    policy = models.ForeignKey(
        WelfarePolicy, on_delete=models.CASCADE, related_name="festival_caps", verbose_name=_("policy")
    )
    festival = models.CharField(_("festival"), max_length=20, choices=Festival.choices)
    cap = models.DecimalField(_("cap per member (yuan)"), validators=[MinValueValidator(0)], **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("festival cap")
        verbose_name_plural = _("festival caps")
        ordering = ["policy", "festival"]
        constraints = [models.UniqueConstraint(fields=["policy", "festival"], name="festivalcap_policy_festival")]

    def __str__(self) -> str:
        limit = f"≤ {self.cap}" if self.cap is not None else _("no cap")
        return f"{self.policy} {self.get_festival_display()} {limit}"


class DistributionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")


class Distribution(models.Model):
    """A batch of gifts (发放批次) of a unit, or of the city union for all units."""

    # A unit's batch is its officers' (the zone lead reads it); a city-wide batch belongs to the city
    # union, so only the city administrators read and manage it.
    scope_path = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="distributions", verbose_name=_("unit")
    )
    policy = models.ForeignKey(WelfarePolicy, on_delete=models.PROTECT, related_name="+", verbose_name=_("policy"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    festival = models.CharField(_("festival"), max_length=20, choices=Festival.choices, blank=True)
    date = models.DateField(_("date"))
    item = models.CharField(_("item"), max_length=200)
    form = models.CharField(_("form"), max_length=10, choices=GiftForm.choices, default=GiftForm.GOODS)
    amount = models.DecimalField(
        _("amount per person (yuan)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DistributionStatus.choices, default=DistributionStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["organization", "date"], name="distribution_org_date_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="distribution_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(category="festival", festival__gt="")
                | (~models.Q(category="festival") & models.Q(festival="")),
                name="distribution_festival_iff_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.organization} {self.item}"

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def is_draft(self) -> bool:
        return self.status == DistributionStatus.DRAFT


class Recipient(models.Model):
    """One person on a distribution's roster, removed or added with a reason, and the sign-off."""

    # The batch's unit decides (a roster line of a city-wide batch is the city administrators'); a
    # member reads the own gifts. A member page shows a member's gifts through ``member.gifts``.
    scope_path = "distribution__organization"
    scope_owner = "member"

    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("distribution")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("member"))
    amount = models.DecimalField(_("amount (yuan)"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY)
    included = models.BooleanField(_("on the roster"), default=True)
    added_manually = models.BooleanField(_("added by hand"), default=False)
    reason = models.CharField(_("reason for the change"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_by = models.CharField(_("received on behalf by"), max_length=50, blank=True)
    signed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["distribution", "member__name", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["distribution", "member"], name="recipient_once_per_distribution")
        ]
        indexes = [models.Index(fields=["member", "included"], name="recipient_member_idx")]

    def __str__(self) -> str:
        return f"{self.distribution} · {self.member}"


class MemberBudget(models.Model):
    """What a member has received in a year and category (festival "" = the whole category).

    Written only by ``distribution_confirm`` under ``select_for_update``: the row is the lock that
    keeps two batches confirmed at once from taking the member over the cap together.
    """

    scope_path = "member__unit"
    scope_owner = "member"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="welfare_budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    festival = models.CharField(_("festival"), max_length=20, choices=Festival.choices, blank=True)
    spent = models.DecimalField(_("received so far (yuan)"), default=Decimal("0"), **MONEY)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("member budget")
        verbose_name_plural = _("member budgets")
        constraints = [
            models.UniqueConstraint(fields=["member", "year", "category", "festival"], name="memberbudget_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.category} {self.festival} {self.spent}"
