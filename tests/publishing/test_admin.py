import pytest
from django.urls import reverse

from publishing.services.articles import article_create
from regions.models import Article, ServiceEntry
from tests.publishing.conftest import LIU_HONG_CASE, image_file, region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_mfa_gate(settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False


@pytest.fixture
def two_cities(langfang_editor, sjz_editor):
    return {
        "langfang": article_create(actor=langfang_editor, region=region("131000"), kind="news",
                                   title="廊坊稿件", body="<p>廊坊</p>"),
        "sanhe": article_create(actor=langfang_editor, region=region("131082"), kind="news",
                                title="三河稿件", body="<p>三河</p>"),
        "sjz": article_create(actor=sjz_editor, region=region("130100"), kind="case",
                              title="石家庄稿件", body=LIU_HONG_CASE),
    }  # fmt: skip


def test_changelist_shows_only_the_editors_subtree(client, langfang_editor, two_cities):
    client.force_login(langfang_editor)
    html = client.get(reverse("admin:regions_article_changelist")).content.decode()
    assert "廊坊稿件" in html and "三河稿件" in html
    assert "石家庄稿件" not in html


def test_other_citys_article_is_not_reachable(client, langfang_editor, two_cities):
    client.force_login(langfang_editor)
    url = reverse("admin:regions_article_change", args=[two_cities["sjz"].pk])
    response = client.get(url)
    assert response.status_code == 302  # the admin's "does not exist" redirect
    response = client.post(url, {"title": "篡改"})
    assert Article.objects.get(pk=two_cities["sjz"].pk).title == "石家庄稿件"


def test_anonymous_and_members_are_kept_out(client, member, two_cities):
    url = reverse("admin:regions_article_changelist")
    assert client.get(url).status_code == 302
    client.force_login(member)
    response = client.get(url)
    assert response.status_code in (302, 404)  # the staff gate hides the admin from members
    assert "石家庄稿件" not in response.content.decode()


def test_region_choices_are_limited_to_scope(client, langfang_editor):
    client.force_login(langfang_editor)
    html = client.get(reverse("admin:regions_article_add")).content.decode()
    assert ">三河市<" in html and ">廊坊市<" in html
    assert ">石家庄市<" not in html and ">河北省<" not in html


def test_add_through_the_admin_uses_the_service(client, langfang_editor):
    client.force_login(langfang_editor)
    response = client.post(
        reverse("admin:regions_article_add"),
        {
            "region": region("131000").pk,
            "kind": "notice",
            "title": "暖新礼包开始领取",
            "summary": "",
            "body": '<p onclick="x()">快递员入会即可领取<script>alert(1)</script></p>',
            "tags": "暖新礼包，新就业形态",
            "publish_at_0": "",
            "publish_at_1": "",
            "cover": image_file(),
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(title="暖新礼包开始领取")
    assert article.author == langfang_editor and article.status == "draft"
    assert "script" not in article.body and "onclick" not in article.body
    assert article.tags == "暖新礼包,新就业形态"
    assert set(article.cover_renditions) == {"320", "640", "1280"}
    assert article.transitions.count() == 1


def test_admin_rejects_out_of_scope_region_and_fake_image(client, langfang_editor):
    client.force_login(langfang_editor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("admin:regions_article_add"),
        {
            "region": region("130100").pk,
            "kind": "news",
            "title": "越权",
            "body": "<p>x</p>",
            "cover": SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg"),
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Article.objects.filter(title="越权").exists()


def test_publish_action_respects_county_approval(client, langfang_editor, sanhe_editor, settings):
    settings.REGIONS_COUNTY_NEEDS_CITY_APPROVAL = True
    article = article_create(actor=sanhe_editor, region=region("131082"), kind="news",
                             title="三河稿件", body="<p>x</p>")  # fmt: skip
    changelist = reverse("admin:regions_article_changelist")
    client.force_login(sanhe_editor)
    response = client.post(
        changelist, {"action": "publish_selected", "_selected_action": [article.pk]}, follow=True
    )
    assert "需要由廊坊市的编辑审核发布" in response.content.decode()
    article.refresh_from_db()
    assert article.status == "draft"
    client.post(changelist, {"action": "submit_selected", "_selected_action": [article.pk]})
    client.force_login(langfang_editor)
    client.post(changelist, {"action": "publish_selected", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == "published"


def test_service_entries_admin_is_scoped(client, superuser, langfang_editor):
    from publishing.services.catalog import service_entry_create

    service_entry_create(actor=superuser, region=region("130100"), title="石家庄技能培训",
                         icon="school", link_url="/learning/")  # fmt: skip
    service_entry_create(actor=superuser, region=region("131000"), title="廊坊货运司机之家",
                         icon="truck", link_url="/hotline/")  # fmt: skip
    client.force_login(langfang_editor)
    html = client.get(reverse("admin:regions_serviceentry_changelist")).content.decode()
    assert "廊坊货运司机之家" in html and "石家庄技能培训" not in html
    sjz = ServiceEntry.objects.get(title="石家庄技能培训")
    assert (
        client.get(reverse("admin:regions_serviceentry_change", args=[sjz.pk])).status_code == 302
    )
