from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from regions.services import region_import_from_csv


class Command(BaseCommand):
    help = "Load or update the administrative regions from the data file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=settings.REGIONS_DATA_FILE)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"找不到地区数据文件：{file}")
        try:
            result = region_import_from_csv(path=file)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(
            f"regions: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
