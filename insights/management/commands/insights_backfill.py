"""python manage.py insights_backfill --from 2026-10-01 --to 2026-10-31"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insights.services import facts_backfill


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"日期格式应为YYYY-MM-DD：{value}") from error


class Command(BaseCommand):
    help = "计算（或重新计算）一段日期内每天的全部指标；重算某天会整体替换该天的数据。"

    def add_arguments(self, parser):
        yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
        parser.add_argument("--from", dest="start", default=yesterday, help="开始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="end", default=yesterday, help="结束日期 YYYY-MM-DD")

    def handle(self, *args, **options):
        start, end = _date(options["start"]), _date(options["end"])
        try:
            runs = facts_backfill(start=start, end=end)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        for run in runs:
            self.stdout.write(f"{run.date:%Y-%m-%d}: {run.rows} 行，{run.seconds:.1f} 秒")
        self.stdout.write(self.style.SUCCESS(f"已计算 {len(runs)} 天"))
