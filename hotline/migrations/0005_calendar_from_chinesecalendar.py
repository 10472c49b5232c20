"""The 2026 days typed in by 0003 now come from the ``chinesecalendar`` package
(``hotline.calendar``); ``CalendarDay`` keeps only local exceptions. Only the rows 0003
loaded and nobody has touched since (no ``updated_by``, same kind) are removed: a day staff
entered or corrected stays, and wins over the package."""

from importlib import import_module

from django.db import migrations


def _days_2026():
    return import_module("hotline.migrations.0003_calendar_2026").days_2026()


def drop_typed_days(apps, schema_editor):
    CalendarDay = apps.get_model("hotline", "CalendarDay")
    for day, kind, _name in _days_2026():
        CalendarDay.objects.filter(date=day, kind=kind, updated_by__isnull=True).delete()


def restore_typed_days(apps, schema_editor):
    import_module("hotline.migrations.0003_calendar_2026").load(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("hotline", "0004_staff_field_labels")]

    operations = [
        migrations.AlterModelOptions(
            name="calendarday",
            options={
                "ordering": ["date"],
                "verbose_name": "节假日本地调整",
                "verbose_name_plural": "节假日本地调整",
            },
        ),
        migrations.RunPython(drop_typed_days, restore_typed_days),
    ]
