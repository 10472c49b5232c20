"""Column mapping, normalisation and validation of roster rows: pure functions, no writes.

Every row-local check happens here, while the file is streamed (one pass, about 20 µs a
row); what needs the database (the region code exists, the union exists and is in scope,
duplicates across the file, matching existing members) is decided afterwards, set-based
(``datahub.services.imports``). The messages are the ones the report shows, in Chinese.

The resident ID number is checked by ``accounts.services.identity.id_number_validate``,
the portal's one validator; a fast pre-check with a cached GB/T 2260 lookup lets the
millions of valid numbers skip its per-call table search, and every failing number goes
through the real validator so the report carries its exact message.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from accounts.services.identity import id_number_normalize, id_number_validate, real_name_validate
from accounts.validators import MOBILE_RE, normalize_mobile

#: The fields a members roster maps to, with their Chinese labels.
FIELD_LABELS: dict[str, Any] = {
    "name": gettext_lazy("姓名"),
    "id_number": gettext_lazy("身份证号"),
    "phone": gettext_lazy("手机号"),
    "region": gettext_lazy("所在地区"),
    "union": gettext_lazy("工会"),
    "joined_on": gettext_lazy("入会日期"),
    "employer": gettext_lazy("工作单位"),
}
REQUIRED_FIELDS = ("name", "id_number", "phone", "region")

#: Header spellings seen in union rosters, per field; compared after normalisation.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "会员姓名", "职工姓名", "名字", "真实姓名"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "证件号码",
        "身份证",
        "居民身份证号码",
    ),
    "phone": ("手机号", "手机号码", "手机", "联系电话", "移动电话", "电话"),
    "region": ("所在地区", "地区", "所在地", "行政区划", "区划代码", "地区代码", "所在县区"),
    "union": ("工会", "所在工会", "所属工会", "工会名称", "基层工会"),
    "joined_on": ("入会日期", "入会时间", "加入工会日期"),
    "employer": ("工作单位", "单位", "单位名称", "所在单位"),
}

_HEADER_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】]|必填|选填")
_SPACES = re.compile(r"\s+")


def header_normalize(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return _HEADER_NOISE.sub("", text)


def mapping_suggest(headers: list[str]) -> dict[str, int]:
    """Guess which column holds which field from the Chinese headers: an exact alias first,
    then a header containing an alias. Returns ``{field: column index}``."""
    cleaned = [header_normalize(h) for h in headers]
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for exact in (True, False):
        for field, aliases in HEADER_ALIASES.items():
            if field in mapping:
                continue
            for alias in aliases:
                hit = next(
                    (
                        i
                        for i, h in enumerate(cleaned)
                        if i not in taken and h and (h == alias if exact else alias in h)
                    ),
                    None,
                )
                if hit is not None:
                    mapping[field] = hit
                    taken.add(hit)
                    break
    return mapping


def mapping_validate(mapping: dict[str, Any], *, column_count: int) -> dict[str, int]:
    """Check a ``{field: column index}`` mapping; raises ``ValidationError`` naming the
    missing required columns or a column used twice."""
    clean: dict[str, int] = {}
    for field, index in (mapping or {}).items():
        if field not in FIELD_LABELS or index in (None, ""):
            continue
        try:
            index = int(index)
        except (TypeError, ValueError):
            raise ValidationError(_("列对应无效：%(field)s。") % {"field": field}) from None
        if not 0 <= index < column_count:
            raise ValidationError(_("“%(label)s”对应的列不存在。") % {"label": FIELD_LABELS[field]})
        clean[field] = index
    missing = [str(FIELD_LABELS[f]) for f in REQUIRED_FIELDS if f not in clean]
    if missing:
        raise ValidationError(
            _("缺少必需的列：%(columns)s。请在表头中写明，或手工指定对应的列。")
            % {"columns": "、".join(missing)},
            code="missing_columns",
        )
    used = list(clean.values())
    if len(used) != len(set(used)):
        raise ValidationError(_("同一列不能对应两个字段。"), code="duplicate_column")
    return clean


def mapping_from_text(text: str, headers: list[str]) -> dict[str, int]:
    """``姓名=name,身份证号=id_number`` or ``name=0,id_number=1`` (command line) to a
    mapping; header names are matched after normalisation."""
    cleaned = [header_normalize(h) for h in headers]
    mapping: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        left, sep, right = part.partition("=")
        if not sep:
            raise ValidationError(_("列对应应写成“表头=字段”，如：姓名=name。"))
        left, right = left.strip(), right.strip()
        field, column = (left, right) if left in FIELD_LABELS else (right, left)
        if field not in FIELD_LABELS:
            raise ValidationError(_("未知字段：%(field)s。") % {"field": field})
        if column.isdigit():
            mapping[field] = int(column)
        elif header_normalize(column) in cleaned:
            mapping[field] = cleaned.index(header_normalize(column))
        else:
            raise ValidationError(_("文件中没有“%(column)s”这一列。") % {"column": column})
    return mapping


# --- values ---------------------------------------------------------------------------------


def text_normalize(value: Any) -> str:
    """Full-width to half-width (NFKC), trimmed, inner runs of spaces made one."""
    if value is None:
        return ""
    text = str(value)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if "  " in text or "\t" in text or "\n" in text or "\r" in text or "\u3000" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def date_parse(value: Any, *, today: datetime.date | None = None) -> datetime.date:
    """2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, 20230501, an Excel serial day number
    or a date cell; raises ``ValidationError`` for anything else or a date in the future."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = text_normalize(value)
        day = None
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    day = datetime.date(*(int(g) for g in match.groups()))
                except ValueError:
                    raise ValidationError(
                        _("入会日期“%(value)s”不是有效日期。") % {"value": text}
                    ) from None
                break
        if day is None and re.fullmatch(r"\d{5}(\.0+)?", text):
            day = _EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
        if day is None:
            raise ValidationError(
                _("入会日期“%(value)s”无法识别，请写成 2023-05-01。") % {"value": text}
            )
    today = today or timezone.localdate()
    if day > today or day.year < 1925:
        raise ValidationError(_("入会日期“%(value)s”不合理。") % {"value": day.isoformat()})
    return day


