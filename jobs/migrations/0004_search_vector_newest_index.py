"""Job search reads a stored search vector (a generated column) with its own GIN index, in
place of the expression index that made ts_rank segment every matching post again; and the
newest-first index the list and the admin order by."""

import django.contrib.postgres.search
import core.search
from django.conf import settings
from django.db import migrations, models

from core.search import gin_index_operation


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0003_match_text_score_worker_and_closed_posts"),
        ("regions", "0003_article_search_gin"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="jobpost",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=core.search.DocumentVector("search_document"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="jobpost",
            index=models.Index(
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="jobs_post_newest_idx",
            ),
        ),
        gin_index_operation(
            table="jobs_jobpost",
            column="search_vector",
            name="jobs_post_vector_gin",
            expression=False,
        ),
        gin_index_operation(
            table="jobs_jobpost", column="search_document", name="jobs_post_search_gin", drop=True
        ),
    ]
