"""The world's roster import: officer A's checked file (only its uploader sees it)."""

from __future__ import annotations


def build(ids, *, tree, member_a, officer_a, officer_b, city_admin) -> None:
    from members.models import ImportStatus, MemberImport

    imp = MemberImport.objects.create(
        token="0" * 31 + "a",
        requested_by=officer_a,
        unit=tree["a"],
        file_name="roster.xlsx",
        status=ImportStatus.CHECKED,
        rows=1,
        new=1,
    )
    ids["member_import"] = imp.token
