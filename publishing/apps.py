from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    """What city and county unions publish on their pages of the region portal: articles
    (news, typical cases, notices), the service catalogue and the region pages themselves.

    Its tables keep the ``regions`` label they were made under (``regions.Article``...):
    the models live in ``regions.models`` with the tree, which imports nothing above it;
    everything that needs identity (who may publish where) lives here, above ``accounts``.
    """

    name = "publishing"
    verbose_name = _("地方门户")

    def ready(self) -> None:
        from publishing import signals  # noqa: F401 - connects the cache invalidation
