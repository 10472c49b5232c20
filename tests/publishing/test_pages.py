import re

import pytest
from django.urls import reverse

from publishing.services.articles import article_archive, article_create
from publishing.services.catalog import service_entry_create
from tests.publishing.conftest import LIU_HONG_CASE, image_file, publish, region

pytestmark = pytest.mark.django_db

PAGES = ["/hebei/", "/hebei/shijiazhuang/", "/hebei/langfang/", "/hebei/langfang/sanhe/"]


def test_county_page_shows_services_news_cases_and_blocks(client, superuser, sjz_editor):
    service_entry_create(actor=superuser, region=region("100000"), title="入会转会",
                         icon="join", link_url="/me/")  # fmt: skip
    service_entry_create(actor=superuser, region=region("130000"), title="冀工学堂",
                         icon="school", link_url="/learning/")  # fmt: skip
    publish(sjz_editor, "130100", "普通技术员被要求签竞业限制协议", kind="case", body=LIU_HONG_CASE)
    publish(sjz_editor, "130102", "长安区职工书屋开放", kind="news")
    publish(superuser, "130000", "60天建成职工之家·河北", kind="news")
    publish(superuser, "131000", "廊坊暖新礼包", kind="notice")
    html = client.get("/hebei/shijiazhuang/changan/").content.decode()
    assert "入会转会" in html and "冀工学堂" in html
    assert "全总通用" in html and "河北专属" in html
    assert "普通技术员被要求签竞业限制协议" in html  # the city's case
    assert "长安区职工书屋开放" in html and "60天建成职工之家·河北" in html
    assert "廊坊暖新礼包" not in html  # another city's notice
    assert "12351" in html and 'href="/hebei/shijiazhuang/"' in html
    assert 'type="application/rss+xml"' in html


def test_city_page_lists_its_counties_articles(client, sjz_editor):
    publish(sjz_editor, "130102", "长安区职工书屋开放")
    assert "长安区职工书屋开放" in client.get("/hebei/shijiazhuang/").content.decode()
    assert "长安区职工书屋开放" in client.get("/hebei/").content.decode()


def test_publish_and_archive_invalidate_the_cached_page(client, langfang_editor):
    assert "暖新礼包开始领取" not in client.get("/hebei/langfang/sanhe/").content.decode()
    article = publish(langfang_editor, "131000", "暖新礼包开始领取", kind="notice")
    assert "暖新礼包开始领取" in client.get("/hebei/langfang/sanhe/").content.decode()
    assert "暖新礼包开始领取" in client.get("/hebei/").content.decode()
    article_archive(actor=langfang_editor, article=article)
    assert "暖新礼包开始领取" not in client.get("/hebei/langfang/sanhe/").content.decode()


def test_drafts_are_not_on_the_page(client, langfang_editor):
    article_create(actor=langfang_editor, region=region("131000"), kind="news",
                   title="尚未发布的草稿", body="<p>草稿</p>")  # fmt: skip
    assert "尚未发布的草稿" not in client.get("/hebei/langfang/").content.decode()


@pytest.mark.parametrize("articles", [0, 25])
def test_region_pages_hold_a_fixed_number_of_queries(
    client, superuser, langfang_editor, django_assert_max_num_queries, articles
):
    for n in range(articles):
        publish(langfang_editor, "131082", f"三河新闻{n}", kind=["news", "case", "policy"][n % 3])
    for n in range(articles):
        service_entry_create(actor=superuser, region=region("130000"), title=f"服务{n}",
                             icon="pin", link_url="/jobs/")  # fmt: skip
    for path in PAGES:
        with django_assert_max_num_queries(3):  # cold: articles + services catalog
            assert client.get(path).status_code == 200
        with django_assert_max_num_queries(0):  # cached
            assert client.get(path).status_code == 200
    html = client.get("/hebei/langfang/sanhe/").content.decode()
    # 6 news, 6 cases, 6 policy explainers at most, however many exist.
    assert html.count('class="article-item"') == (18 if articles else 0)


