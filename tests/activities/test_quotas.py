"""Regional quotas of a campaign: "廊坊 300, of which 三河 100"."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.models import Campaign, CampaignQuota, Claim
from activities.selectors import campaign_quota_report
from activities.services import campaign_claim, campaign_quotas_set
from regions.models import Region
from tests.activities.factories import CampaignFactory
from tests.activities.test_campaigns import _run_threads


def _r(code: str) -> Region:
    return Region.objects.get(code=code)


def _stock(campaign) -> dict[str, int]:
    left = {q.region.code: q.stock for q in campaign_quota_report(campaign=campaign)}
    return {**left, "total": Campaign.objects.get(pk=campaign.pk).stock}


@pytest.fixture
def langfang_campaign(langfang_staff):
    campaign = CampaignFactory(total_stock=10, stock=10)
    campaign_quotas_set(
        campaign=campaign, quotas=[(_r("131000"), 5), (_r("131082"), 2)], actor=langfang_staff
    )
    return campaign


@pytest.mark.django_db
def test_a_claim_takes_from_the_deepest_quota_and_those_above(langfang_campaign, make_in):
    campaign_claim(campaign_id=langfang_campaign.pk, user=make_in("131082"))  # 三河
    assert _stock(langfang_campaign) == {"131000": 4, "131082": 1, "total": 9}
    campaign_claim(campaign_id=langfang_campaign.pk, user=make_in("131000"))  # 廊坊 city
    assert _stock(langfang_campaign) == {"131000": 3, "131082": 1, "total": 8}
    quotas = {q.region.code: q.claimed for q in campaign_quota_report(campaign=langfang_campaign)}
    assert quotas == {"131000": 2, "131082": 1}


@pytest.mark.django_db
def test_an_exhausted_region_is_told_and_nothing_is_taken(langfang_campaign, make_in):
    campaign_claim(campaign_id=langfang_campaign.pk, user=make_in("131082"))
    campaign_claim(campaign_id=langfang_campaign.pk, user=make_in("131082"))
    late = make_in("131082")
    with pytest.raises(ValidationError, match="三河市的名额已领完"):
        campaign_claim(campaign_id=langfang_campaign.pk, user=late)
    assert _stock(langfang_campaign) == {"131000": 3, "131082": 0, "total": 8}
    assert not Claim.objects.filter(user=late).exists()
    # Elsewhere in 廊坊 the city's quota still has room.
    campaign_claim(campaign_id=langfang_campaign.pk, user=make_in("131024"))
    assert _stock(langfang_campaign) == {"131000": 2, "131082": 0, "total": 7}


@pytest.mark.django_db
def test_the_city_quota_caps_its_counties_too(langfang_staff, make_in):
    campaign = CampaignFactory(total_stock=10, stock=10)
    campaign_quotas_set(
        campaign=campaign, quotas=[(_r("131000"), 2), (_r("131082"), 2)], actor=langfang_staff
    )
    for _ in range(2):
        campaign_claim(campaign_id=campaign.pk, user=make_in("131000"))
    with pytest.raises(ValidationError, match="三河市的名额已领完"):
        campaign_claim(campaign_id=campaign.pk, user=make_in("131082"))
    # The 三河 decrement was rolled back with the refused claim.
    assert _stock(campaign) == {"131000": 0, "131082": 2, "total": 8}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("131082", 11)], "超过了总数量"),
        ([("131000", 3), ("131082", 4)], "超过了上级廊坊市的配额"),
        ([("130100", 1)], "不在本活动的地区廊坊市范围内"),
        ([("131082", 1), ("131082", 2)], "同一地区只能设置一个配额"),
        ([("131082", -1)], "不小于0的整数"),
    ],
)
def test_bad_quotas_are_refused_in_chinese(langfang_staff, rows, message):
    campaign = CampaignFactory(total_stock=10, stock=10)
    with pytest.raises(ValidationError, match=message):
        campaign_quotas_set(
            campaign=campaign, quotas=[(_r(c), n) for c, n in rows], actor=langfang_staff
        )
    assert not CampaignQuota.objects.exists()


@pytest.mark.django_db
def test_changing_a_quota_moves_its_stock_and_keeps_claims(
    langfang_campaign, langfang_staff, sjz_staff, make_in
):
    campaign_claim(campaign_id=langfang_campaign.pk, user=make_in("131082"))
    with pytest.raises(ValidationError, match="无权"):
        campaign_quotas_set(campaign=langfang_campaign, quotas=[], actor=sjz_staff)
    campaign_quotas_set(
        campaign=langfang_campaign,
        quotas=[(_r("131000"), 8), (_r("131082"), 4)],
        actor=langfang_staff,
    )
    assert _stock(langfang_campaign) == {"131000": 7, "131082": 3, "total": 9}
    with pytest.raises(ValidationError, match="已领取 1 份，配额不能少于已领取数量"):
        campaign_quotas_set(
            campaign=langfang_campaign,
            quotas=[(_r("131000"), 8), (_r("131082"), 0)],
            actor=langfang_staff,
        )
    campaign_quotas_set(
        campaign=langfang_campaign, quotas=[(_r("131000"), 8)], actor=langfang_staff
    )
    assert _stock(langfang_campaign) == {"131000": 7, "total": 9}  # 三河's cap lifted


@pytest.mark.django_db
def test_staff_manage_quotas_inline_and_see_claimed_and_left(
    client, langfang_campaign, langfang_staff, make_in, settings
):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    campaign_claim(campaign_id=langfang_campaign.pk, user=make_in("131082"))
    client.force_login(langfang_staff)
    changelist = client.get(reverse("admin:activities_campaign_changelist")).content.decode()
    assert "三河市 1/2" in changelist and "廊坊市 1/5" in changelist
    url = reverse("admin:activities_campaign_change", args=[langfang_campaign.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    quotas = list(CampaignQuota.objects.filter(campaign=langfang_campaign).order_by("region__path"))
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("total_stock", "created_at", "starts_at", "ends_at", "voucher_expires_at")
        and value is not None
    }
    data.update(
        {
            "region": langfang_campaign.region_id,
            "starts_at_0": langfang_campaign.starts_at.strftime("%Y-%m-%d"),
            "starts_at_1": "00:00:00",
            "ends_at_0": langfang_campaign.ends_at.strftime("%Y-%m-%d"),
            "ends_at_1": "00:00:00",
            "created_at_0": "2026-01-01",
            "created_at_1": "00:00:00",
            "quotas-TOTAL_FORMS": "3",
            "quotas-INITIAL_FORMS": "2",
        }
    )
    for i, quota in enumerate(quotas):
        data.update(
            {
                f"quotas-{i}-id": quota.pk,
                f"quotas-{i}-campaign": langfang_campaign.pk,
                f"quotas-{i}-region": quota.region_id,
                f"quotas-{i}-quota": {"131000": 6, "131082": 0}[quota.region.code],
            }
        )
    data.update({"quotas-2-region": _r("131024").pk, "quotas-2-quota": "2"})
    # Below what 三河 already claimed: the form comes back with the message, nothing saved.
    response = client.post(url, data)
    assert response.status_code == 200
    assert "已领取 1 份，配额不能少于已领取数量" in response.content.decode()
    assert _stock(langfang_campaign) == {"131000": 4, "131082": 1, "total": 9}
    data["quotas-1-quota"] = "3"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _stock(langfang_campaign) == {"131000": 5, "131082": 2, "131024": 2, "total": 9}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_respect_each_regions_quota_exactly(regions, langfang_staff, make_in):
    campaign = CampaignFactory(total_stock=20, stock=20)
    campaign_quotas_set(
        campaign=campaign,
        quotas=[(_r("131000"), 7), (_r("131082"), 3), (_r("131024"), 4)],
        actor=langfang_staff,
    )
    sanhe = [make_in("131082") for _ in range(9)]
    xianghe = [make_in("131024") for _ in range(9)]
    members = [m for pair in zip(sanhe, xianghe, strict=True) for m in pair]
    outcomes = _run_threads(
        [lambda m=m: campaign_claim(campaign_id=campaign.pk, user=m) for m in members]
    )
    assert outcomes.count("ok") == 7
    assert outcomes.count("三河市的名额已领完") == 6
    assert outcomes.count("香河县的名额已领完") == 5
    assert Claim.objects.filter(campaign=campaign, user__in=sanhe).count() == 3
    assert Claim.objects.filter(campaign=campaign, user__in=xianghe).count() == 4
    assert _stock(campaign) == {"131000": 0, "131082": 0, "131024": 0, "total": 13}
