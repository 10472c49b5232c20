"""Compile the project's .po catalogs into .mo files with the standard library only.

`make run` has to work on a machine with Python and nothing else, so the compiled
``django.mo`` is committed next to its ``.po``; GNU gettext's ``msgfmt`` (what Django's
``compilemessages`` calls) is not needed to rebuild it. The output is byte-for-byte
deterministic, so a test can compile in memory and compare with the committed file.
"""

from __future__ import annotations

import ast
import re
import struct
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

_KEYWORDS = ("msgctxt", "msgid_plural", "msgid", "msgstr")


class PoSyntaxError(ValueError):
    """A line of a .po file that is not gettext syntax (path and line number in the message)."""


def _unquote(token: str, *, where: str) -> str:
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise PoSyntaxError(f"{where}：应为带引号的字符串：{token!r}")
    try:
        # .po strings use C escapes, which a Python string literal reads the same way.
        return ast.literal_eval(token)
    except (SyntaxError, ValueError) as exc:
        raise PoSyntaxError(f"{where}：无法解析的字符串：{token!r}") from exc


def parse_po(text: str, *, source: str = "<po>") -> dict[str, str]:
    """Return the catalog as msgfmt would store it: ``{key: translation}``.

    Keys are ``msgid`` (``msgctxt\\x04msgid`` with a context, ``msgid\\x00msgid_plural`` for
    plurals) and plural translations are joined by ``\\x00``. Like msgfmt, fuzzy and
    untranslated entries are left out, so gettext falls back to the msgid for them; the header
    (empty msgid) is kept. Obsolete ``#~`` entries are ignored.
    """
    catalog: dict[str, str] = {}
    # One entry's strings by keyword; plural translations as "msgstr[0]", "msgstr[1]", ...
    entry: dict[str, str] = {}
    fuzzy = False
    current: str | None = None  # the keyword a continuation line extends

    def complete() -> bool:
        return any(name.startswith("msgstr") for name in entry)

    def flush() -> None:
        nonlocal entry, fuzzy, current
        if "msgid" in entry:
            msgid = entry["msgid"]
            key = msgid if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{msgid}"
            if "msgid_plural" in entry:
                key = f"{key}\x00{entry['msgid_plural']}"
                forms = []
                while f"msgstr[{len(forms)}]" in entry:
                    forms.append(entry[f"msgstr[{len(forms)}]"])
                if len(forms) != sum(name.startswith("msgstr[") for name in entry):
                    # A gap would shift later forms onto the wrong plural index.
                    raise PoSyntaxError(f"{source}：“{msgid}”的复数形式序号不连续")
                value = "\x00".join(forms)
                translated = bool(forms) and all(forms)
            else:
                value = entry.get("msgstr", "")
                translated = bool(value)
            is_header = msgid == "" and "msgctxt" not in entry
            if is_header or (translated and not fuzzy):
                catalog[key] = value
        entry, fuzzy, current = {}, False, None

    for lineno, raw in enumerate(text.splitlines(), start=1):
        where = f"{source}:{lineno}"
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if complete():
                flush()  # a comment after a finished entry belongs to the next one
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                fuzzy = True
            continue
        if line.startswith('"'):
            if current is None:
                raise PoSyntaxError(f"{where}：续行前没有 msgid/msgstr")
            entry[current] += _unquote(line, where=where)
            continue
        keyword, _, rest = line.partition(" ")
        plural_form = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword not in _KEYWORDS and not plural_form:
            raise PoSyntaxError(f"{where}：未知的关键字：{keyword!r}")
        if keyword in ("msgctxt", "msgid") and complete():
            flush()
        if keyword in entry:
            raise PoSyntaxError(f"{where}：重复的 {keyword}")
        entry[keyword] = _unquote(rest, where=where)
        current = keyword
    flush()
    return catalog


def build_mo(catalog: dict[str, str]) -> bytes:
    """The GNU .mo bytes for ``catalog`` (little-endian, keys sorted, no hash table)."""
    keys = sorted(catalog, key=lambda k: k.encode("utf-8"))
    ids = [k.encode("utf-8") for k in keys]
    strs = [catalog[k].encode("utf-8") for k in keys]
    count = len(keys)
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + count * 8
    data_start = strs_table + count * 8
    id_offsets: list[tuple[int, int]] = []
    str_offsets: list[tuple[int, int]] = []
    data = bytearray()
    for blob in ids:
        id_offsets.append((len(blob), data_start + len(data)))
        data += blob + b"\0"
    for blob in strs:
        str_offsets.append((len(blob), data_start + len(data)))
        data += blob + b"\0"
    out = bytearray(struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, 0))
    for length, offset in id_offsets + str_offsets:
        out += struct.pack("<2I", length, offset)
    return bytes(out + data)


def compile_po(path: Path) -> bytes:
    """Compile one .po file in memory."""
    return build_mo(parse_po(path.read_text(encoding="utf-8"), source=str(path)))


def po_files() -> list[Path]:
    """Every .po under the project's LOCALE_PATHS."""
    found: list[Path] = []
    for base in settings.LOCALE_PATHS:
        found.extend(sorted(Path(base).glob("*/LC_MESSAGES/*.po")))
    return found


class Command(BaseCommand):
    help = (
        "用纯 Python 把 LOCALE_PATHS 下的 .po 编译为 .mo（无需 GNU gettext）；"
        "--check 只检查是否最新。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="不写文件；有 .mo 缺失或过期时以非零状态退出。",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        stale: list[Path] = []
        for po in po_files():
            mo = po.with_suffix(".mo")
            try:
                compiled = compile_po(po)
            except (PoSyntaxError, UnicodeDecodeError) as exc:
                raise CommandError(f"{po} 无法编译：{exc}") from exc
            if mo.exists() and mo.read_bytes() == compiled:
                continue
            stale.append(mo)
            if not check:
                mo.write_bytes(compiled)
                self.stdout.write(f"已编译 {mo}")
        if check and stale:
            raise CommandError(
                "以下 .mo 需要重新编译（manage.py compile_po）：" + "、".join(map(str, stale))
            )
        if not stale:
            self.stdout.write("所有 .mo 均为最新。")
