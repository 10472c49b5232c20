import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Credential
from accounts.models.membership import EmploymentForm
from accounts.tokens import credential_token_issue
from activities.models import Campaign, Claim
from activities.services import campaign_claim, campaign_voucher_redeem
from tests.accounts.factories import UserFactory
from tests.activities.conftest import card_token
from tests.activities.factories import CampaignFactory


def _voucher_token(claim) -> str:
    return credential_token_issue(credential=claim.credential).token


@pytest.mark.django_db
def test_claim_puts_a_voucher_in_the_wallet_and_takes_stock(courier):
    campaign = CampaignFactory(employment_form=EmploymentForm.NEW_FORM)
    claim = campaign_claim(campaign_id=campaign.pk, user=courier)
    campaign.refresh_from_db()
    assert campaign.stock == 9
    assert claim.credential.kind == Credential.Kind.VOUCHER
    assert claim.credential.user == courier
    assert claim.credential.data["redemption_place"] == campaign.redemption_place


@pytest.mark.django_db
def test_second_claim_is_refused_and_takes_no_stock(courier):
    campaign = CampaignFactory()
    campaign_claim(campaign_id=campaign.pk, user=courier)
    with pytest.raises(ValidationError, match="已领取过"):
        campaign_claim(campaign_id=campaign.pk, user=courier)
    campaign.refresh_from_db()
    assert campaign.stock == 9


@pytest.mark.django_db
def test_sold_out(courier, make_courier):
    campaign = CampaignFactory(total_stock=1, stock=1)
    campaign_claim(campaign_id=campaign.pk, user=make_courier())
    with pytest.raises(ValidationError, match="已领完"):
        campaign_claim(campaign_id=campaign.pk, user=courier)
    assert Claim.objects.filter(campaign=campaign).count() == 1


@pytest.mark.django_db
def test_ineligible_members_are_told_why(worker, courier):
    campaign = CampaignFactory(employment_form=EmploymentForm.NEW_FORM)
    with pytest.raises(ValidationError, match="廊坊市"):
        campaign_claim(campaign_id=campaign.pk, user=worker)  # 石家庄
    sjz = CampaignFactory(region=worker.memberships.get().organization.region)
    sjz.employment_form = EmploymentForm.NEW_FORM
    sjz.save()
    with pytest.raises(ValidationError, match="新就业形态"):
        campaign_claim(campaign_id=sjz.pk, user=worker)
    with pytest.raises(ValidationError, match="请先入会"):
        campaign_claim(campaign_id=campaign.pk, user=UserFactory())
    assert not Claim.objects.exists()
    campaign.refresh_from_db()
    assert campaign.stock == 10


