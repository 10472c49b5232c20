from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "honours"
    verbose_name = _("劳模工匠")

    def ready(self) -> None:
        from accounts.selectors.privacy import register_personal_data_exporter
        from honours.selectors import honours_personal_data

        register_personal_data_exporter("honours")(honours_personal_data)
