"""Parsing (xlsx, CSV in UTF-8 and GBK), column mapping, normalisation and validation."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from datahub.cleaning import (
    RegionResolver,
    date_parse,
    mapping_from_text,
    mapping_suggest,
    mapping_validate,
    row_clean,
    text_normalize,
)
from datahub.parsing import sheet_detect, sheet_rows
from regions.selectors import region_tree
from tests.datahub.factories import (
    HEADER,
    PersonFactory,
    bad_checksum,
    id_number,
    roster_csv,
    roster_xlsx,
)

TODAY = datetime.date(2026, 11, 28)
MAPPING = {"name": 0, "id_number": 1, "phone": 2, "region": 3, "union": 4, "joined_on": 5}


def _clean(values, regions):
    return row_clean(
        line=2, values=values, mapping=MAPPING, regions=RegionResolver(regions.nodes), today=TODAY
    )


def test_mapping_is_suggested_from_chinese_headers():
    headers = [
        "序号",
        "会员姓名",
        "公民身份号码",
        "手机号码（必填）",
        "所在地区",
        "所属工会",
        "入会时间",
    ]
    assert mapping_suggest(headers) == {
        "name": 1,
        "id_number": 2,
        "phone": 3,
        "region": 4,
        "union": 5,
        "joined_on": 6,
    }


def test_missing_required_columns_are_named():
    with pytest.raises(ValidationError) as exc:
        mapping_validate({"name": 0, "phone": 1}, column_count=3)
    assert "身份证号" in exc.value.messages[0]
    assert "所在地区" in exc.value.messages[0]
    with pytest.raises(ValidationError, match="同一列"):
        mapping_validate({"name": 0, "id_number": 0, "phone": 1, "region": 2}, column_count=3)


def test_mapping_from_command_line_text():
    headers = ["xm", "sfz", "sj", "dq"]
    assert mapping_from_text("xm=name,sfz=id_number,phone=2,region=dq", headers) == {
        "name": 0,
        "id_number": 1,
        "phone": 2,
        "region": 3,
    }
    with pytest.raises(ValidationError, match="没有"):
        mapping_from_text("姓名=name", headers)


def test_full_width_and_spaces_are_normalised(regions):
    number = id_number()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in number)
    row = _clean(
        [" 王 建国 ", full_width, "１５９ ０００１ ２３４５", "１３１０８２", "", "2023年5月1日"],
        regions,
    )
    assert row.ok, row.reasons
    assert (row.name, row.id_number, row.phone, row.region_code) == (
        "王建国",
        number,
        "15900012345",
        "131082",
    )
    assert row.joined_on == datetime.date(2023, 5, 1)
    assert row.birth_date == datetime.date(1995, 3, 12)
    assert text_normalize("Ａ　Ｂ") == "A B"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-01", datetime.date(2023, 5, 1)),
        ("2023/5/1", datetime.date(2023, 5, 1)),
        ("2023.05.01", datetime.date(2023, 5, 1)),
        ("20230501", datetime.date(2023, 5, 1)),
        ("2023年5月1日", datetime.date(2023, 5, 1)),
        ("2023-05-01 00:00:00", datetime.date(2023, 5, 1)),
        ("45047", datetime.date(2023, 5, 1)),  # an Excel serial day
        (datetime.datetime(2023, 5, 1, 8, 0), datetime.date(2023, 5, 1)),
    ],
)
def test_many_date_formats(value, expected):
    assert date_parse(value, today=TODAY) == expected


@pytest.mark.parametrize("value", ["2023-02-30", "明年", "2099-01-01", "1900-01-01"])
def test_bad_dates_are_refused(value):
    with pytest.raises(ValidationError):
        date_parse(value, today=TODAY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("id_number", "bad", "18位"),
        ("id_number", "checksum", "校验位"),
        ("id_number", "4.20102198501012E+17", "科学计数法"),
        ("phone", "12345", "手机号"),
        ("region", "火星", "无法识别的地区"),
        ("region", "", "缺少所在地区"),
        ("name", "Tom", "姓名"),
        ("joined_on", "2023-13-01", "入会日期"),
    ],
)
def test_validation_reasons_are_in_chinese(regions, field, value, reason):
    row = PersonFactory()
    values = [
        row["姓名"],
        row["身份证号"],
        row["手机号"],
        row["所在地区"],
        row["工会"],
        row["入会日期"],
    ]
    index = MAPPING[field]
    if value == "checksum":
        value = bad_checksum(row["身份证号"])
    values[index] = value
    cleaned = _clean(values, regions)
    assert not cleaned.ok
    assert reason in "".join(cleaned.reasons)


@pytest.mark.django_db
def test_region_names_resolve_including_ambiguous_county_names(regions):
    resolver = RegionResolver(region_tree().nodes)
    assert resolver.resolve("三河市") == "131082"
    assert resolver.resolve("河北省廊坊市三河市") == "131082"
    assert resolver.resolve("廊坊市") == "131000"
    # 桥西区 exists in 石家庄, 邢台 and 张家口: only with the city is it one place.
    assert resolver.resolve("桥西区") is None
    assert resolver.resolve("石家庄市桥西区") == "130104"
    assert resolver.resolve("999999") == "999999"  # existence is checked in the database


def test_csv_in_utf8_with_bom_and_in_gbk(tmp_path):
    rows = PersonFactory.build_batch(3)
    for encoding, expected in (("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030")):
        path = tmp_path / f"r-{encoding}.csv"
        path.write_bytes(roster_csv(rows, encoding=encoding))
        info = sheet_detect(path)
        assert (info.file_format, info.encoding, info.headers) == ("csv", expected, HEADER)
        parsed = list(sheet_rows(path, info))
        assert [line for line, _ in parsed] == [2, 3, 4]
        assert parsed[0][1][0] == rows[0]["姓名"]


def test_xlsx_rows_keep_their_excel_line_numbers(tmp_path):
    rows = PersonFactory.build_batch(2)
    rows[0]["手机号"] = 15900000001  # a number cell
    path = roster_xlsx(rows, tmp_path / "r.xlsx")
    info = sheet_detect(path)
    assert info.file_format == "xlsx"
    parsed = list(sheet_rows(path, info))
    assert [line for line, _ in parsed] == [2, 3]
    assert parsed[0][1][2] == "15900000001"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是可识别的表格"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04 not really a zip", "不是可识别的表格"),
        (b"   \n", "空"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(tmp_path, content, message):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as exc:
        sheet_detect(path)
    assert message in exc.value.messages[0]


def test_bulk_sealer_matches_the_one_encryption_and_hash(settings):
    from accounts import crypto

    seal = crypto.id_number_bulk_sealer()
    number = id_number()
    sealed = [seal(number) for _ in range(5000)]  # past one block of nonces
    cipher, key_id, number_hash = sealed[-1]
    assert crypto.id_number_decrypt(cipher, key_id) == number
    assert number_hash == crypto.id_number_hash(number)
    assert key_id == crypto.current_key_id()
    assert len({c for c, _, _ in sealed}) == 5000  # a fresh nonce every time
