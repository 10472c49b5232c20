"""A published post matched against the résumés in one batch: the scores the nightly
refresh writes, set-based results cut to each résumé's best ``TOP_N``, notices only where the
post enters a member's best ``NOTIFY_TOP``."""

import pytest

from core.models import Notification, OutboxMessage
from jobs import services
from jobs.models import MatchResult, Resume
from jobs.services import matching
from regions.models import Region
from tests.accounts.factories import UserFactory
from tests.jobs.factories import DRIVER_RESUME, make_employer, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(regions):
    return make_employer()


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what commits trigger (the matching tasks, eager here) right away."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def _resume(run, *, region="131082", **extra):
    return run(
        services.resume_save,
        user=UserFactory(),
        region=Region.objects.get(code=region),
        **{**DRIVER_RESUME, **extra},
    )


def _stored(**filters):
    return {
        (m.resume_id, m.post_id): (m.score, m.text_score)
        for m in MatchResult.objects.filter(**filters)
    }


def _notified(resume):
    return Notification.objects.filter(user_id=resume.user_id, kind="jobs.match").count()


def test_publish_stores_the_scores_the_nightly_refresh_writes(employer, run_on_commit):
    posts = [
        run_on_commit(make_post, employer=employer),
        run_on_commit(
            make_post,
            employer=employer,
            title="叉车司机",
            certificates=["叉车证"],
            region_code="131022",
            employment_type="兼职",
        ),
        run_on_commit(make_post, employer=employer, title="园林绿化工", certificates=[]),
        run_on_commit(make_post, employer=employer, title="快递员", region_code="130102"),
    ]
    titles = [["货运司机"], ["快递员"], ["叉车工", "仓管员"], ["园林绿化工"], ["重卡司机"]]
    resumes = [
        _resume(
            run_on_commit,
            region=["131082", "131022", "130102"][i % 3],
            desired_titles=titles[i % 5],
            expected_pay=6000 + 400 * i,
            certificates=[["A2驾驶证"], ["叉车证"], []][i % 3],
        )
        for i in range(15)
    ]
    MatchResult.objects.all().delete()
    for post in posts:
        matching.job_post_match(post_id=post.pk)
    by_post = _stored()
    assert {post_id for _r, post_id in by_post} == {p.pk for p in posts}
    MatchResult.objects.all().delete()
    matching.matching_refresh_chunk(resume_ids=[r.pk for r in resumes])
    assert by_post == _stored()  # the same pairs, bit-identical scores and text similarity


def test_only_members_for_whom_the_post_enters_their_top_10_are_notified(employer, run_on_commit):
    for _ in range(matching.NOTIFY_TOP):
        run_on_commit(make_post, employer=employer)  # in 三河市, before anyone's résumé
    near = _resume(run_on_commit)  # lives in 三河市: ten posts at home
    far = _resume(run_on_commit, region="130102", desired_city_codes=["130100"])  # 石家庄
    assert MatchResult.objects.filter(resume=near).count() == matching.NOTIFY_TOP

    post = run_on_commit(make_post, employer=employer, region_code="130102")  # in 石家庄

    # a good match for both, but ten better ones for the member in 三河市
    near_score = MatchResult.objects.get(resume=near, post=post).score
    assert near_score >= matching.NOTIFY_THRESHOLD
    assert MatchResult.objects.filter(resume=near, score__gt=near_score).count() == 10
    assert _notified(near) == 0
    assert _notified(far) == 1
    assert MatchResult.objects.filter(resume=far).order_by("-score", "post_id")[0].post == post


