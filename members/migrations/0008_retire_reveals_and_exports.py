from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("members", "0007_copy_reveals_and_exports")]

    operations = [
        migrations.DeleteModel(name="IdNumberReveal"),
        migrations.DeleteModel(name="MemberExport"),
    ]
