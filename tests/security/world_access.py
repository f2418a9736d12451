"""Objects of the URL matrix for accounts and access: a transfer waiting, from unit A to unit B."""

from members import services
from tests.factories import MemberFactory


def build(ids, *, tree, member_a, officer_a, officer_b, city_admin) -> None:
    mover = MemberFactory(unit=tree["a"], name="待转会员")
    transfer = services.transfer_start(actor=officer_a, member=mover, to_unit=tree["b"], on=mover.join_date, reason="")
    ids["transfer"] = transfer.pk
