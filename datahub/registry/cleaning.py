"""A declared schema turned into a row cleaner: every field's rule checked with the message a
union clerk understands (Chinese, naming the column and the value), the row's dedupe key and
region, and the data as stored. No value is half-kept: a row with any fault is rejected whole.

ID numbers are never stored in a work record: the record keeps the masked number, and the
dedupe key uses the keyed HMAC (``accounts.crypto``), as the member roster does.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from accounts import crypto
from datahub.cleaning import (
    _DATE_PATTERNS,
    _EXCEL_EPOCH,
    RegionResolver,
    header_normalize,
    id_number_clean,
    phone_clean,
    text_normalize,
)
from datahub.registry.schema import FieldSpec, WorkDatabase

_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "已", "已入会"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "未", "未入会"}


class _Bad(Exception):
    """One field's fault (its Chinese message)."""


@dataclass
class WorkRow:
    line: int
    reasons: list[str] = field(default_factory=list)
    key: str = ""
    region_code: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    id_hashes: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.reasons

    def data_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def mapping_for(database: WorkDatabase, headers: list[str]) -> dict[str, int]:
    """``{field: column index}`` from the headers: the label or an alias exactly, then a
    header containing one. Raises ``ValidationError`` naming the required columns missing."""
    cleaned = [header_normalize(h) for h in headers]
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for exact in (True, False):
        for spec in database.fields:
            if spec.name in mapping:
                continue
            names = [header_normalize(n) for n in (spec.label, *spec.aliases)]
            for index, header in enumerate(cleaned):
                if index in taken or not header:
                    continue
                if (header in names) if exact else any(n and n in header for n in names):
                    mapping[spec.name] = index
                    taken.add(index)
                    break
    missing = [s.label for s in database.fields if s.required and s.name not in mapping]
    if missing:
        raise ValidationError(
            _("“%(db)s”的表格缺少必填列：%(cols)s。")
            % {"db": database.name, "cols": "、".join(missing)}
        )
    return mapping


def _date(spec: FieldSpec, value: Any, today: datetime.date) -> str:
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
                    raise _Bad(
                        _("%(label)s“%(value)s”不是有效日期。")
                        % {"label": spec.label, "value": text}
                    ) from None
                break
        if day is None and text.replace(".0", "").isdigit() and len(text.split(".")[0]) == 5:
            day = _EXCEL_EPOCH + datetime.timedelta(days=int(float(text)))
        if day is None:
            raise _Bad(
                _("%(label)s“%(value)s”无法识别，请写成 2024-05-01。")
                % {"label": spec.label, "value": text}
            )
    if day > today:
        raise _Bad(_("%(label)s“%(value)s”晚于今天。") % {"label": spec.label, "value": day})
    if day.year < 1900:
        raise _Bad(_("%(label)s“%(value)s”早于1900年。") % {"label": spec.label, "value": day})
    return day.isoformat()


def _number(spec: FieldSpec, value: Any, *, integer: bool) -> float | int:
    text = text_normalize(value).replace(",", "").replace("，", "")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise _Bad(
            _("%(label)s“%(value)s”不是数字。") % {"label": spec.label, "value": text}
        ) from None
    if not number.is_finite():
        raise _Bad(_("%(label)s“%(value)s”不是数字。") % {"label": spec.label, "value": text})
    if integer and number != number.to_integral_value():
        raise _Bad(_("%(label)s“%(value)s”应为整数。") % {"label": spec.label, "value": text})
    if spec.min_value is not None and number < decimal.Decimal(str(spec.min_value)):
        raise _Bad(
            _("%(label)s“%(value)s”小于%(min)s。")
            % {"label": spec.label, "value": text, "min": spec.min_value}
        )
    if spec.max_value is not None and number > decimal.Decimal(str(spec.max_value)):
        raise _Bad(
            _("%(label)s“%(value)s”超过%(max)s。")
            % {"label": spec.label, "value": text, "max": spec.max_value}
        )
    if integer:
        return int(number)
    if number.as_tuple().exponent < -2:
        raise _Bad(
            _("%(label)s“%(value)s”最多保留两位小数。") % {"label": spec.label, "value": text}
        )
    return float(number)


