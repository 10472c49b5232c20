from django.db import migrations

from core.search import gin_index_operation


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [
        gin_index_operation(
            table="learning_course", column="search_document", name="learning_course_search_gin"
        ),
    ]
