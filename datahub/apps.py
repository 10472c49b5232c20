from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "datahub"
    verbose_name = _("数据归集与交换")
