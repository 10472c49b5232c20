import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from core.models import Notification
from core.sms import outbox
from jobs import selectors, services
from jobs.models import Application, JobPost, MatchResult, Resume
from regions.models import Region
from tests.accounts.factories import UserFactory
from tests.jobs.factories import DRIVER_RESUME, make_employer, make_moderator, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(regions):
    return make_employer()


def _resume(user, capture, **extra):
    with capture(execute=True):
        return services.resume_save(
            user=user, region=Region.objects.get(code="131082"), **{**DRIVER_RESUME, **extra}
        )


def test_pay_min_above_max_is_refused_and_nothing_saved(employer):
    with pytest.raises(ValidationError) as exc:
        make_post(employer=employer, pay_min=9000, pay_max=7000)
    assert "月薪下限不能高于上限。" in exc.value.messages
    assert not JobPost.objects.exists()


def test_database_enforces_pay_order(employer):
    post = make_post(employer=employer, publish=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobPost.objects.filter(pk=post.pk).update(pay_min=99999)


def test_unverified_employer_cannot_post_but_staff_can_on_its_behalf(regions):
    moderator = make_moderator()
    employer = make_employer(name="未核验单位", verified=False, moderator=moderator)
    with pytest.raises(ValidationError):
        make_post(employer=employer)
    post = make_post(employer=employer, actor=moderator, publish=False)
    with pytest.raises(ValidationError, match="尚未经工会核验"):
        services.job_post_publish(actor=moderator, post=post)


def test_expired_and_taken_down_posts_leave_the_lists(employer):
    post = make_post(employer=employer)
    assert list(selectors.job_post_list()) == [post]
    JobPost.objects.filter(pk=post.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    assert list(selectors.job_post_list()) == []
    JobPost.objects.filter(pk=post.pk).update(valid_until=timezone.localdate())
    services.job_post_take_down(actor=make_moderator(), post=post, reason="信息不实")
    assert list(selectors.job_post_list()) == []
    with pytest.raises(ValidationError, match="已过期或已下架"):
        services.application_submit(user=UserFactory(), post=post)


def test_search_and_filters(employer):
    driver = make_post(employer=employer)
    make_post(
        employer=employer,
        title="叉车司机",
        certificates=["叉车证"],
        pay_min=5000,
        pay_max=6000,
        employment_type="兼职",
        region_code="130102",
    )
    assert list(selectors.job_post_list(q="货车司机")) == [driver]
    assert list(selectors.job_post_list(pay_at_least=8000)) == [driver]
    assert list(selectors.job_post_list(employment_type="全职")) == [driver]
    assert list(selectors.job_post_list(region_path="100000/130000/131000/")) == [driver]


def test_resume_save_matches_after_commit_with_reasons(
    employer, django_capture_on_commit_callbacks
):
    post = make_post(employer=employer)
    make_post(employer=employer, title="重卡司机", certificates=["道路运输从业资格证"])
    user = UserFactory()
    resume = _resume(user, django_capture_on_commit_callbacks)
    resume.refresh_from_db()
    assert resume.match_state == Resume.MatchState.DONE
    best = selectors.match_list_for_user(user=user)[0]
    assert best.post == post
    assert "同在三河市" in best.reasons and "持有B2驾驶证" in best.reasons
    assert "缺少道路运输从业资格证" in selectors.match_list_for_user(user=user)[1].gaps


def test_matching_is_idempotent_and_skips_stale_revisions(
    employer, django_capture_on_commit_callbacks
):
    make_post(employer=employer)
    resume = _resume(UserFactory(), django_capture_on_commit_callbacks)
    services.resume_match(resume_id=resume.pk)
    services.resume_match(resume_id=resume.pk)
    assert MatchResult.objects.filter(resume=resume).count() == 1
    assert services.resume_match(resume_id=resume.pk, revision=resume.revision - 1) == -1


def test_empty_resume_says_what_is_missing(regions, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resume = services.resume_save(user=UserFactory())
    assert resume.match_state == Resume.MatchState.INCOMPLETE
    assert resume.match_missing == ["期望职位或工作经历", "期望城市或所在城市"]
    assert not MatchResult.objects.exists()


def test_bad_resume_input_is_refused(regions):
    with pytest.raises(ValidationError):
        services.resume_save(user=UserFactory(), desired_city_codes=["999999"])
    with pytest.raises(ValidationError):
        services.resume_save(user=UserFactory(), expected_pay="很多")
    assert not Resume.objects.exists()


def test_publishing_notifies_matching_members_once(employer, django_capture_on_commit_callbacks):
    user = UserFactory()
    _resume(user, django_capture_on_commit_callbacks)
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(employer=employer)
    assert Notification.objects.filter(user=user, kind="jobs.match").count() == 1
    assert any(m.phone == user.phone for m in outbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_post_match(post_id=post.pk)
    assert Notification.objects.filter(user=user, kind="jobs.match").count() == 1


def test_application_lifecycle_notifies_each_step(employer, django_capture_on_commit_callbacks):
    post = make_post(employer=employer)
    user = UserFactory()
    _resume(user, django_capture_on_commit_callbacks)
    staff = employer.users.first()
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_submit(user=user, post=post)
        assert application.resume_snapshot["certificates"] == ["A2驾驶证"]
        services.application_mark_viewed(actor=staff, application=application)
        at = timezone.now() + dt.timedelta(days=3)
        services.application_invite(
            actor=staff,
            application=application,
            at=at,
            place="三河市燕郊物流园3号楼",
            contact="王经理 13800000099",
        )
        services.application_decide(
            actor=staff, application=application, offered=True, note="下周一入职"
        )
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED
    kinds = list(Notification.objects.filter(user=user).values_list("kind", flat=True))
    for step in ("submitted", "viewed", "interview", "offered"):
        assert f"jobs.application.{step}" in kinds
    assert sum(1 for m in outbox if m.phone == user.phone) >= 4
    with pytest.raises(ValidationError, match="不能进行此操作"):
        services.application_withdraw(user=user, application=application)


def test_apply_twice_and_foreign_access(employer, django_capture_on_commit_callbacks):
    post = make_post(employer=employer)
    user, other = UserFactory(), UserFactory()
    _resume(user, django_capture_on_commit_callbacks)
    application = services.application_submit(user=user, post=post)
    with pytest.raises(ValidationError, match="已投递过"):
        services.application_submit(user=user, post=post)
    assert Application.objects.count() == 1
    with pytest.raises(Http404):
        selectors.application_get_for_user(user=other, id=application.pk)
    with pytest.raises(Http404):
        selectors.application_get_for_manager(user=other, id=application.pk)
    with pytest.raises(ValidationError):
        services.application_invite(
            actor=other,
            application=application,
            at=timezone.now() + dt.timedelta(days=1),
            place="x",
            contact="y",
        )
    with pytest.raises(Http404):
        selectors.resume_get_for_user(user=other, id=user.resume.pk)


def test_apply_without_resume(employer):
    with pytest.raises(ValidationError, match="请先填写简历"):
        services.application_submit(user=UserFactory(), post=make_post(employer=employer))


def test_interview_needs_future_time_and_place(employer, django_capture_on_commit_callbacks):
    post = make_post(employer=employer)
    user = UserFactory()
    _resume(user, django_capture_on_commit_callbacks)
    application = services.application_submit(user=user, post=post)
    with pytest.raises(ValidationError):
        services.application_invite(
            actor=employer.users.first(),
            application=application,
            at=timezone.now() - dt.timedelta(hours=1),
            place="",
            contact="",
        )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_nightly_refresh_chunks(employer, django_capture_on_commit_callbacks):
    from jobs.tasks import nightly_refresh

    make_post(employer=employer)
    resumes = [_resume(UserFactory(), django_capture_on_commit_callbacks) for _ in range(3)]
    MatchResult.objects.all().delete()
    assert nightly_refresh(chunk=2) == 2
    assert MatchResult.objects.filter(resume__in=resumes).count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_double_apply_leaves_one_application(regions):
    import threading

    from django.db import connection

    employer = make_employer()
    post = make_post(employer=employer)
    user = UserFactory()
    services.resume_save(user=user, region=Region.objects.get(code="131082"), **DRIVER_RESUME)
    results = []
    barrier = threading.Barrier(2)

    def apply():
        try:
            barrier.wait()
            services.application_submit(user=user, post=post)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    assert Application.objects.filter(user=user, post=post).count() == 1


def test_refresh_chunk_stores_the_single_path_results_and_explains_lazily(
    employer, django_capture_on_commit_callbacks
):
    make_post(employer=employer)
    make_post(employer=employer, title="叉车司机", certificates=["叉车证"], region_code="131022")
    make_post(employer=employer, title="快递员", certificates=[], employment_type="兼职")
    users = [UserFactory() for _ in range(3)]
    resumes = [
        _resume(users[0], django_capture_on_commit_callbacks),
        _resume(users[1], django_capture_on_commit_callbacks, desired_titles=["快递员"]),
        _resume(users[2], django_capture_on_commit_callbacks, expected_pay=12000),
    ]
    single = {
        r.pk: list(MatchResult.objects.filter(resume=r).values_list("post_id", "score", "reasons"))
        for r in resumes
    }
    assert all(single.values())
    MatchResult.objects.filter(resume=resumes[0]).delete()
    ids = [r.pk for r in resumes]
    assert services.matching_refresh_chunk(resume_ids=ids, worker="w1@host") == 3
    assert services.matching_refresh_chunk(resume_ids=ids, worker="w1@host") == 3  # idempotent
    for resume in resumes:
        stored = list(
            MatchResult.objects.filter(resume=resume).values_list("post_id", "score", "reasons")
        )
        assert [(p, s) for p, s, _r in stored] == [(p, s) for p, s, _r in single[resume.pk]]
        assert all(reasons == [] for _p, _s, reasons in stored)  # scores only
    resumes[0].refresh_from_db()
    assert resumes[0].matched_by == "w1@host" and resumes[0].match_state == "done"
    # the member still sees the reasons, the same as the per-résumé path wrote them
    shown = selectors.match_list_for_user(user=users[0])
    assert [m.reasons for m in shown] == [r for _p, _s, r in single[resumes[0].pk]]
    assert "持有B2驾驶证" in shown[0].reasons


def test_refresh_chunk_leaves_a_resume_saved_meanwhile_to_its_own_task(
    employer, django_capture_on_commit_callbacks, monkeypatch
):
    from jobs.services import matching

    make_post(employer=employer)
    resume = _resume(UserFactory(), django_capture_on_commit_callbacks)
    real = matching.job_index

    def index_then_edit():
        Resume.objects.filter(pk=resume.pk).update(revision=resume.revision + 1)
        return real()

    monkeypatch.setattr(matching, "job_index", index_then_edit)
    MatchResult.objects.all().delete()
    assert services.matching_refresh_chunk(resume_ids=[resume.pk]) == 0
    assert not MatchResult.objects.filter(resume=resume).exists()
