"""Issue #17: the masked ID number showed the area code and the last four characters (sequence digits and
check character), which with the birth date shown beside it gave the whole number back. Every stored masked
copy (members and their history rows) now keeps only the first four characters. Not reversible: the
removed characters are not kept anywhere in plain (the backwards step leaves the safer mask)."""

from django.db import migrations

KEEP = 4
CHUNK = 2000
MODELS = [("members", "Member"), ("members", "HistoricalMember")]


def remask(apps, schema_editor):
    # The masking rule frozen as it was on the day of this migration (members.idnumbers.mask keeps the first
    # four characters): cut every stored masked copy back to it, in keyset chunks of 2,000 rows, inside the
    # database (the old copy holds those four characters already; nothing is decrypted).
    from django.db.models import Value
    from django.db.models.functions import Concat, Left, Length

    for app_label, model_name in MODELS:
        model = apps.get_model(app_label, model_name)
        pk = model._meta.pk.attname
        last = None
        while True:
            qs = model._base_manager.order_by(pk)
            if last is not None:
                qs = qs.filter(**{f"{pk}__gt": last})
            keys = list(qs.values_list(pk, flat=True)[:CHUNK])
            if not keys:
                break
            last = keys[-1]
            model._base_manager.filter(**{f"{pk}__in": keys}).annotate(n=Length("id_number_masked")).filter(
                n=18
            ).update(id_number_masked=Concat(Left("id_number_masked", KEEP), Value("*" * (18 - KEEP))))


class Migration(migrations.Migration):
    dependencies = [("members", "0011_role_assignment_created_label")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop, elidable=False)]
