"""The correction request of the URL matrix's world: member_a asks for the own mobile number to be corrected."""

from members import corrections


def build(ids, *, tree, member_a, officer_a, officer_b, city_admin) -> None:
    request = corrections.correction_request_create(
        actor=member_a, fields=["mobile"], proposed="13900001111", reason="换了号码"
    )
    ids["correction"] = request.pk
