from django.db import migrations

from core.search import gin_index_operation


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [
        gin_index_operation(
            table="jobs_jobpost", column="search_document", name="jobs_post_search_gin"
        ),
    ]
