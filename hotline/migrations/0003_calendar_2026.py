"""The 2026 holidays and make-up working days, from the State Council General Office's
notice of 4 November 2025 (国务院办公厅关于2026年部分节假日安排的通知), checked date by
date against the published text (they were hard-coded in ``hotline.calendar`` before).
Later years are entered by province staff in the admin when their notice appears."""

from datetime import date, timedelta

from django.db import migrations

HOLIDAYS_2026 = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节", date(2026, 10, 1), date(2026, 10, 7)),
]
MAKEUP_WORKDAYS_2026 = [
    ("元旦", date(2026, 1, 4)),
    ("春节", date(2026, 2, 14)),
    ("春节", date(2026, 2, 28)),
    ("劳动节", date(2026, 5, 9)),
    ("中秋节", date(2026, 9, 20)),
    ("国庆节", date(2026, 10, 10)),
]


def days_2026() -> list[tuple[date, str, str]]:
    """(date, kind, name) of every 2026 entry."""
    rows = []
    for name, first, last in HOLIDAYS_2026:
        rows += [
            (first + timedelta(days=n), "holiday", name) for n in range((last - first).days + 1)
        ]
    rows += [(day, "makeup", f"{name}调休上班") for name, day in MAKEUP_WORKDAYS_2026]
    return rows


def load(apps, schema_editor):
    CalendarDay = apps.get_model("hotline", "CalendarDay")
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, kind=kind, name=name)
        for day, kind, name in days_2026()
        if day not in existing
    )


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("hotline", "CalendarDay")
    CalendarDay.objects.filter(date__in=[day for day, _, _ in days_2026()]).delete()


class Migration(migrations.Migration):
    dependencies = [("hotline", "0002_calendarday")]

    operations = [migrations.RunPython(load, unload)]
