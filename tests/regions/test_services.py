import pytest
from django.core.exceptions import ValidationError

from regions.models import Region
from regions.selectors import region_tree
from regions.services import region_import_from_csv

pytestmark = pytest.mark.django_db

HEADER = "code,name,short_name,level,parent_code,slug,lat,lon\n"


def test_reimport_of_the_real_file_changes_nothing(regions, settings):
    result = region_import_from_csv(path=settings.REGIONS_DATA_FILE)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 180)


def test_import_updates_changed_rows_and_refreshes_cached_tree(regions, tmp_path):
    assert region_tree().get("131000").name == "廊坊市"
    data = tmp_path / "regions.csv"
    data.write_text(
        "# test data\n" + HEADER + "131000,廊坊市(新),廊坊,city,130000,langfang,39.5380,116.6838\n",
        encoding="utf-8",
    )
    result = region_import_from_csv(path=data)
    assert (result.created, result.updated) == (0, 1)
    assert Region.objects.get(code="131000").name == "廊坊市(新)"
    assert region_tree().get("131000").name == "廊坊市(新)"


def test_children_listed_before_parents_still_load(regions, tmp_path):
    data = tmp_path / "regions.csv"
    data.write_text(
        HEADER
        + "999901,子县,子县,county,999900,zixian,38.0,115.0\n"
        + "999900,测试市,测试,city,130000,ceshi,38.0,115.0\n",
        encoding="utf-8",
    )
    region_import_from_csv(path=data)
    child = Region.objects.select_related("parent").get(code="999901")
    assert child.parent.code == "999900"
    assert child.path == "100000/130000/999900/999901/"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("999902,坏县,坏县,county,888800,bad,38.0,115.0", "上级代码 888800 不存在"),
        ("999903,坏县,坏县,village,130100,bad,38.0,115.0", "未知级别"),
        ("999904,坏县,坏县,county,130100,bad,north,115.0", "不是有效数字"),
        ("99990,坏县,坏县,county,130100,bad,38.0,115.0", "区划代码应为6位数字"),
    ],
)
def test_a_bad_row_names_its_line_and_saves_nothing(regions, tmp_path, row, message):
    data = tmp_path / "regions.csv"
    good = "999905,好县,好县,county,130100,haoxian,38.0,115.0\n"
    data.write_text("# comment\n" + HEADER + good + row + "\n", encoding="utf-8")
    before = Region.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        region_import_from_csv(path=data)
    text = "".join(excinfo.value.messages)
    assert message in text
    assert "第4行" in text
    assert Region.objects.count() == before
    assert not Region.objects.filter(code="999905").exists()


def test_wrong_header_is_refused(regions, tmp_path):
    data = tmp_path / "regions.csv"
    data.write_text("code,name\n130000,河北省\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="表头"):
        region_import_from_csv(path=data)
