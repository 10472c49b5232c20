from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models.membership import EmploymentForm
from activities.models import PointsEntry, Signup
from activities.selectors import activity_participation_counts, points_balance
from activities.services import activity_check_in, activity_signup, activity_signup_cancel
from core.models import Notification
from core.sms import outbox
from tests.activities.conftest import card_token
from tests.activities.factories import ActivityFactory


@pytest.fixture
def full_activity(courier, make_courier):
    """Capacity 2: two confirmed, two waiting (in order)."""
    activity = ActivityFactory(capacity=2)
    people = [courier, make_courier(), make_courier(), make_courier()]
    signups = [activity_signup(activity_id=activity.pk, user=p) for p in people]
    return activity, people, signups


@pytest.mark.django_db
def test_places_then_waiting_list(full_activity):
    activity, people, signups = full_activity
    assert [s.status for s in signups] == ["confirmed", "confirmed", "waiting", "waiting"]
    with pytest.raises(ValidationError, match="已报名"):
        activity_signup(activity_id=activity.pk, user=people[0])
    with pytest.raises(ValidationError, match="已报名"):
        activity_signup(activity_id=activity.pk, user=people[3])
    assert Signup.objects.filter(activity=activity).count() == 4


@pytest.mark.django_db(transaction=True)
def test_cancel_promotes_first_waiting_and_notifies(full_activity, settings):
    activity, people, signups = full_activity
    outbox.clear()
    activity_signup_cancel(signup_id=signups[0].pk, user=people[0])
    statuses = dict(Signup.objects.filter(activity=activity).values_list("user_id", "status"))
    assert statuses[people[2].pk] == "confirmed"
    assert statuses[people[3].pk] == "waiting"
    notice = Notification.objects.get(user=people[2], kind="activities.promoted")
    assert activity.title in notice.title
    assert [m.phone for m in outbox] == [people[2].phone]  # texted after commit
    assert not Notification.objects.filter(user=people[3]).filter(kind="activities.promoted")
    # Cancelling a waiting place promotes nobody.
    activity_signup_cancel(signup_id=signups[3].pk, user=people[3])
    assert Notification.objects.filter(kind="activities.promoted").count() == 1
    # Signing up again after cancelling is allowed (the constraint ignores cancelled rows).
    again = activity_signup(activity_id=activity.pk, user=people[0])
    assert again.status == "waiting"


@pytest.mark.django_db
def test_cancel_someone_elses_or_twice(full_activity):
    _, people, signups = full_activity
    with pytest.raises(ValidationError, match="没有找到"):
        activity_signup_cancel(signup_id=signups[0].pk, user=people[1])
    activity_signup_cancel(signup_id=signups[0].pk, user=people[0])
    with pytest.raises(ValidationError, match="已取消"):
        activity_signup_cancel(signup_id=signups[0].pk, user=people[0])


@pytest.mark.django_db
def test_eligibility_and_start(courier, worker):
    activity = ActivityFactory(employment_form=EmploymentForm.NEW_FORM)
    with pytest.raises(ValidationError, match="仅限"):
        activity_signup(activity_id=activity.pk, user=worker)
    started = ActivityFactory(
        starts_at=timezone.now() - timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=1)
    )
    with pytest.raises(ValidationError, match="已开始"):
        activity_signup(activity_id=started.pk, user=courier)
    assert not Signup.objects.exists()


@pytest.mark.django_db
def test_check_in_by_member_card_once_with_points(full_activity, langfang_staff, sjz_staff):
    activity, people, _ = full_activity
    activity.points_award = 20
    activity.save()
    token = card_token(people[0])
    with pytest.raises(ValidationError, match="没有找到该活动"):
        activity_check_in(activity_id=activity.pk, token=token, staff=sjz_staff)
    signup = activity_check_in(activity_id=activity.pk, token=token, staff=langfang_staff)
    assert signup.checked_in_at is not None
    assert points_balance(user=people[0]) == 20
    with pytest.raises(ValidationError, match="已使用"):
        activity_check_in(activity_id=activity.pk, token=token, staff=langfang_staff)
    with pytest.raises(ValidationError, match="已签到"):
        activity_check_in(
            activity_id=activity.pk, token=card_token(people[0]), staff=langfang_staff
        )
    assert PointsEntry.objects.filter(user=people[0]).count() == 1
    with pytest.raises(ValidationError, match="候补"):
        activity_check_in(
            activity_id=activity.pk, token=card_token(people[2]), staff=langfang_staff
        )
    with pytest.raises(ValidationError, match="篡改"):
        activity_check_in(activity_id=activity.pk, token="not-a-token", staff=langfang_staff)

    counts = activity_participation_counts(region_path="100000/130000/131000/")
    assert counts["lecture"] == {"activities": 1, "confirmed": 2, "waiting": 2, "checked_in": 1}
    assert activity_participation_counts(region_path="100000/130000/130100/") == {}
