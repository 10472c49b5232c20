"""Benchmark: import a 2,140,000-row member roster on PostgreSQL, beside a plain
``bulk_create`` loader measured in the same run on a sample (extrapolated).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/h4_bench \
      .venv/bin/python bench/datahub_import.py [--rows 2140000] [--baseline-rows 50000]

Sets up its own content (migrate, regions, one joint union per county, a province-wide
importer), writes a CSV roster (valid rows and about 2 % invalid ones, some people listed
twice, full-width digits, several date formats) and then, in this order:

1. AES-GCM encryption of the ID numbers alone (``accounts.crypto.id_number_encrypt``), on
   a sample: what the CPU-bound part costs per row;
2. the plain loader: every row cleaned by the same ``row_clean``, then per batch of 1,000:
   look up existing members by ID hash and phone, ``bulk_create`` users, identities (then
   ``bulk_update`` of the member IDs), memberships and member cards;
3. the real import (``roster_import_create`` → ``roster_import_start`` →
   ``roster_import_run``: COPY into a staging table, set-based classification and apply).

Prints the timings, rows per second and the ratio. Re-running starts from an empty
member set (the bench's users are deleted first).

``--work`` measures the registry's work databases instead (issue 22): ``--rows`` spread
evenly over every stored database of ``datahub.registry`` (valid sample rows from the
declarations, about 1 % with a required value blanked), one file per database, each imported
through ``work_import_create`` → ``work_import_run`` (COPY staging, upsert), one after the
other; a second pass re-imports the first file changed by one row (idempotency: all but one
unchanged). ``--smoke`` runs either mode on 2,000 rows, without the baseline, in seconds.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import multiprocessing
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from accounts import crypto  # noqa: E402
from accounts.models import (  # noqa: E402
    Credential,
    DigitalIdentity,
    Membership,
    Role,
    UnionOrganization,
    User,
)
from accounts.services.identity import member_id_for_sequence  # noqa: E402
from datahub.cleaning import RegionResolver, mapping_suggest, row_clean  # noqa: E402
from datahub.parsing import sheet_detect, sheet_rows  # noqa: E402
from regions.models import Region  # noqa: E402
from regions.selectors import region_tree  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华志国海燕红玉梅鹏飞浩然子涵"
IMPORTER_PHONE = "13999990000"
BENCH_PHONE_PREFIXES = ("13", "15")
BASELINE_PHONE = "15"


def setup() -> tuple[User, list[tuple[str, str]]]:
    if connection.vendor != "postgresql":
        sys.exit("needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0, skip_checks=True)
    if not Region.objects.filter(code="131082").exists():
        call_command("load_regions", verbosity=0, skip_checks=True)
    from accounts.services.roles import role_assign
    from accounts.services.unions import union_organization_create

    province_region = Region.objects.get(code="130000")
    province = UnionOrganization.objects.filter(kind="provincial").first() or (
        union_organization_create(
            name="河北省总工会", kind="provincial", region=province_region, parent=None
        )
    )
    counties = list(Region.objects.filter(level="county").order_by("code"))
    unions = []
    for county in counties:
        name = f"{county.name}新就业形态联合工会（压测）"
        union = UnionOrganization.objects.filter(name=name).first() or union_organization_create(
            name=name, kind="joint", region=county, parent=province
        )
        unions.append((county.code, union.name))
    importer = User.objects.filter(phone=IMPORTER_PHONE).first()
    if importer is None:
        importer = User.objects.create(
            phone=IMPORTER_PHONE, display_name="压测导入员", is_staff=True
        )
        role_assign(user=importer, role=Role.PROVINCE_ADMIN, region=province_region)
    return importer, unions


def clean_slate() -> None:
    """Delete what earlier runs imported (bench phones only), set-based."""
    from datahub.models import ImportRow, MemberChange, RosterImport

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_users ON COMMIT DROP AS SELECT id FROM accounts_user "
            "WHERE phone LIKE '13%%' OR phone LIKE '15%%'"
        )
        cursor.execute(
            "DELETE FROM bench_users WHERE id IN (SELECT id FROM accounts_user WHERE phone = %s)",
            [IMPORTER_PHONE],
        )
        for table, column in (
            ("accounts_credential", "user_id"),
            ("accounts_membership", "user_id"),
            ("accounts_digitalidentity", "user_id"),
            ("datahub_memberchange", "user_id"),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM bench_users)")  # noqa: S608
        cursor.execute("DELETE FROM accounts_user WHERE id IN (SELECT id FROM bench_users)")
    ImportRow.objects.all().delete()
    RosterImport.objects.all().delete()
    MemberChange.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE accounts_user")
        cursor.execute("VACUUM ANALYZE accounts_digitalidentity")
        cursor.execute("VACUUM ANALYZE accounts_membership")
        cursor.execute("VACUUM ANALYZE accounts_credential")


def _valid_prefixes(year_from: int) -> list[str]:
    prefixes = []
    for node in region_tree().nodes.values():
        if node.level != "county":
            continue
        try:
            ric.get_birth_place(f"{node.code}{year_from}01010000")
        except Exception:  # noqa: BLE001, S112 - stdnum raises its own exceptions
            continue
        prefixes.append(node.code)
    return sorted(prefixes)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def generate(
    path: Path,
    rows: int,
    unions: list[tuple[str, str]],
    *,
    phone_prefix: str,
    seq_base: int,
    seed: int,
) -> dict:
    """Write the roster; returns what was planted in it."""
    rng = random.Random(seed)
    prefixes = _valid_prefixes(1990)
    union_of = dict(unions)
    tree = region_tree().nodes
    names = {c: tree[n.parent_code].name + n.name for c, n in tree.items() if n.parent_code}
    start = datetime.date(1990, 1, 1)
    days = 16 * 365
    planted = {"invalid": 0, "duplicate": 0, "full_width": 0}
    previous: list[list[str]] = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["序号", "姓名", "身份证号", "手机号", "所在地区", "所在工会", "入会日期", "工作单位"]
        )
        for i in range(rows):
            if previous and rng.random() < 0.005:
                writer.writerow([i + 1, *rng.choice(previous)])
                planted["duplicate"] += 1
                continue
            prefix = prefixes[i % len(prefixes)]
            step = i // len(prefixes)
            birth = start + datetime.timedelta(days=step % days)
            seq = seq_base + step // days
            body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            phone = f"{phone_prefix}{i:09d}"
            region = prefix if rng.random() < 0.8 else names[prefix]
            union = union_of.get(prefix, "")
            joined = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(3600))
            joined_text = rng.choice(
                [joined.isoformat(), f"{joined.year}/{joined.month}/{joined.day}",
                 f"{joined.year}年{joined.month}月{joined.day}日", joined.strftime("%Y%m%d")]
            )  # fmt: skip
            name = rng.choice(SURNAMES) + "".join(
                rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))
            )
            roll = rng.random()
            if roll < 0.008:
                number = number[:-1] + ("0" if number[-1] != "0" else "1")
                planted["invalid"] += 1
            elif roll < 0.012:
                phone = phone[:-1]
                planted["invalid"] += 1
            elif roll < 0.016:
                region = "139999"
                planted["invalid"] += 1
            elif roll < 0.020:
                joined_text = "2023-13-45"
                planted["invalid"] += 1
            elif roll < 0.07:
                number, phone = _full_width(number), _full_width(phone)
                planted["full_width"] += 1
            row = [name, number, phone, region, union, joined_text, "河北某物流有限公司"]
            writer.writerow([i + 1, *row])
            if len(previous) < 5000:
                previous.append(row)
    return planted


def time_encryption(sample: int) -> float:
    number = "131082199501011234"
    started = time.perf_counter()
    for _ in range(sample):
        crypto.id_number_encrypt(number)
    return (time.perf_counter() - started) / sample


def baseline_load(path: Path, importer: User) -> tuple[int, float]:
    """The plain loader: same cleaning, then batches of bulk_create."""
    info = sheet_detect(path)
    mapping = mapping_suggest(info.headers)
    resolver = RegionResolver(region_tree().nodes)
    today = timezone.localdate()
    unions = {u.name: u for u in UnionOrganization.objects.all()}
    regions = {r.code for r in Region.objects.all()}
    started = time.perf_counter()
    count = 0
    batch = []

    def flush(batch):
        hashes = {crypto.id_number_hash(r.id_number): r for r in batch}
        known = set(
            DigitalIdentity.objects.filter(id_number_hash__in=hashes).values_list(
                "id_number_hash", flat=True
            )
        )
        phones = set(
            User.objects.filter(phone__in=[r.phone for r in batch]).values_list("phone", flat=True)
        )
        fresh = [(h, r) for h, r in hashes.items() if h not in known and r.phone not in phones]
        with transaction.atomic():
            users = User.objects.bulk_create(
                [User(phone=r.phone, display_name=r.name, password="!bench") for _, r in fresh]  # noqa: S106
            )
            identities = []
            for user, (number_hash, row) in zip(users, fresh, strict=True):
                cipher, key_id = crypto.id_number_encrypt(row.id_number)
                identities.append(
                    DigitalIdentity(
                        user=user,
                        real_name=row.name,
                        id_number_ciphertext=cipher,
                        id_number_hash=number_hash,
                        id_number_masked=crypto.id_number_mask(row.id_number),
                        key_id=key_id,
                        birth_date=row.birth_date,
                    )
                )
            DigitalIdentity.objects.bulk_create(identities)
            for identity in identities:
                identity.member_id = member_id_for_sequence(identity.pk)
            DigitalIdentity.objects.bulk_update(identities, ["member_id"])
            memberships = Membership.objects.bulk_create(
                [
                    Membership(
                        user=user,
                        organization=unions[row.union_name],
                        employer=row.employer,
                        employment_form="full_time",
                    )
                    for user, (_, row) in zip(users, fresh, strict=True)
                    if row.union_name in unions
                ]
            )  # fmt: skip
            Credential.objects.bulk_create(
                [
                    Credential(
                        user_id=m.user_id,
                        kind="member_card",
                        serial=os.urandom(10).hex().upper(),
                        title="中华全国总工会会员电子会员卡",
                        issuer=m.organization.name,
                        source_type="accounts.membership",
                        source_id=str(m.pk),
                    )
                    for m in memberships
                ]
            )  # fmt: skip

    for line, values in sheet_rows(path, info):
        row = row_clean(line=line, values=values, mapping=mapping, regions=resolver, today=today)
        count += 1
        if row.ok and row.region_code in regions:
            batch.append(row)
        if len(batch) >= 1000:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return count, time.perf_counter() - started


def main() -> None:
    import logging

    logging.getLogger("datahub").setLevel(logging.INFO)
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_140_000)
    parser.add_argument("--baseline-rows", type=int, default=50_000)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--work", action="store_true", help="the registry's work databases")
    parser.add_argument("--smoke", action="store_true", help="2,000 rows, seconds")
    parser.add_argument(
        "--workers", type=int, default=2,
        help="--work: files imported at once, as the Celery workers do (deploy: --concurrency=2)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.baseline_rows, args.skip_baseline = 2_000, 500, True
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT = workdir / "media"

    importer, unions = setup()
    if args.work:
        work_databases_bench(importer, rows=args.rows, workdir=workdir, workers=args.workers)
        return
    print("cleaning earlier runs …", flush=True)
    clean_slate()

    big = workdir / f"roster-{args.rows}.csv"
    started = time.perf_counter()
    planted = generate(big, args.rows, unions, phone_prefix="13", seq_base=0, seed=1)
    print(
        f"generated {args.rows:,} rows ({big.stat().st_size / 1e6:.0f} MB) in "
        f"{time.perf_counter() - started:.0f}s: planted {planted}",
        flush=True,
    )
    sample = workdir / f"baseline-{args.baseline_rows}.csv"
    generate(sample, args.baseline_rows, unions, phone_prefix="15", seq_base=500, seed=2)

    per_row = time_encryption(200_000)
    print(
        f"AES-GCM encrypt: {per_row * 1e6:.1f} µs/row → {per_row * args.rows:.0f}s "
        f"for {args.rows:,} (single core)",
        flush=True,
    )

    count, baseline_seconds = (0, 1.0) if args.skip_baseline else baseline_load(sample, importer)
    count = count or 1
    baseline_rate = count / baseline_seconds
    print(
        f"plain bulk_create loader: {count:,} rows in {baseline_seconds:.1f}s = "
        f"{baseline_rate:,.0f} rows/s → {args.rows / baseline_rate / 60:.1f} min "
        f"extrapolated to {args.rows:,}",
        flush=True,
    )

    from django.core.files.uploadedfile import File

    from datahub.services.imports import (
        roster_import_create,
        roster_import_run,
        roster_import_start,
    )

    started = time.perf_counter()
    with big.open("rb") as handle:
        draft = roster_import_create(user=importer, upload=File(handle), name=big.name)
    roster_import_start(roster_import=draft, user=importer, mapping=draft.mapping, run_async=False)
    stored = time.perf_counter() - started
    result = roster_import_run(import_id=draft.pk)
    seconds = time.perf_counter() - started
    if result.status != "done":
        sys.exit(f"import failed: {result.error}")
    rate = result.total_rows / seconds
    print(
        f"datahub import: {result.total_rows:,} rows in {seconds:.0f}s "
        f"({seconds / 60:.1f} min, upload+hash {stored:.0f}s) = {rate:,.0f} rows/s; "
        f"accepted {result.accepted_count:,}, merged {result.merged_count:,}, "
        f"unchanged {result.unchanged_count:,}, rejected {result.rejected_count:,}",
        flush=True,
    )
    print(f"ratio: {rate / baseline_rate:.1f}× the plain bulk_create loader", flush=True)
    assert seconds <= 600, "over the 10-minute budget"


def _run_import(import_id: int) -> dict[str, int | str]:
    """One queued import in a worker process, as one Celery task runs it."""
    from datahub.services.works import work_import_run

    result = work_import_run(import_id=import_id)
    return {
        "status": result.status, "error": result.error, "read": result.total_rows,
        "accepted": result.accepted_count, "merged": result.merged_count,
        "unchanged": result.unchanged_count, "rejected": result.rejected_count,
    }  # fmt: skip


def _worker_start() -> None:
    # A forked child must not share the parent's socket to PostgreSQL.
    for conn in connections.all(initialized_only=True):
        conn.inc_thread_sharing()
        conn.close()
        conn.dec_thread_sharing()


def work_databases_bench(importer: User, *, rows: int, workdir: Path, workers: int = 2) -> None:
    from django.core.files.uploadedfile import File

    from datahub.models import RosterImport, WorkRecord
    from datahub.registry import work_databases
    from datahub.registry.samples import sample_csv, sample_rows
    from datahub.services.works import work_import_create, work_import_run

    WorkRecord.objects.all().delete()
    RosterImport.objects.filter(kind=RosterImport.Kind.WORK).delete()
    counties = list(Region.objects.filter(level="county").values_list("code", flat=True))
    stored = [d for d in work_databases() if not d.is_view]
    per_database = rows // len(stored)
    files = []
    started = time.perf_counter()
    for index, database in enumerate(stored):
        data = []
        for n, row in enumerate(
            sample_rows(database, count=per_database, regions=counties, seed=index)
        ):
            if n % 97 == 13:  # about 1 % bad: a required value left out
                row[0] = ""
            data.append(row)
        path = workdir / f"work-{database.code}-{per_database}.csv"
        path.write_bytes(sample_csv(database, iter(data)))
        files.append((database, path))
    print(
        f"generated {per_database * len(stored):,} rows in {len(stored)} files in "
        f"{time.perf_counter() - started:.0f}s",
        flush=True,
    )

    def load(database, path, name):
        with path.open("rb") as handle:
            draft = work_import_create(
                user=importer, database=database.code, upload=File(handle), name=name,
                run_async=False,
            )  # fmt: skip
        result = work_import_run(import_id=draft.pk)
        if result.status != "done":
            sys.exit(f"{database.code}: import failed: {result.error}")
        return result

    # Queued first (upload stored, mapping guessed), then run by `workers` processes at once,
    # each file in one transaction of its own, as the Celery workers of the deployment do.
    # The clock covers both: upload to the last row reported.
    started = time.perf_counter()
    queued = []
    for database, path in files:
        with path.open("rb") as handle:
            draft = work_import_create(
                user=importer, database=database.code, upload=File(handle), name=path.name,
                run_async=False,
            )  # fmt: skip
        queued.append((database, draft.pk))
    connections.close_all()
    totals = dict.fromkeys(("read", "accepted", "merged", "unchanged", "rejected"), 0)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_start,
    ) as pool:  # fmt: skip
        for (database, _pk), result in zip(
            queued, pool.map(_run_import, [pk for _db, pk in queued]), strict=True
        ):
            if result["status"] != "done":
                sys.exit(f"{database.code}: import failed: {result['error']}")
            for key in totals:
                totals[key] += result[key]
    seconds = time.perf_counter() - started
    print(
        f"work databases: {totals['read']:,} rows over {len(stored)} databases in {seconds:.0f}s "
        f"({seconds / 60:.1f} min, {workers} worker processes) = "
        f"{totals['read'] / seconds:,.0f} rows/s; "
        f"accepted {totals['accepted']:,}, rejected {totals['rejected']:,} (reported per line)",
        flush=True,
    )
    database, path = files[0]
    lines = path.read_bytes().decode().splitlines()
    lines.append(lines[2].replace(",", ",", 1) + "")  # a repeat of line 3: reported
    changed = path.with_name(path.stem + "-again.csv")
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again_started = time.perf_counter()
    again = load(database, changed, changed.name)
    print(
        f"re-run of {database.code} ({again.total_rows:,} rows) in "
        f"{time.perf_counter() - again_started:.1f}s: accepted {again.accepted_count}, "
        f"merged {again.merged_count}, unchanged {again.unchanged_count:,}, "
        f"rejected {again.rejected_count:,}",
        flush=True,
    )
    assert again.accepted_count == 0 and again.merged_count == 0, "a re-run changed rows"
    assert seconds <= 180 or rows < 2_000_000, "over the 3-minute target"


if __name__ == "__main__":
    main()
