"""The kernel's tasks moved from ``portal.tasks`` to ``core.tasks`` (their names are their
dotted paths): rows still pending under the old names are renamed so the relay finds them."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Concat, Substr

OLD, NEW = "portal.tasks.", "core.tasks."


def rename(apps, schema_editor, old=OLD, new=NEW):
    OutboxMessage = apps.get_model("portal", "OutboxMessage")
    OutboxMessage.objects.filter(task__startswith=old).update(
        task=Concat(Value(new), Substr("task", len(old) + 1))
    )


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_outbox")]

    operations = [migrations.RunPython(rename, rename_back)]