class SchemaCleaner:
    """``cleaner(line, values) -> WorkRow`` for one file of one work database."""

    CACHE_LIMIT = 100_000

    def __init__(
        self,
        *,
        database: WorkDatabase,
        mapping: dict[str, int],
        regions: RegionResolver,
        in_scope: Callable[[str], bool],
        today: datetime.date,
    ) -> None:
        self.database = database
        self.today = today
        self.regions = regions
        self.in_scope = in_scope
        self._columns = [(database.field_map[name], index) for name, index in mapping.items()]
        self._caches: dict[str, dict[Any, Any]] = {name: {} for name in mapping}

    def _clean_value(self, spec: FieldSpec, raw: Any) -> Any:
        kind = spec.type
        if kind == "text":
            text = text_normalize(raw)
            if len(text) > spec.max_length:
                raise _Bad(
                    _("%(label)s不能超过%(max)d个字（现为%(n)d个）。")
                    % {"label": spec.label, "max": spec.max_length, "n": len(text)}
                )
            return text
        if kind == "int":
            return _number(spec, raw, integer=True)
        if kind == "decimal":
            return _number(spec, raw, integer=False)
        if kind == "date":
            return _date(spec, raw, self.today)
        if kind == "choice":
            text = text_normalize(raw)
            if text not in spec.choices:
                raise _Bad(
                    _("%(label)s“%(value)s”不在可选范围内（%(choices)s）。")
                    % {"label": spec.label, "value": text, "choices": "、".join(spec.choices)}
                )
            return text
        if kind == "bool":
            text = text_normalize(raw).lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise _Bad(
                _("%(label)s“%(value)s”应填“是”或“否”。") % {"label": spec.label, "value": text}
            )
        if kind == "phone":
            try:
                return phone_clean(raw)
            except ValidationError as exc:
                raise _Bad(f"{spec.label}：{exc.messages[0]}") from None
        if kind == "uscc":
            text = text_normalize(raw).upper()
            if not uscc.is_valid(text):
                raise _Bad(
                    _("%(label)s“%(value)s”不是有效的18位统一社会信用代码。")
                    % {"label": spec.label, "value": text}
                )
            return text
        if kind == "region":
            code = self.regions.resolve(raw)
            if code is None or code not in self.regions._nodes:
                raise _Bad(
                    _("%(label)s“%(value)s”不是河北省的地区。")
                    % {"label": spec.label, "value": text_normalize(raw)}
                )
            if not self.in_scope(code):
                raise _Bad(
                    _("%(label)s“%(value)s”不在本次归集的地区范围内。")
                    % {"label": spec.label, "value": text_normalize(raw)}
                )
            return code
        raise AssertionError(kind)  # pragma: no cover - the declarations are checked

    def __call__(self, line: int, values: list[Any]) -> WorkRow:
        row = WorkRow(line=line)
        width = len(values)
        for spec, index in self._columns:
            raw = values[index] if index < width else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if spec.required:
                    row.reasons.append(_("请填写%(label)s。") % {"label": spec.label})
                continue
            if spec.type == "id_number":
                try:
                    number, _birth = id_number_clean(raw, today=self.today)
                except ValidationError as exc:
                    row.reasons.append(f"{spec.label}：{exc.messages[0]}")
                    continue
                row.data[spec.name] = crypto.id_number_mask(number)
                row.id_hashes[spec.name] = crypto.id_number_hash(number)
                continue
            cache = self._caches[spec.name]
            try:
                hit = cache.get(raw)
            except TypeError:
                hit = None
            if hit is None:
                try:
                    hit = (self._clean_value(spec, raw), None)
                except _Bad as exc:
                    hit = (None, str(exc))
                if len(cache) < self.CACHE_LIMIT:
                    with contextlib.suppress(TypeError):
                        cache[raw] = hit
            value, error = hit
            if error:
                row.reasons.append(error)
            else:
                row.data[spec.name] = value
        if row.reasons:
            return row
        for rule in self.database.rules:
            left, right = row.data.get(rule.left), row.data.get(rule.right)
            if left is None or right is None:
                continue
            if (rule.op == "<=" and not left <= right) or (rule.op == ">=" and not left >= right):
                row.reasons.append(rule.message)
        if row.reasons:
            return row
        if self.database.region_field:
            row.region_code = row.data.get(self.database.region_field, "")
        parts = [
            row.id_hashes.get(name) or str(row.data.get(name, ""))
            for name in self.database.dedupe_key
        ]
        row.key = hashlib.md5("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()
        return row
