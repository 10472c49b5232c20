from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jobs.matching import DATA_FILE
from jobs.services import occupation_load


class Command(BaseCommand):
    help = "载入或更新国家职业分类（CSCO 2022）数据文件中的职业（可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE)

    def handle(self, *args, file: Path, **options):
        if not file.exists():
            raise CommandError(f"找不到职业分类文件：{file}")
        try:
            result = occupation_load(path=file)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(
            f"occupations: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged"
        )
