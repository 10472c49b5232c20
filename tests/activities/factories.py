"""Factories for activities: campaigns, activities and mall items over real regions."""

from datetime import timedelta

import factory
from django.utils import timezone

from activities.models import Activity, Campaign, MallItem
from regions.models import Region


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = "暖新礼包"
    kind = Campaign.Kind.WELCOME
    region = factory.LazyFunction(lambda: _region("131000"))
    redemption_place = "廊坊市职工服务中心一楼"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    total_stock = 10
    stock = factory.SelfAttribute("total_stock")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = "职工法律知识宣讲"
    kind = Activity.Kind.LECTURE
    region = factory.LazyFunction(lambda: _region("131000"))
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3, hours=2))
    place = "廊坊市工人文化宫"
    capacity = 2


class MallItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MallItem

    title = "保温杯"
    region = factory.LazyFunction(lambda: _region("130000"))
    points_price = 30
    stock = 5
    pickup_place = "各市总工会职工服务中心"