@pytest.mark.django_db
def test_claim_window(courier):
    now = timezone.now()
    early = CampaignFactory(starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))
    late = CampaignFactory(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    with pytest.raises(ValidationError, match="尚未开始"):
        campaign_claim(campaign_id=early.pk, user=courier)
    with pytest.raises(ValidationError, match="已截止"):
        campaign_claim(campaign_id=late.pk, user=courier)
    with pytest.raises(ValidationError, match="没有找到"):
        campaign_claim(campaign_id=CampaignFactory(published=False).pk, user=courier)


@pytest.mark.django_db
def test_redeem_once_by_staff_in_scope(courier, langfang_staff, sjz_staff):
    claim = campaign_claim(campaign_id=CampaignFactory().pk, user=courier)
    with pytest.raises(ValidationError, match="无权"):
        campaign_voucher_redeem(token=_voucher_token(claim), staff=sjz_staff)
    claim.refresh_from_db()
    assert claim.redeemed_at is None
    token = _voucher_token(claim)
    redeemed = campaign_voucher_redeem(token=token, staff=langfang_staff)
    assert redeemed.redeemed_by == langfang_staff
    claim.credential.refresh_from_db()
    assert claim.credential.is_revoked
    for again in (token, _voucher_token(claim)):
        with pytest.raises(ValidationError, match=r"已于 .* 核销"):
            campaign_voucher_redeem(token=again, staff=langfang_staff)


@pytest.mark.django_db
def test_redeem_refuses_forged_and_member_cards(courier, langfang_staff):
    claim = campaign_claim(campaign_id=CampaignFactory().pk, user=courier)
    token = _voucher_token(claim)
    with pytest.raises(ValidationError, match="篡改"):
        campaign_voucher_redeem(token=token[:-4] + "AAAA", staff=langfang_staff)
    with pytest.raises(ValidationError, match="篡改"):
        campaign_voucher_redeem(token="", staff=langfang_staff)
    with pytest.raises(ValidationError, match="不是福利礼包券"):
        campaign_voucher_redeem(token=card_token(courier), staff=langfang_staff)
    claim.refresh_from_db()
    assert claim.redeemed_at is None


def _run_threads(targets):
    barrier = threading.Barrier(len(targets))
    outcomes: list[str] = []

    def run(target):
        close_old_connections()
        barrier.wait()
        try:
            target()
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        except Exception as error:  # noqa: BLE001 - a deadlock or a 500 shows in the outcomes
            outcomes.append(f"error: {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_oversell(regions, make_courier):
    campaign = CampaignFactory(total_stock=5, stock=5)
    members = [make_courier() for _ in range(16)]
    outcomes = _run_threads(
        [lambda m=m: campaign_claim(campaign_id=campaign.pk, user=m) for m in members]
    )
    campaign.refresh_from_db()
    assert outcomes.count("ok") == 5
    assert outcomes.count("已领完") == 11
    assert campaign.stock == 0
    assert Claim.objects.filter(campaign=campaign).count() == 5
    assert Credential.objects.filter(kind=Credential.Kind.VOUCHER).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_by_one_member_give_one(regions, courier):
    campaign = CampaignFactory(total_stock=50, stock=50)
    outcomes = _run_threads(
        [lambda: campaign_claim(campaign_id=campaign.pk, user=courier) for _ in range(10)]
    )
    campaign.refresh_from_db()
    assert outcomes.count("ok") == 1
    assert campaign.stock == 49
    assert Claim.objects.filter(campaign=campaign).count() == 1
    assert Campaign.objects.get(pk=campaign.pk).stock == 49


@pytest.mark.redis
@pytest.mark.django_db
def test_after_the_stock_is_gone_refusals_need_no_database(courier, make_courier):
    campaign = CampaignFactory(total_stock=1, stock=1)
    campaign_claim(campaign_id=campaign.pk, user=courier)
    late = make_courier()
    with pytest.raises(ValidationError, match="已领完"):
        campaign_claim(campaign_id=campaign.pk, user=late)  # the database says so; gate closes
    later = make_courier()
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(ValidationError, match="已领完"),
    ):
        campaign_claim(campaign_id=campaign.pk, user=later)
    assert len(queries) == 0
    assert Claim.objects.filter(campaign=campaign).count() == 1


@pytest.mark.redis
@pytest.mark.django_db
def test_a_refused_claim_gives_its_unit_back(courier, make_courier):
    campaign = CampaignFactory(total_stock=2, stock=2)
    campaign_claim(campaign_id=campaign.pk, user=courier)
    with pytest.raises(ValidationError, match="已领取过"):
        campaign_claim(campaign_id=campaign.pk, user=courier)  # took a unit from the gate
    campaign_claim(campaign_id=campaign.pk, user=make_courier())  # the unit came back
    campaign.refresh_from_db()
    assert campaign.stock == 0


@pytest.mark.redis
@pytest.mark.django_db
def test_a_gate_copy_that_is_wrong_low_heals_when_it_expires(courier):
    from core.stockgate import stock_gate_close, stock_gate_take

    campaign = CampaignFactory(total_stock=3, stock=3)
    name = f"campaign:{campaign.pk}"
    stock_gate_take(name=name, load_stock=lambda: 3)
    stock_gate_close(name=name)  # as if units were lost by killed workers
    with pytest.raises(ValidationError, match="已领完"):
        campaign_claim(campaign_id=campaign.pk, user=courier)
    from django.core.cache import caches

    from core import stockgate

    backend = caches["default"]
    backend._cache.get_client().delete(stockgate._key(backend, name))  # the copy expired
    campaign_claim(campaign_id=campaign.pk, user=courier)
    campaign.refresh_from_db()
    assert campaign.stock == 2
