"""Demo data for 数据归集 and the exchange API: a finished roster import from 廊坊 (with a
few rejected rows, as real rosters have) and the national federation's exchange client.

Idempotent: the roster is the same file every time, and a file is imported once; the
client is created once. In DEBUG the client's secret is derived from SECRET_KEY, so the
seed can print it every time; elsewhere it is random and never printed.
"""

from __future__ import annotations

import base64
import csv
import io

from allauth.idp.oidc.models import Client
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import ric

from accounts.crypto import dev_key
from accounts.selectors.users import user_get_by_phone
from datahub.models import RosterImport
from datahub.services.exchange import exchange_client_register
from datahub.services.imports import roster_import_create, roster_import_run, roster_import_start

ROSTER_NAME = "廊坊市快递物流行业会员名册（2026年11月）.csv"
IMPORTER_PHONE = "13900000003"  # 孙丽, 廊坊市总工会 editor
EXCHANGE_CLIENT_ID = "acftu-member-exchange"
EXCHANGE_CLIENT_NAME = "中华全国总工会会员信息系统（数据交换）"
EXCHANGE_SCOPES = ["members:read", "members:write"]


def _id(prefix: str, birth: str, seq: int) -> str:
    body = f"{prefix}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


# name, ID birthplace, birth date, phone, region as written, union, joined, employer
_PEOPLE = [
    (
        "张海涛",
        "131022",
        "19920314",
        "13531601001",
        "131082",
        "三河市新就业形态联合工会",
        "2024-03-18",
        "三河市燕郊顺丰速运营业部",
    ),
    (
        "李春燕",
        "131002",
        "19900806",
        "13531601002",
        "廊坊市三河市",
        "三河市新就业形态联合工会",
        "2024/3/18",
        "美团外卖燕郊站",
    ),
    (
        "王磊",
        "130102",
        "19881121",
        "13531601003",
        "广阳区",
        "廊坊顺达物流有限公司工会",
        "2023年6月1日",
        "廊坊顺达物流有限公司",
    ),
    (
        "刘志强",
        "131022",
        "19950505",
        "13531601004",
        "131003",
        "廊坊顺达物流有限公司工会",
        "20230601",
        "廊坊顺达物流有限公司",
    ),
    (
        "陈晓丽",
        "131002",
        "19930217",
        "１３５３１６０１００５",
        "固安县",
        "固安县新就业形态联合工会",
        "2025-01-10",
        "京东物流固安分拣中心",
    ),
    (
        "赵建军",
        "130104",
        "19870930",
        "13531601006",
        "131022",
        "固安县新就业形态联合工会",
        "2025-01-10",
        "货拉拉固安司机之家",
    ),
    (
        "周敏",
        "131022",
        "19960712",
        "13531601007",
        "131000",
        "廊坊市快递行业联合工会",
        "2024-09-01",
        "中通快递廊坊转运中心",
    ),
    (
        "孙浩然",
        "131002",
        "19910423",
        "13531601008",
        "廊坊市",
        "廊坊市快递行业联合工会",
        "2024-09-01",
        "圆通速递廊坊分公司",
    ),
]
# Rows a real roster has: a mistyped ID, a short phone, a place outside 廊坊, a repeat.
_REJECTED = [
    (
        "吴国庆",
        "130102",
        "19891001",
        "13531601009",
        "131082",
        "三河市新就业形态联合工会",
        "2024-03-18",
        "闪送燕郊站",
        "bad_id",
    ),
    (
        "郑丽娟",
        "131022",
        "19940618",
        "1353160101",
        "131082",
        "三河市新就业形态联合工会",
        "2024-03-18",
        "饿了么燕郊站",
        "",
    ),
    (
        "冯涛",
        "130102",
        "19860202",
        "13531601011",
        "石家庄市长安区",
        "三河市新就业形态联合工会",
        "2024-03-18",
        "滴滴货运",
        "",
    ),
]


def roster_content() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["序号", "姓名", "身份证号", "手机号", "所在地区", "所在工会", "入会日期", "工作单位"]
    )
    rows = []
    for seq, (name, prefix, birth, phone, region, union, joined, employer) in enumerate(_PEOPLE):
        rows.append([name, _id(prefix, birth, 100 + seq), phone, region, union, joined, employer])
    for seq, (name, prefix, birth, phone, region, union, joined, employer, flaw) in enumerate(
        _REJECTED
    ):
        number = _id(prefix, birth, 200 + seq)
        if flaw == "bad_id":
            number = number[:-1] + ("1" if number[-1] != "1" else "2")
        rows.append([name, number, phone, region, union, joined, employer])
    rows.append(list(rows[0]))  # 张海涛 listed twice
    for index, row in enumerate(rows, start=1):
        writer.writerow([index, *row])
    return buffer.getvalue().encode("gbk")  # as exported by a county office's Excel


def _seed_import(stdout) -> None:
    importer = user_get_by_phone(phone=IMPORTER_PHONE)
    content = roster_content()
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    existing = RosterImport.objects.filter(file_sha256=sha, status="done").first()
    if existing is None:
        draft = roster_import_create(
            user=importer, upload=SimpleUploadedFile(ROSTER_NAME, content), name=ROSTER_NAME
        )
        roster_import_start(
            roster_import=draft, user=importer, mapping=draft.mapping, run_async=False
        )
        existing = roster_import_run(import_id=draft.pk)
        state = "imported"
    else:
        state = "exists"
    stdout.write(
        f"  roster import #{existing.pk} {existing.get_status_display()}: "
        f"新增 {existing.accepted_count}，合并 {existing.merged_count}，"
        f"拒收 {existing.rejected_count} [{state}] → /datahub/imports/{existing.pk}/"
    )


def _demo_secret() -> str:
    return base64.urlsafe_b64encode(dev_key("datahub-demo-exchange-client")).decode()[:40]


def _seed_exchange_client(stdout) -> None:
    client = Client.objects.filter(pk=EXCHANGE_CLIENT_ID).first()
    state = "exists"
    if client is None:
        client, _secret = exchange_client_register(
            name=EXCHANGE_CLIENT_NAME, scopes=EXCHANGE_SCOPES, client_id=EXCHANGE_CLIENT_ID
        )
        if settings.DEBUG:
            client.set_secret(_demo_secret())
            client.save(update_fields=["secret"])
        state = "created"
    if settings.DEBUG:
        shown = f"secret {_demo_secret()} (development only)"
    else:
        shown = "secret not shown outside DEBUG: rotate it in the admin to hand it over"
    stdout.write(
        f"  exchange client {client.pk} ({client.name}, scopes {' '.join(client.get_scopes())}) "
        f"[{state}]: {shown}"
    )


def seed(*, stdout) -> None:
    _seed_import(stdout)
    _seed_exchange_client(stdout)
