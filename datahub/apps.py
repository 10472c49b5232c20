from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "datahub"
    verbose_name = _("数据归集与交换")

    def ready(self) -> None:
        # Identity knows no feature: the change feed follows membership steps by subscribing.
        from accounts.events import membership_event_subscribe
        from datahub.services.feed import member_change_on_membership_event

        membership_event_subscribe(member_change_on_membership_event)
