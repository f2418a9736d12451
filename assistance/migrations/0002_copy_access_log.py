"""Copy the file access log into the portal's one access record (members.AccessRecord)."""

from django.db import migrations

BATCH = 2000
ACTIONS = {"view_case": ("view", "困难职工档案"), "view_document": ("document", "困难职工档案材料")}
EXPORTS = {"disbursement_roster": "帮扶资金发放花名册"}


def forward(apps, schema_editor):
    AccessLog = apps.get_model("assistance", "AccessLog")
    AccessRecord = apps.get_model("members", "AccessRecord")
    batch = []
    for log in AccessLog.objects.select_related("case", "case__member").order_by("pk").iterator(chunk_size=BATCH):
        if log.action == "export":
            action, what = "export", EXPORTS.get(log.export_name, log.export_name or "导出")
        else:
            action, what = ACTIONS.get(log.action, ("view", log.action))
        case = log.case
        batch.append(
            AccessRecord(
                actor_id=log.actor_id,
                at=log.at,
                action=action,
                app="assistance",
                what=what[:200],
                target_model="assistance.hardshipcase" if case else "",
                target_id=case.pk if case else None,
                target_ref=f"{case.number} {case.member.name}"[:100] if case else "",
                unit_id=case.unit_id if case else None,
                rows=log.row_count,
            )
        )
        if len(batch) >= BATCH:
            AccessRecord.objects.bulk_create(batch)
            batch = []
    AccessRecord.objects.bulk_create(batch)


def backward(apps, schema_editor):
    AccessLog = apps.get_model("assistance", "AccessLog")
    AccessRecord = apps.get_model("members", "AccessRecord")
    AccessLog._meta.get_field("at").auto_now_add = False
    names = {v: k for k, v in EXPORTS.items()}
    logs = []
    for r in AccessRecord.objects.filter(app="assistance").order_by("pk"):
        action = {"view": "view_case", "document": "view_document"}.get(r.action, "export")
        case_id = r.target_id if r.target_model == "assistance.hardshipcase" else None
        logs.append(
            AccessLog(
                actor_id=r.actor_id,
                at=r.at,
                action=action,
                case_id=case_id,
                export_name=names.get(r.what, r.what)[:100] if action == "export" else "",
                row_count=r.rows,
            )
        )
    AccessLog.objects.bulk_create(logs)


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0001_initial"),
        ("members", "0006_access_record"),
    ]

    operations = [migrations.RunPython(forward, backward)]