@lru_cache(maxsize=20000)
def _birth_place_ok(prefix: str, year: int) -> bool:
    try:
        ric.get_birth_place(f"{prefix}{year:04d}01010000")
    except stdnum_errors.ValidationError:
        return False
    return True


def id_number_clean(value: Any, *, today: datetime.date) -> tuple[str, datetime.date]:
    """Normalised number and birth date, or ``ValidationError`` with the portal's message."""
    number = str(value or "")
    if not (len(number) == 18 and number.isascii() and number[:17].isdigit()):
        number = id_number_normalize(number)
    elif number[17] == "x":
        number = number[:17] + "X"
    if (
        len(number) == 18
        and number[:17].isdigit()
        and number[17] == ric.calc_check_digit(number)
        and _birth_place_ok(number[:6], int(number[6:10]))
    ):
        try:
            birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            birth = None
        if birth is not None and datetime.date(1900, 1, 1) <= birth <= today:
            return number, birth
    number = id_number_validate(number, today=today)  # raises with the exact reason
    return number, ric.get_birth_date(number)


def phone_clean(value: Any) -> str:
    phone = str(value or "")
    if len(phone) == 11 and phone.isascii() and MOBILE_RE.match(phone):
        return phone
    phone = normalize_mobile(text_normalize(value))
    if phone.endswith(".0"):  # a number cell read as a float
        phone = phone[:-2]
    if not MOBILE_RE.match(phone):
        raise ValidationError(
            _("手机号“%(value)s”格式不正确，应为11位中国大陆手机号。") % {"value": phone or "空"}
        )
    return phone


class RegionResolver:
    """所在地区 as a code (``131082``) or a name (``三河市``, ``廊坊市三河市``,
    ``河北省廊坊市三河市``) to a code. Six-digit codes pass through unchanged: whether the
    code exists is checked against the region table, set-based."""

    def __init__(self, nodes: dict[str, Any]) -> None:
        self._by_name: dict[str, set[str]] = {}
        self._nodes = nodes
        for code, node in nodes.items():
            for name in {node.name, node.short_name}:
                if name:
                    self._by_name.setdefault(name, set()).add(code)
        self._cache: dict[str, str | None] = {}

    def resolve(self, value: Any) -> str | None:
        text = text_normalize(value).replace(" ", "")
        if text in self._cache:
            return self._cache[text]
        result = self._resolve(text)
        if len(self._cache) < 100_000:
            self._cache[text] = result
        return result

    def _resolve(self, text: str) -> str | None:
        if re.fullmatch(r"\d{6}", text):
            return text
        if re.fullmatch(r"\d{6}\.0+", text):
            return text[:6]
        for prefix in ("中国", "河北省", "河北"):
            if text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix) :]
                break
        codes = self._by_name.get(text, set())
        if len(codes) == 1:
            return next(iter(codes))
        # "廊坊市三河市": a city name, then a county name inside it.
        for head in range(2, len(text) - 1):
            parents = self._by_name.get(text[:head], set())
            children = self._by_name.get(text[head:], set())
            hits = {c for c in children if self._nodes[c].parent_code in parents}
            if len(hits) == 1:
                return next(iter(hits))
        return None


@dataclass
class CleanRow:
    """A row that passed every row-local check (``reasons`` empty) or the reasons it did
    not. ``id_number`` is the normalised clear number: it lives only in memory.
    ``union_key`` is the union name as compared (NFKC, no spaces): rosters write
    “（压测）” and “(压测)” alike."""

    line: int
    reasons: list[str]
    name: str = ""
    id_number: str = ""
    birth_date: datetime.date | None = None
    phone: str = ""
    region_code: str = ""
    union_name: str = ""
    union_key: str = ""
    joined_on: datetime.date | None = None
    employer: str = ""
    raw_id: str = ""
    raw_phone: str = ""
    raw_region: str = ""

    @property
    def ok(self) -> bool:
        return not self.reasons


def union_key(name: str) -> str:
    return text_normalize(name).replace(" ", "")


