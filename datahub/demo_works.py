"""Demo ledgers for the registry's work databases: 廊坊's unions' 困难职工档案, 帮扶记录,
互助保障, 劳模 and 工匠, 职工之家阵地, 集体合同 and the rest, a few dozen rows each, imported by
孙丽 (廊坊市总工会) through the same importer staff use, so every row has its lineage and
a row report exists.

Idempotent: the files are the same every time (fixed seed and date), and a file already
imported is refused as a repeat, which the seed reports and moves past."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.selectors.users import user_get_by_phone
from datahub.registry import work_databases
from datahub.registry.samples import sample_csv, sample_rows
from datahub.services.works import work_import_create, work_import_run

IMPORTER_PHONE = "13900000003"  # 孙丽, 廊坊市总工会 editor
LANGFANG_COUNTIES = ["131002", "131003", "131022", "131023", "131025", "131028", "131081", "131082"]
AS_OF = datetime.date(2026, 11, 30)
ROWS = 24


def seed(*, stdout) -> None:
    importer = user_get_by_phone(phone=IMPORTER_PHONE)
    if importer is None:
        stdout.write("  work databases: no importer (run accounts.demo first)")
        return
    for index, database in enumerate(work_databases()):
        if database.is_view:
            continue
        rows = sample_rows(database, count=ROWS, regions=LANGFANG_COUNTIES, seed=index, today=AS_OF)
        name = f"廊坊市{database.name}台账（2026年11月）.csv"
        try:
            draft = work_import_create(
                user=importer,
                database=database.code,
                upload=SimpleUploadedFile(name, sample_csv(database, rows)),
                name=name,
                run_async=False,
            )
        except ValidationError as exc:
            if exc.code != "duplicate_file":
                raise
            stdout.write(f"  {database.name}: already imported")
            continue
        result = work_import_run(import_id=draft.pk)
        stdout.write(f"  {database.name}: {result.accepted_count} rows ({result.status})")
