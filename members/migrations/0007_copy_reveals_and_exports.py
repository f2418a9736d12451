"""Copy the ID-number reveals and member exports into the one access record (labels in Chinese,
the portal's language, as record_access writes them)."""

from django.db import migrations

BATCH = 2000


def forward(apps, schema_editor):
    AccessRecord = apps.get_model("members", "AccessRecord")
    IdNumberReveal = apps.get_model("members", "IdNumberReveal")
    MemberExport = apps.get_model("members", "MemberExport")
    batch = []
    reveals = IdNumberReveal.objects.select_related("member").order_by("pk")
    for r in reveals.iterator(chunk_size=BATCH):
        batch.append(
            AccessRecord(
                actor_id=r.viewer_id,
                at=r.at,
                action="reveal_id",
                app="members",
                what="身份证号",
                target_model="members.member",
                target_id=r.member_id,
                target_ref=f"{r.member.name} · {r.member.card_number}"[:100],
                unit_id=r.member.unit_id,
                ip_address=r.ip_address,
            )
        )
        if len(batch) >= BATCH:
            AccessRecord.objects.bulk_create(batch)
            batch = []
    for e in MemberExport.objects.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(
            AccessRecord(
                actor_id=e.actor_id,
                at=e.at,
                action="export",
                app="members",
                what="会员名单",
                rows=e.rows,
                filters=e.filters,
            )
        )
        if len(batch) >= BATCH:
            AccessRecord.objects.bulk_create(batch)
            batch = []
    AccessRecord.objects.bulk_create(batch)


def backward(apps, schema_editor):
    AccessRecord = apps.get_model("members", "AccessRecord")
    IdNumberReveal = apps.get_model("members", "IdNumberReveal")
    MemberExport = apps.get_model("members", "MemberExport")
    old = AccessRecord.objects.filter(app="members")
    for model in (IdNumberReveal, MemberExport):  # keep the recorded times (the fields are auto_now_add)
        model._meta.get_field("at").auto_now_add = False
    IdNumberReveal.objects.bulk_create(
        IdNumberReveal(member_id=r.target_id, viewer_id=r.actor_id, at=r.at, ip_address=r.ip_address)
        for r in old.filter(action="reveal_id", target_id__isnull=False)
    )
    MemberExport.objects.bulk_create(
        MemberExport(actor_id=r.actor_id, at=r.at, filters=r.filters, rows=r.rows)
        for r in old.filter(action="export", what="会员名单")
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0006_access_record")]

    operations = [migrations.RunPython(forward, backward)]
