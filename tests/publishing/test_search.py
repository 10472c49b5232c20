import pytest

from core.search import search_document, search_terms
from publishing.selectors.articles import article_search
from publishing.services.articles import article_archive, article_create
from regions.selectors import region_tree
from tests.publishing.conftest import LIU_HONG_CASE, publish, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(sjz_editor, langfang_editor, province_admin):
    return {
        "case": publish(sjz_editor, "130100", "普通技术员被要求签协议？12351帮他理清权利",
                        kind="case", body=LIU_HONG_CASE),
        "wages": publish(sjz_editor, "130100", "“检察+工会”追回农民工工资", kind="case",
                         body="<p>督促建筑企业补缴工资保证金，从源头预防欠薪。</p>"),
        "courier": publish(langfang_editor, "131082", "快递员的算法协议", kind="case",
                           body="<p>签订快递行业首份全网平台算法和劳动规则协议。</p>"),
        "draft": article_create(actor=langfang_editor, region=region("131000"), kind="policy",
                                title="竞业限制草稿", body="<p>竞业限制</p>"),
    }  # fmt: skip


def titles(qs):
    return {a.title for a in qs}


def test_segmentation_of_queries_and_documents():
    assert search_terms("竞业限制") == ["竞业", "限制"]
    assert search_terms("  ，。！ ") == []
    document = search_document("劳动合同", "<p>x</p>")
    assert "劳动" in document.split() and "合同" in document.split()
    # A compound query matches a document word that segments differently.
    assert search_terms("劳动合同") == ["劳动", "合同"]
    assert set(search_terms("劳动合同")) <= set(search_document("劳动合同法十讲").split())


def _check_search(articles):
    found = article_search(query="竞业限制")
    assert titles(found) == {"普通技术员被要求签协议？12351帮他理清权利"}
    assert titles(article_search(query="欠薪")) == {"“检察+工会”追回农民工工资"}
    assert titles(article_search(query="快递员 算法")) == {"快递员的算法协议"}
    assert titles(article_search(query="竞业限制 快递员")) == set()  # every term must match
    assert titles(article_search(query="？！")) == set()
    # Narrowed to a region subtree.
    langfang = region_tree().get("131000")
    assert titles(article_search(query="协议", region_path=langfang.path)) == {"快递员的算法协议"}
    assert len(titles(article_search(query="协议"))) == 2
    # Archived articles and drafts are never found.
    article_archive(actor=articles["courier"].author, article=articles["courier"])
    assert titles(article_search(query="快递员")) == set()


def test_chinese_search_on_the_embedded_database(articles, settings):
    _check_search(articles)


@pytest.mark.postgres
def test_chinese_search_on_postgresql_uses_the_gin_index(articles):
    _check_search(articles)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'regions_article_search_gin'"
        )
        assert "gin" in cursor.fetchone()[0]
        cursor.execute("SET enable_seqscan = off")
        from core.search import search_filter
        from regions.models import Article

        plan = search_filter(Article.objects.only("id"), query="竞业限制", rank=False).explain()
        cursor.execute("SET enable_seqscan = on")
    assert "regions_article_search_gin" in plan, plan


def test_search_page(client, articles):
    response = client.get("/articles/", {"q": "竞业限制"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "普通技术员被要求签协议？12351帮他理清权利" in html
    assert "竞业限制草稿" not in html
    html = client.get("/articles/", {"q": "火星移民"}).content.decode()
    assert "没有找到相关内容" in html


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"region": "999999"}, "没有这个地区"),
        ({"kind": "rumour"}, "没有这种文章类型"),
        ({"q": "长" * 101}, "不能超过100个字"),
    ],
)
def test_search_page_bad_input_in_chinese(client, regions, params, text):
    response = client.get("/articles/", params)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_api_lists_and_searches_published_articles(client, articles):
    response = client.get("/api/articles/", {"q": "竞业限制"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["title"] for r in results] == ["普通技术员被要求签协议？12351帮他理清权利"]
    assert results[0]["region"] == "130100" and results[0]["kind"] == "case"
    by_region = client.get("/api/articles/", {"region": "131000", "kind": "case"}).json()
    assert [r["title"] for r in by_region["results"]] == ["快递员的算法协议"]
    bad = client.get("/api/articles/", {"region": "1"})
    assert bad.status_code == 400 and "6位区划代码" in bad.content.decode()


def test_api_is_in_the_openapi_schema(client, regions):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/articles/" in schema
