from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("冀工学堂")

    def ready(self) -> None:
        from learning import privacy  # noqa: F401 - registers the personal data exporter
