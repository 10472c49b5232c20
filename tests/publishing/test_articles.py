from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from publishing.services.articles import (
    article_archive,
    article_attachment_add,
    article_body_sanitise,
    article_create,
    article_publish,
    article_read_register,
    article_submit,
    article_update,
)
from publishing.tasks import publish_due_articles
from regions.models import Article, ArticleAttachment, ArticleTransition
from tests.publishing.conftest import image_file, publish, region

pytestmark = pytest.mark.django_db

Status = Article.Status


def draft(actor, code="131000", **kw):
    kw.setdefault("kind", "news")
    kw.setdefault("title", "廊坊货运司机之家新增服务点")
    kw.setdefault("body", "<p>司机休息、饮水、充电一站解决。</p>")
    return article_create(actor=actor, region=region(code), **kw)


# --- scope --------------------------------------------------------------------------------


def test_editor_publishes_in_own_region_and_below(langfang_editor):
    article = publish(langfang_editor, "131000", "廊坊新闻")
    assert article.status == Status.PUBLISHED and article.published_at is not None


def test_langfang_editor_cannot_create_in_shijiazhuang(langfang_editor):
    with pytest.raises(ValidationError) as exc:
        draft(langfang_editor, "130100")
    assert "石家庄市" in exc.value.messages[0]
    assert not Article.objects.exists()


def test_langfang_editor_cannot_touch_a_shijiazhuang_article(langfang_editor, sjz_editor):
    article = draft(sjz_editor, "130100")
    for call in (
        lambda: article_update(actor=langfang_editor, article=article, title="改"),
        lambda: article_submit(actor=langfang_editor, article=article),
        lambda: article_publish(actor=langfang_editor, article=article),
        lambda: article_archive(actor=langfang_editor, article=article),
    ):
        with pytest.raises(ValidationError):
            call()
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.title == "廊坊货运司机之家新增服务点"


def test_editor_cannot_move_an_article_out_of_scope(langfang_editor):
    article = draft(langfang_editor)
    with pytest.raises(ValidationError):
        article_update(actor=langfang_editor, article=article, region=region("130100"))
    article.refresh_from_db()
    assert article.region.code == "131000"


def test_plain_member_cannot_publish(member):
    with pytest.raises(ValidationError):
        draft(member)


# --- workflow -----------------------------------------------------------------------------


def test_county_article_needs_city_approval(sanhe_editor, langfang_editor, settings):
    settings.REGIONS_COUNTY_NEEDS_CITY_APPROVAL = True
    article = draft(sanhe_editor, "131082")
    with pytest.raises(ValidationError) as exc:
        article_publish(actor=sanhe_editor, article=article)
    assert "廊坊市" in exc.value.messages[0]
    article_submit(actor=sanhe_editor, article=article)
    article = article_publish(actor=langfang_editor, article=article)
    assert article.status == Status.PUBLISHED
    steps = list(ArticleTransition.objects.filter(article=article).values_list(
        "from_status", "to_status", "actor_id"
    ))  # fmt: skip
    assert steps == [
        ("", "draft", sanhe_editor.pk),
        ("draft", "submitted", sanhe_editor.pk),
        ("submitted", "published", langfang_editor.pk),
    ]


def test_county_editor_publishes_directly_when_flag_off(sanhe_editor, settings):
    settings.REGIONS_COUNTY_NEEDS_CITY_APPROVAL = False
    article = publish(sanhe_editor, "131082", "三河新闻")
    assert article.status == Status.PUBLISHED


def test_archive_removes_from_public(langfang_editor, client):
    article = publish(langfang_editor, "131000", "将归档")
    assert client.get(article.get_absolute_url()).status_code == 200
    article_archive(actor=langfang_editor, article=article)
    assert client.get(article.get_absolute_url()).status_code == 404
    with pytest.raises(ValidationError):
        article_update(actor=langfang_editor, article=article, title="x")


def test_scheduled_publish_by_the_beat_task(langfang_editor):
    soon = timezone.now() + timedelta(hours=2)
    article = draft(langfang_editor)
    article = article_publish(actor=langfang_editor, article=article, publish_at=soon)
    assert article.status == Status.SCHEDULED and article.published_at is None
    assert publish_due_articles() == 0  # not yet due
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(minutes=1))
    assert publish_due_articles() == 1
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at is not None
    assert publish_due_articles() == 0  # idempotent
    last = article.transitions.last()
    assert (last.from_status, last.to_status, last.actor_id) == ("scheduled", "published", None)


# --- sanitising ----------------------------------------------------------------------------


