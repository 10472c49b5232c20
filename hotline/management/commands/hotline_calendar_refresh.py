"""After upgrading ``chinesecalendar`` (a new year's holidays): move the open requests' time
limits that run through the newly known days. Idempotent; safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hotline.calendar import LIBRARY, library_knows
from hotline.services.calendar import calendar_library_refresh


class Command(BaseCommand):
    help = "Recompute open hotline time limits after the holiday package was upgraded."

    def add_arguments(self, parser):
        parser.add_argument(
            "years", nargs="*", type=int, help="years to refresh (default: this and next)"
        )

    def handle(self, *args, years: list[int], **options):
        today = timezone.localdate()
        years = years or [today.year, today.year + 1]
        unknown = [year for year in years if not library_knows(year)]
        known = [year for year in years if library_knows(year)]
        if not known:
            raise CommandError(f"{LIBRARY} 尚无 {years} 年的数据，请先升级该包。")
        days = calendar_library_refresh(years=known)
        self.stdout.write(
            f"{LIBRARY}：{known} 年共 {days} 个法定放假或调休日，经过这些日期的时限已排队重新计算。"
            + (f"尚无数据的年份：{unknown}。" if unknown else "")
        )
