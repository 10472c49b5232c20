import pytest
from django.core.exceptions import ValidationError

from publishing.selectors.catalog import service_list_for_region
from publishing.services.catalog import (
    service_entry_create,
    service_entry_update,
    service_override_set,
)
from regions.models import ServiceEntry
from regions.selectors import region_tree
from tests.publishing.conftest import region

pytestmark = pytest.mark.django_db


def entry(actor, code, title, order=100, **kw):
    kw.setdefault("icon", "pin")
    kw.setdefault("link_url", "/hotline/")
    return service_entry_create(actor=actor, region=region(code), title=title, order=order, **kw)


def titles(code):
    return [s.title for s in service_list_for_region(node=region_tree().get(code))]


@pytest.fixture
def matrix(superuser, province_admin):
    """National common, Hebei-only, and local entries for 廊坊 and 三河."""
    return {
        "join": entry(superuser, "100000", "入会转会", 10),
        "hotline": entry(superuser, "100000", "12351热线", 30, link_url="tel:12351"),
        "books": entry(superuser, "100000", "职工书屋", 40),
        "jigong": entry(province_admin, "130000", "冀工学堂", 15),
        "gift": entry(province_admin, "130000", "暖新礼包", 35),
        "drivers": entry(province_admin, "131000", "廊坊货运司机之家", 12),
        "sanhe": entry(province_admin, "131082", "三河新业态联合工会", 5),
        "sjz": entry(province_admin, "130100", "石家庄技能培训", 45),
    }


def test_levels_are_inherited_down_the_tree(matrix):
    assert titles("100000") == ["入会转会", "12351热线", "职工书屋"]
    assert titles("130000") == ["入会转会", "冀工学堂", "12351热线", "暖新礼包", "职工书屋"]
    assert titles("131082") == [
        "三河新业态联合工会",
        "入会转会",
        "廊坊货运司机之家",
        "冀工学堂",
        "12351热线",
        "暖新礼包",
        "职工书屋",
    ]
    # A sibling city sees none of 廊坊's local entries, a county all three layers.
    assert "廊坊货运司机之家" not in titles("130102")
    assert "石家庄技能培训" in titles("130102")
    layers = {s.title: s.layer for s in service_list_for_region(node=region_tree().get("131082"))}
    assert layers["入会转会"] == "national"
    assert layers["冀工学堂"] == "province"
    assert layers["三河新业态联合工会"] == "local" and layers["廊坊货运司机之家"] == "local"


def test_a_level_hides_an_inherited_entry_for_itself_and_below(matrix, province_admin):
    service_override_set(
        actor=province_admin, region=region("131000"), entry=matrix["books"], hidden=True
    )
    assert "职工书屋" not in titles("131000")
    assert "职工书屋" not in titles("131082")  # inherited by the county
    assert "职工书屋" in titles("130000") and "职工书屋" in titles("130100")


def test_deeper_override_wins(matrix, province_admin):
    service_override_set(
        actor=province_admin, region=region("131000"), entry=matrix["books"], hidden=True
    )
    service_override_set(
        actor=province_admin, region=region("131082"), entry=matrix["books"], hidden=False, order=1
    )
    assert titles("131082")[0] == "职工书屋"
    assert "职工书屋" not in titles("131000")


def test_reorder_and_clearing_an_override(matrix, province_admin):
    service_override_set(
        actor=province_admin,
        region=region("131082"),
        entry=matrix["hotline"],
        hidden=False,
        order=1,
    )
    assert titles("131082")[0] == "12351热线"
    assert titles("131000")[0] == "入会转会"
    service_override_set(
        actor=province_admin, region=region("131082"), entry=matrix["hotline"], hidden=False
    )
    assert titles("131082")[0] == "三河新业态联合工会"


def test_province_admin_cannot_edit_national_entries(matrix, province_admin):
    with pytest.raises(ValidationError):
        service_entry_update(actor=province_admin, entry=matrix["join"], title="改")


def test_a_region_cannot_override_its_own_or_a_foreign_entry(matrix, province_admin):
    with pytest.raises(ValidationError):
        service_override_set(
            actor=province_admin, region=region("131000"), entry=matrix["drivers"], hidden=True
        )
    with pytest.raises(ValidationError):  # 石家庄's entry is not inherited by 三河
        service_override_set(
            actor=province_admin, region=region("131082"), entry=matrix["sjz"], hidden=True
        )


def test_langfang_editor_cannot_touch_shijiazhuang_services(matrix, langfang_editor):
    with pytest.raises(ValidationError):
        entry(langfang_editor, "130100", "越权入口")
    with pytest.raises(ValidationError):
        service_entry_update(actor=langfang_editor, entry=matrix["sjz"], title="改")
    with pytest.raises(ValidationError):
        service_override_set(
            actor=langfang_editor, region=region("130102"), entry=matrix["books"], hidden=True
        )
    # …but hides a national entry for 廊坊 and adds 廊坊's own.
    service_override_set(
        actor=langfang_editor, region=region("131000"), entry=matrix["books"], hidden=True
    )
    entry(langfang_editor, "131082", "三河法律服务站")
    assert "三河法律服务站" in titles("131082")
    assert ServiceEntry.objects.get(pk=matrix["sjz"].pk).title == "石家庄技能培训"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"link_url": "", "module": ""}, "须且只能填写一项"),
        ({"link_url": "/x/", "module": "accounts:me"}, "须且只能填写一项"),
        ({"link_url": "javascript:alert(1)"}, "开头"),
        ({"link_url": "", "module": "no-such:module"}, "没有名为"),
        ({"icon": "skull"}, "图标"),
    ],
)
def test_bad_entries_are_refused_in_chinese(province_admin, fields, message):
    with pytest.raises(ValidationError) as exc:
        entry(province_admin, "130000", "坏入口", **fields)
    assert message in exc.value.messages[0]
    assert not ServiceEntry.objects.filter(title="坏入口").exists()


def test_resolution_uses_a_bounded_number_of_queries(
    matrix, province_admin, django_assert_max_num_queries
):
    for n in range(30):
        entry(province_admin, "131082", f"本地入口{n}")
    with django_assert_max_num_queries(2):
        titles("131082")
    with django_assert_max_num_queries(0):  # the catalog is cached now
        titles("130102")