def test_body_is_sanitised_on_save(langfang_editor):
    article = draft(
        langfang_editor,
        body=(
            '<p onclick="steal()">工会提示<script>alert(1)</script></p>'
            "<style>p{display:none}</style>"
            '<a href="javascript:alert(1)">坏链接</a> <a href="https://www.acftu.org">全总</a>'
            '<img src="x.png" onerror="alert(1)">'
        ),
    )
    body = article.body
    assert "<script" not in body and "alert(1)" not in body and "<style" not in body
    assert "onclick" not in body and "onerror" not in body and "javascript:" not in body
    assert "工会提示" in body
    assert 'href="https://www.acftu.org"' in body and 'rel="noopener noreferrer"' in body


def test_body_of_only_script_is_rejected(langfang_editor):
    with pytest.raises(ValidationError) as exc:
        draft(langfang_editor, body="<script>alert(1)</script>")
    assert "正文不能为空" in exc.value.messages[0]
    assert not Article.objects.exists()


def test_sanitiser_keeps_ordinary_markup():
    html = "<h3>工会提示</h3><ul><li>竞业限制</li></ul><table><tr><td>1</td></tr></table>"
    assert "<h3>" in article_body_sanitise(html) and "<td>1</td>" in article_body_sanitise(html)


# --- uploads -------------------------------------------------------------------------------


def test_cover_gets_webp_renditions(langfang_editor, settings):
    article = draft(langfang_editor, cover=image_file())
    assert set(article.cover_renditions) == {"320", "640", "1280"}
    from PIL import Image

    with Image.open(settings.MEDIA_ROOT / article.cover_renditions["320"]) as small:
        assert small.format == "WEBP" and small.width == 320


def test_small_cover_is_not_enlarged(langfang_editor, settings):
    article = draft(langfang_editor, cover=image_file(size=(400, 300), fmt="PNG"))
    from PIL import Image

    with Image.open(settings.MEDIA_ROOT / article.cover_renditions["1280"]) as big:
        assert big.width == 400


def test_fake_image_is_rejected(langfang_editor):
    fake = SimpleUploadedFile("cover.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        draft(langfang_editor, cover=fake)
    assert "不是有效的图片" in exc.value.messages[0]
    assert not Article.objects.exists()


def test_oversize_image_is_rejected(langfang_editor, settings):
    settings.REGIONS_MAX_IMAGE_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        draft(langfang_editor, cover=image_file())
    assert "不能超过" in exc.value.messages[0]


def test_gif_cover_is_rejected(langfang_editor):
    with pytest.raises(ValidationError):
        draft(langfang_editor, cover=image_file("a.gif", fmt="GIF"))


def test_pdf_attachment_is_checked_by_content(langfang_editor):
    article = draft(langfang_editor)
    pdf = SimpleUploadedFile(
        "暖新礼包领取指南.pdf", b"%PDF-1.7\n...", content_type="application/pdf"
    )
    attachment = article_attachment_add(actor=langfang_editor, article=article, upload=pdf)
    assert (attachment.name, attachment.kind) == ("暖新礼包领取指南.pdf", "pdf")
    exe = SimpleUploadedFile("表格.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        article_attachment_add(actor=langfang_editor, article=article, upload=exe)
    assert "内容与扩展名不符" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        article_attachment_add(
            actor=langfang_editor,
            article=article,
            upload=SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream"),
        )
    assert ArticleAttachment.objects.count() == 1


def test_docx_attachment_recognised_from_zip(langfang_editor):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    article = draft(langfang_editor)
    upload = SimpleUploadedFile("通知.docx", buffer.getvalue())
    assert (
        article_attachment_add(actor=langfang_editor, article=article, upload=upload).kind == "docx"
    )
    renamed = SimpleUploadedFile("通知.xlsx", buffer.getvalue())
    with pytest.raises(ValidationError):
        article_attachment_add(actor=langfang_editor, article=article, upload=renamed)


# --- read count ------------------------------------------------------------------------------


def test_read_count_is_one_atomic_update(langfang_editor):
    article = publish(langfang_editor, "131000", "阅读数")
    with CaptureQueriesContext(connection) as queries:
        article_read_register(article_id=article.pk)
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert sql.startswith("UPDATE") and '"READ_COUNT" + ' in sql
    article_read_register(article_id=article.pk)
    article.refresh_from_db()
    assert article.read_count == 2


def test_reading_the_page_counts_and_drafts_do_not(client, langfang_editor):
    article = publish(langfang_editor, "131000", "阅读数")
    client.get(article.get_absolute_url())
    client.get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.read_count == 2
    unpublished = draft(langfang_editor)
    assert client.get(unpublished.get_absolute_url()).status_code == 404
    article_read_register(article_id=unpublished.pk)
    unpublished.refresh_from_db()
    assert unpublished.read_count == 0