def test_a_post_enters_a_full_list_by_pushing_out_its_last(employer, run_on_commit, monkeypatch):
    monkeypatch.setattr(matching, "TOP_N", 3)
    monkeypatch.setattr(matching, "NOTIFY_TOP", 1)
    for pay in (7000, 6800, 6600, 6400):  # below the expected 8000: distinct scores
        run_on_commit(make_post, employer=employer, pay_min=5000, pay_max=pay)
    resume = _resume(run_on_commit)
    before = _stored(resume=resume)
    assert len(before) == 3
    worst = min(before, key=lambda pair: before[pair][0])

    better = run_on_commit(make_post, employer=employer, pay_min=5000, pay_max=7600)
    after = _stored(resume=resume)
    assert set(after) == set(before) - {worst} | {(resume.pk, better.pk)}
    assert _notified(resume) == 1  # now its best

    worse = run_on_commit(make_post, employer=employer, pay_min=5000, pay_max=6500)
    assert _stored(resume=resume) == after  # does not make the list, nothing pushed out
    assert _notified(resume) == 1

    matching.job_post_match(post_id=better.pk)  # run again: nothing changes
    assert _stored(resume=resume) == after
    assert _notified(resume) == 1
    assert not MatchResult.objects.filter(post=worse).exists()


def test_an_edited_post_leaves_the_lists_it_no_longer_fits(employer, run_on_commit):
    resume = _resume(run_on_commit)
    post = run_on_commit(make_post, employer=employer)
    assert MatchResult.objects.filter(resume=resume, post=post).exists()
    assert _notified(resume) == 1
    run_on_commit(
        services.job_post_update,
        actor=employer.users.first(),
        post=post,
        title="保洁员",
        certificates=[],
    )
    assert not MatchResult.objects.filter(post=post).exists()
    assert _notified(resume) == 1


def test_a_resume_saved_after_it_was_read_is_left_to_its_own_matching(
    employer, run_on_commit, monkeypatch
):
    post = run_on_commit(make_post, employer=employer)
    resume = _resume(run_on_commit)
    stale = matching.resume_index()  # still a truck driver in there
    MatchResult.objects.all().delete()
    run_on_commit(services.resume_save, user=resume.user, desired_titles=["保洁员"])
    assert not MatchResult.objects.filter(resume=resume).exists()
    monkeypatch.setattr(matching, "resume_index", lambda: stale)

    assert matching.job_post_match(post_id=post.pk) == 0
    assert not MatchResult.objects.filter(resume=resume).exists()
    assert _notified(resume) == 0


def test_the_resume_index_follows_saves_and_is_reused_between_posts(employer, run_on_commit):
    first = _resume(run_on_commit)
    second = _resume(run_on_commit, desired_titles=["快递员"])
    index, _versions = matching.resume_index()
    assert {str(first.pk), str(second.pk)} <= set(index.ids)
    assert matching.resume_index()[0] is index  # nothing changed: the same object

    run_on_commit(services.resume_save, user=second.user, desired_titles=[], work_history=[])
    assert Resume.objects.get(pk=second.pk).match_state == Resume.MatchState.INCOMPLETE
    run_on_commit(services.resume_save, user=first.user, desired_titles=["叉车工"])
    newer, _versions = matching.resume_index()
    assert newer is not index
    assert str(second.pk) not in newer.ids and newer.ids[-1] == str(first.pk)  # re-read

    # what it now holds is what the résumé says: a forklift post fits, a driver's no more
    forklift = run_on_commit(make_post, employer=employer, title="叉车司机", certificates=[])
    driver = run_on_commit(make_post, employer=employer)
    assert MatchResult.objects.filter(resume=first, post=forklift).exists()
    assert not MatchResult.objects.filter(resume=first, post=driver).exists()


def test_publishing_enqueues_one_matching_per_version_of_the_post(employer, run_on_commit):
    post = run_on_commit(make_post, employer=employer)
    moderator = employer.verified_by
    run_on_commit(services.job_post_publish, actor=moderator, post=post)  # already published
    messages = OutboxMessage.objects.filter(task="jobs.tasks.match_post")
    assert messages.count() == 1
    assert messages.get().key.startswith(f"jobs.match_post:{post.pk}:")
    run_on_commit(services.job_post_update, actor=moderator, post=post, headcount=5)
    assert messages.count() == 2