class RowCleaner:
    """``row_clean`` for a whole file: the columns that repeat (region, union, date,
    employer) are cleaned once per distinct value and remembered."""

    CACHE_LIMIT = 200_000

    def __init__(
        self, *, mapping: dict[str, int], regions: RegionResolver, today: datetime.date
    ) -> None:
        self.regions = regions
        self.today = today
        self.get = {field: mapping.get(field) for field in FIELD_LABELS}
        self._regions: dict[str, tuple[str, str, str | None]] = {}
        self._unions: dict[str, tuple[str, str]] = {}
        self._dates: dict[Any, tuple[datetime.date | None, str | None]] = {}
        self._employers: dict[str, str] = {}
        self._names: dict[str, tuple[str, str | None]] = {}

    def _cell(self, values: list[Any], field: str) -> Any:
        index = self.get[field]
        if index is None or index >= len(values):
            return None
        return values[index]

    def _region(self, raw: Any) -> tuple[str, str, str | None]:
        """(normalised text, code, reason)"""
        key = raw if isinstance(raw, str) else str(raw or "")
        hit = self._regions.get(key)
        if hit is None:
            text = text_normalize(raw)
            if not text:
                hit = ("", "", _("缺少所在地区。"))
            else:
                code = self.regions.resolve(text)
                reason = (
                    _("无法识别的地区“%(value)s”，请填写6位区划代码或规范名称。")
                    % {"value": text[:30]}
                    if code is None
                    else None
                )
                hit = (text, code or "", reason)
            if len(self._regions) < self.CACHE_LIMIT:
                self._regions[key] = hit
        return hit

    def _union(self, raw: Any) -> tuple[str, str]:
        key = raw if isinstance(raw, str) else str(raw or "")
        hit = self._unions.get(key)
        if hit is None:
            display = re.sub(r"\s+", "", str(raw or ""))[:100]
            hit = (display, union_key(display)[:100])
            if len(self._unions) < self.CACHE_LIMIT:
                self._unions[key] = hit
        return hit

    def _date(self, raw: Any) -> tuple[datetime.date | None, str | None]:
        try:
            hit = self._dates.get(raw)
        except TypeError:
            hit = None
        if hit is None:
            try:
                hit = (date_parse(raw, today=self.today), None)
            except ValidationError as exc:
                hit = (None, "".join(exc.messages))
            if len(self._dates) < self.CACHE_LIMIT:
                self._dates[raw] = hit
        return hit

    def _employer(self, raw: Any) -> str:
        key = raw if isinstance(raw, str) else str(raw or "")
        hit = self._employers.get(key)
        if hit is None:
            hit = text_normalize(raw)[:100]
            if len(self._employers) < self.CACHE_LIMIT:
                self._employers[key] = hit
        return hit

    def __call__(self, line: int, values: list[Any]) -> CleanRow:
        """Normalise and check one data line. Every problem of the row is reported."""
        row = CleanRow(line=line, reasons=[])
        reasons = row.reasons
        raw_name = self._cell(values, "name")
        key = raw_name if isinstance(raw_name, str) else str(raw_name or "")
        hit = self._names.get(key)
        if hit is None:
            try:
                hit = (real_name_validate(key), None)
            except ValidationError as exc:
                hit = (text_normalize(raw_name)[:50], _("姓名：") + "".join(exc.messages))
            if len(self._names) < self.CACHE_LIMIT:
                self._names[key] = hit
        row.name, reason = hit
        if reason:
            reasons.append(reason)
        raw_id = self._cell(values, "id_number")
        raw_id = raw_id if isinstance(raw_id, str) else text_normalize(raw_id)
        row.raw_id = raw_id
        try:
            row.id_number, row.birth_date = id_number_clean(raw_id, today=self.today)
        except ValidationError as exc:
            row.raw_id = text_normalize(raw_id)
            message = "".join(exc.messages)
            if re.fullmatch(r"\d\.\d+[eE]\+?\d+", raw_id.strip()):
                message = _("身份证号被表格存成了数字（科学计数法），请把该列设为文本后重新导出。")
            reasons.append(message)
        raw_phone = self._cell(values, "phone")
        try:
            row.phone = phone_clean(raw_phone)
        except ValidationError as exc:
            row.raw_phone = text_normalize(raw_phone)
            reasons.append("".join(exc.messages))
        row.raw_region, row.region_code, reason = self._region(self._cell(values, "region"))
        if reason:
            reasons.append(reason)
        row.union_name, row.union_key = self._union(self._cell(values, "union"))
        raw_joined = self._cell(values, "joined_on")
        if raw_joined not in (None, ""):
            row.joined_on, reason = self._date(raw_joined)
            if reason:
                reasons.append(reason)
        row.employer = self._employer(self._cell(values, "employer"))
        return row


def row_clean(
    *,
    line: int,
    values: list[Any],
    mapping: dict[str, int],
    regions: RegionResolver,
    today: datetime.date,
) -> CleanRow:
    """Normalise and check one data line (see ``RowCleaner`` for a whole file)."""
    return RowCleaner(mapping=mapping, regions=regions, today=today)(line, values)