def test_region_activities_and_jobs_blocks_can_be_filled(rf, regions):
    from django.template import engines

    from regions.selectors import region_tree

    child = engines["django"].from_string(
        '{% extends "publishing/region_detail.html" %}'
        "{% block region_activities %}<p>ACTIVITIES-HERE</p>{% endblock %}"
        "{% block region_jobs %}<p>JOBS-HERE</p>{% endblock %}"
    )
    node = region_tree().get("131000")
    request = rf.get("/hebei/langfang/")
    from django.contrib.sessions.backends.cache import SessionStore

    request.session = SessionStore()
    html = child.render({"region": node, "ancestors": [], "children": []}, request)
    assert "ACTIVITIES-HERE" in html and "JOBS-HERE" in html


# --- article page ---------------------------------------------------------------------------


def test_article_page_has_open_graph_tags(client, langfang_editor):
    article = article_create(
        actor=langfang_editor, region=region("131000"), kind="notice",
        title="暖新礼包开始领取", summary="快递员、网约配送员、货车司机入会即可领取。",
        body="<p>正文</p>", tags="暖新礼包,新就业形态", cover=image_file(),
    )  # fmt: skip
    from publishing.services.articles import article_publish

    article_publish(actor=langfang_editor, article=article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:title" content="暖新礼包开始领取">' in html
    assert '<meta property="og:type" content="article">' in html
    assert 'property="og:description" content="快递员、网约配送员、货车司机入会即可领取。"' in html
    assert re.search(
        r'property="og:image" content="http://testserver/media/[^"]+-1280\.webp"', html
    )
    assert f'property="og:url" content="http://testserver/articles/{article.pk}/"' in html
    assert 'property="article:tag" content="暖新礼包"' in html


@pytest.mark.parametrize("path", ["/articles/999999/", "/articles/abc/", "/feeds/999999/rss/"])
def test_missing_things_are_friendly_404s(client, regions, path):
    response = client.get(path)
    assert response.status_code == 404


def test_preview_for_editors_in_scope_only(client, langfang_editor, sjz_editor, member):
    article = article_create(actor=langfang_editor, region=region("131000"), kind="news",
                             title="待审核稿件", body="<p>正文</p>")  # fmt: skip
    url = reverse("publishing:article_preview", kwargs={"pk": article.pk})
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(member)
    assert client.get(url).status_code == 404
    client.force_login(sjz_editor)
    assert client.get(url).status_code == 404  # another city's editor
    client.force_login(langfang_editor)
    response = client.get(url)
    assert response.status_code == 200
    assert "预览" in response.content.decode() and "草稿" in response.content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404  # not public yet


# --- feeds and sitemap -------------------------------------------------------------------------


def test_region_feeds(client, langfang_editor, sjz_editor):
    publish(langfang_editor, "131082", "三河快递员算法协议")
    publish(sjz_editor, "130100", "石家庄新闻")
    rss = client.get(reverse("region-feed-rss", kwargs={"code": "131082"}))
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert "三河快递员算法协议" in body and "石家庄新闻" not in body
    atom = client.get(reverse("region-feed-atom", kwargs={"code": "130000"}))
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "三河快递员算法协议" in atom.content.decode() and "石家庄新闻" in atom.content.decode()


def test_sitemap_lists_regions_and_published_articles(client, langfang_editor):
    article = publish(langfang_editor, "131000", "已发布")
    draft = article_create(actor=langfang_editor, region=region("131000"), kind="news",
                           title="草稿", body="<p>x</p>")  # fmt: skip
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<loc>http://testserver/hebei/langfang/sanhe/</loc>" in body
    assert f"<loc>http://testserver/articles/{article.pk}/</loc>" in body
    assert f"/articles/{draft.pk}/" not in body
    assert body.count("<url>") == 179 + 1  # every region but the root page, one article
