"""Builders for insights tests: staff with the insights role, and a small hand-built scene
across the modules whose figures are known."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Role
from accounts.services.roles import role_assign
from insights.services import daily_active_record
from learning.models import PracticeAnswer
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, UserFactory, make_identity, make_member
from tests.hotline.factories import make_request
from tests.learning.factories import make_question


def make_insights_staff(*, region_code: str = "130000", role=Role.PROVINCE_ADMIN):
    user = StaffUserFactory()
    role_assign(user=user, role=role, region=Region.objects.get(code=region_code))
    return user


@dataclass
class Scene:
    changan_members: list
    sanhe_members: list
    day: object


def make_scene(union_tree) -> Scene:
    """Today: 2 members in 长安区 (石家庄), 1 in 三河市 (廊坊), one of them verified; 3 hotline
    requests (2 in 长安区, 1 in 三河市); 2 of the members active; 4 practice answers, 3
    right."""
    changan = [make_member(organization=union_tree["factory"]) for _ in range(2)]
    sanhe = [make_member(organization=union_tree["joint"])]
    make_identity(user=changan[0])
    make_request(member=changan[0], region_code="130102")
    make_request(member=changan[1], region_code="130102", kind="complaint")
    make_request(member=sanhe[0], region_code="131082")
    make_request(member=UserFactory(), region_code="131082")  # a non-member, still counted
    day = timezone.localdate()
    daily_active_record(user_ids=[changan[0].pk, sanhe[0].pk], day=day)
    question = make_question()
    for user, right in [
        (changan[0], True),
        (changan[0], True),
        (changan[1], False),
        (sanhe[0], True),
    ]:
        PracticeAnswer.objects.create(user=user, question=question, is_correct=right)
    return Scene(changan_members=changan, sanhe_members=sanhe, day=day)


@dataclass
class WideScene(Scene):
    post: object = None
    new_form_member: object = None


def make_wide_scene(union_tree) -> WideScene:
    """``make_scene`` plus a few known rows in every domain, timed within today (the
    window's start plus hours, so the figures do not depend on the time of day):

    - membership: a new-form member of the 三河 joint union (4 members), a rejected
      application decided 5 days after submission, a transfer completed after 10 hours;
    - hotline/rights: one request resolved on time, one legal-aid labour-dispute request in
      三河 resolved late after 2 hours; two consultation slots in 三河, one booked;
    - jobs: a verified 廊坊 employer, a post in 三河, two applications, one of them to a
      post the matcher recommended to the applicant;
    - activities: a lecture (30 places) and an online job fair (20 places) in 廊坊;
    - publicity: a case in 石家庄 (12 reads) and a notice in 廊坊 (3 reads);
    - datahub: a 廊坊 roster import (10 rows, 2 rejected), with rows for a member and a
      non-member;
    - usage: the new-form member active today, another member active 3 days ago;
    - learning: a wrong-book entry.
    """
    from datetime import timedelta

    from accounts.models import EmploymentForm, Membership, MembershipApplication, TransferRequest
    from datahub.models import ImportRow, RosterImport
    from hotline.models import ConsultationBooking, ConsultationSlot, HotlineRequest
    from insights.registry import Window
    from jobs.models import Application, MatchResult, Resume
    from learning.models import WrongAnswer
    from regions.models import Article
    from tests.activities.factories import ActivityFactory
    from tests.jobs.factories import make_employer, make_post

    base = make_scene(union_tree)
    w = Window.for_day(base.day)
    at = lambda hours: w.start + timedelta(hours=hours)  # noqa: E731
    region = {code: Region.objects.get(code=code) for code in ("130100", "131000", "131082")}

    new_form = make_member(
        organization=union_tree["joint"], employment_form=EmploymentForm.NEW_FORM
    )
    MembershipApplication.objects.create(
        user=UserFactory(),
        organization=union_tree["factory"],
        employer="石家庄重型装备制造有限公司",
        occupation="焊工",
        employment_form=EmploymentForm.FULL_TIME,
        status=MembershipApplication.Status.REJECTED,
        submitted_at=at(1) - timedelta(days=5),
        decided_at=at(1),
    )
    moving = base.changan_members[1]
    TransferRequest.objects.create(
        user=moving,
        from_membership=Membership.objects.get(user=moving, ended_at__isnull=True),
        to_organization=union_tree["joint"],
        employer="三河市顺达物流有限公司",
        occupation="货车司机",
        employment_form=EmploymentForm.FULL_TIME,
        status=TransferRequest.Status.COMPLETED,
        requested_at=at(0),
        completed_at=at(10),
    )

    first = HotlineRequest.objects.filter(region__code="130102").order_by("pk").first()
    HotlineRequest.objects.filter(pk=first.pk).update(
        created_at=at(1), resolved_at=at(5), resolution_due=at(20)
    )
    aid = make_request(
        member=base.sanhe_members[0], region_code="131082", kind="legal_aid", topic="dispute"
    )
    HotlineRequest.objects.filter(pk=aid.pk).update(
        created_at=at(1), resolved_at=at(3), resolution_due=at(2)
    )
    slots = [
        ConsultationSlot.objects.create(
            region=region["131082"],
            counsellor="李律师",
            place="三河市职工服务中心",
            starts_at=at(9 + n),
            ends_at=at(10 + n),
        )
        for n in range(2)
    ]
    ConsultationBooking.objects.create(slot=slots[0], request=aid, booked_by=base.sanhe_members[0])

    employer = make_employer()
    post = make_post(employer=employer)
    resume = Resume.objects.create(user=base.sanhe_members[0], region=region["131082"])
    MatchResult.objects.create(resume=resume, post=post, score=80, reasons=[], gaps=[])
    for user in (base.sanhe_members[0], base.changan_members[0]):
        Application.objects.create(user=user, post=post, resume_snapshot={})

    ActivityFactory(region=region["131000"], starts_at=at(14), capacity=30, published=True)
    ActivityFactory(
        region=region["131000"],
        starts_at=at(15),
        capacity=20,
        published=True,
        kind="job_fair",
        online_url="https://live.example.cn/fair",
    )

    for code, kind, reads in (("130100", "case", 12), ("131000", "notice", 3)):
        Article.objects.create(
            region=region[code],
            kind=kind,
            title="农民工讨薪维权案例" if kind == "case" else "关于开展“春风行动”的通知",
            status=Article.Status.PUBLISHED,
            published_at=at(9),
            read_count=reads,
        )

    roster = RosterImport.objects.create(
        region=region["131000"],
        original_name="廊坊名册.xlsx",
        file_sha256="0" * 64,
        file_format="xlsx",
        status=RosterImport.Status.DONE,
        finished_at=at(8),
        total_rows=10,
        processed_rows=10,
        accepted_count=6,
        merged_count=2,
        rejected_count=2,
    )
    for line, user in enumerate((new_form, UserFactory()), start=2):
        ImportRow.objects.create(
            roster_import=roster, line=line, status=ImportRow.Status.ACCEPTED, user_id=user.pk
        )

    daily_active_record(user_ids=[new_form.pk], day=base.day)
    daily_active_record(user_ids=[base.changan_members[1].pk], day=base.day - timedelta(days=3))
    WrongAnswer.objects.create(
        user=base.changan_members[0], question=make_question(), last_wrong_at=at(2)
    )
    return WideScene(
        changan_members=base.changan_members,
        sanhe_members=base.sanhe_members,
        day=base.day,
        post=post,
        new_form_member=new_form,
    )
