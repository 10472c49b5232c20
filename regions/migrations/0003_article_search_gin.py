# The full-text GIN index of articles (PostgreSQL only; see core.search).

from django.db import migrations

from core.search import gin_index_operation


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_articles_services"),
    ]

    operations = [
        gin_index_operation(
            table="regions_article",
            column="search_document",
            name="regions_article_search_gin",
        ),
    ]
