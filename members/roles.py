"""Each role's default permissions, kept as a Django group so administrators can adjust them."""

from __future__ import annotations

from .models import Role

#: Group names are stable identifiers (shown translated in the UI via Role labels).
ROLE_GROUPS: dict[Role, str] = {
    Role.CITY_ADMIN: "city_admin",
    Role.ZONE_LEAD: "zone_lead",
    Role.UNIT_OFFICER: "unit_officer",
    Role.FUNDS_AUDITOR: "funds_auditor",
    Role.AUDITOR: "auditor",
}

#: app_label.codename of the permissions each role's group holds by default. Other apps add
#: their own through ``add_role_permissions`` in their AppConfig.ready().
ROLE_PERMISSIONS: dict[Role, set[str]] = {
    Role.CITY_ADMIN: {
        "members.view_member",
        "members.add_member",
        "members.change_member",
        "members.reveal_id_number",
        "members.import_member",
        "members.export_member",
        "members.view_accessrecord",
        "members.view_membershipchange",
        "members.view_organization",
        "members.add_organization",
        "members.change_organization",
        "members.view_loginevent",
        "members.view_transferrequest",
        # the spellings the roster import reads (男性 → 男, 党员 → 中共党员 …)
        "members.view_choicesynonym",
        "members.add_choicesynonym",
        "members.change_choicesynonym",
        "members.delete_choicesynonym",
    },
    # 安全审计员: the records, nothing else (no member, no unit, no personal data beyond the records).
    Role.AUDITOR: {"members.view_accessrecord", "members.view_membershipchange", "members.view_loginevent"},
    Role.ZONE_LEAD: {"members.view_member", "members.export_member", "members.view_organization"},
    Role.FUNDS_AUDITOR: set(),  # the funds app adds its read permissions
    Role.UNIT_OFFICER: {
        "members.view_member",
        "members.add_member",
        "members.change_member",
        "members.import_member",
        "members.export_member",
        "members.view_organization",
    },
}


def add_role_permissions(role: Role, *perms: str) -> None:
    ROLE_PERMISSIONS[role].update(perms)


def sync_role_groups() -> None:
    """Create the role groups and give them their default permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, group_name in ROLE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = ROLE_PERMISSIONS[role]
        perms = []
        for dotted in sorted(wanted):
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                perms.append(perm)
        group.permissions.add(*perms)
