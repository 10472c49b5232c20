"""Import a roster from the command line, through the same services as the staff page.

    python manage.py datahub_import roster.csv --kind members --user 13900000003 \
        [--region 131000] [--mapping "姓名=name,身份证号=id_number,…"] [--report out.csv]
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from datahub.cleaning import FIELD_LABELS, mapping_from_text
from datahub.models import RosterImport
from datahub.reports import report_csv_lines
from datahub.services.imports import roster_import_create, roster_import_run, roster_import_start
from regions.models import Region


class Command(BaseCommand):
    help = "导入会员名册（xlsx 或 CSV）：校验、清洗、比对合并，并输出结果报告。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", default="members", choices=RosterImport.Kind.values)
        parser.add_argument("--user", required=True, help="导入人手机号（需有该地区的导入权限）")
        parser.add_argument("--region", help="归集地区代码，默认导入人管辖范围的最上级")
        parser.add_argument(
            "--mapping",
            default="",
            help="列对应，如 姓名=name,身份证号=id_number；字段：" + ",".join(FIELD_LABELS),
        )
        parser.add_argument("--report", help="把结果报告写入此 CSV 文件")
        parser.add_argument(
            "--row-path", action="store_true", help="逐行写入（不用 PostgreSQL COPY）"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        user = User.objects.filter(phone=options["user"]).first()
        if user is None:
            raise CommandError(f"没有手机号为 {options['user']} 的用户。")
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"地区代码不存在：{options['region']}")
        try:
            with path.open("rb") as handle:
                draft = roster_import_create(
                    user=user, upload=handle, name=path.name, region=region, kind=options["kind"]
                )
            mapping = (
                mapping_from_text(options["mapping"], draft.headers)
                if options["mapping"]
                else draft.mapping
            )
            if options["mapping"]:
                mapping = {**draft.mapping, **mapping}
            roster_import_start(roster_import=draft, user=user, mapping=mapping, run_async=False)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("；".join(messages)) from None
        result = roster_import_run(import_id=draft.pk, row_path=options["row_path"] or None)
        if result.status != RosterImport.Status.DONE:
            raise CommandError(f"导入失败（批次#{result.pk}）：{result.error}")
        self.stdout.write(
            f"批次#{result.pk}：{result.total_rows} 行，新增 {result.accepted_count}，"
            f"合并 {result.merged_count}，无变化 {result.unchanged_count}，"
            f"拒收 {result.rejected_count}"
        )
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8", newline="") as out:
                for chunk in report_csv_lines(roster_import=result):
                    out.write(chunk)
            self.stdout.write(f"报告：{options['report']}")
