"""The arrears of a member row annotated by funds.selectors.member_arrears."""

from decimal import Decimal

from django import template

register = template.Library()


@register.simple_tag
def arrears(member, months_due: int) -> Decimal:
    monthly = member.monthly or Decimal("0")
    return max(monthly * months_due - (member.paid or Decimal("0")), Decimal("0")).quantize(Decimal("0.01"))
