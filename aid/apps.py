from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "aid"
    verbose_name = _("困难帮扶与互助保障")

    def ready(self) -> None:
        from accounts.selectors.privacy import register_personal_data_exporter
        from aid.selectors import aid_personal_data

        register_personal_data_exporter("aid")(aid_personal_data)
