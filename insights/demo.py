"""Demo figures for the data platform (runs last).

The other demos hold a handful of members, too few for a chart to say anything. So this
one admits 72 more workers of the demo unions (石家庄, 廊坊, 三河, 固安 …) through the
membership services, spread over the past 30 days (their application and approval times are
then set back to those days), verifies two in three of them, gives them practice answers
and daily use, and computes the facts of those 30 days from everything the demos hold, so
the dashboard and the big screen show something living on ``make run``.

Idempotent: people are looked up by phone number first, use records are kept once per user
and day, and recomputing a day replaces it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from stdnum.cn import ric

from accounts.models import (
    EmploymentForm,
    Membership,
    MembershipApplication,
    MembershipEvent,
    UnionOrganization,
    User,
)
from accounts.selectors.users import user_get_by_phone
from accounts.services.identity import identity_verify
from accounts.services.membership import (
    membership_application_approve,
    membership_application_submit,
)
from accounts.services.users import user_create
from insights.services import daily_active_record, facts_backfill
from learning.models import PracticeAnswer, Question

DAYS = 30
PHONE_PREFIX = "1360013"

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘"
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "海燕",
    "立新",
    "淑珍",
    "国华",
    "丽娟",
    "永刚",
    "晓东",
    "春梅",
    "学军",
    "红霞",
    "振华",
    "美玲",
    "宏伟",
    "桂兰",
    "浩然",
    "雪梅",
    "子豪",
]

#: union name, employer written on the application, occupation, employment form
UNIONS = [
    (
        "石家庄冀中重型装备制造有限公司工会",
        "石家庄冀中重型装备制造有限公司",
        "数控车工",
        "full_time",
    ),
    ("石家庄恒创精密机械有限公司工会", "石家庄恒创精密机械有限公司", "装配钳工", "full_time"),
    ("河北医科大学第二医院工会", "河北医科大学第二医院", "护士", "full_time"),
    ("廊坊顺达物流有限公司工会", "廊坊顺达物流有限公司", "仓储管理员", "full_time"),
    ("廊坊市快递行业联合工会", "中通快递廊坊广阳网点", "快递员", "new_form"),
    ("石家庄市网约配送员联合工会", "美团外卖石家庄站点", "网约配送员", "new_form"),
    ("三河市新就业形态联合工会", "顺丰速运燕郊营业部", "快递员", "new_form"),
    ("固安县新就业形态联合工会", "固安县城乡货运平台", "货车司机", "flexible"),
]


def _local(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _id_number(region_code: str, index: int) -> str:
    # Born 2000-2004: every demo union's county code was valid then (广阳区 dates from 2000).
    birth = f"{2000 + index % 5}{1 + index % 12:02d}{1 + index % 28:02d}"
    body = f"{region_code}{birth}{300 + index:03d}"
    return body + ric.calc_check_digit(body + "0")


def _admit(*, index: int, today, officer: User, unions: dict[str, UnionOrganization]):
    """One worker joins a demo union on a day of the past month. None if already done."""
    phone = f"{PHONE_PREFIX}{index:04d}"
    if User.objects.filter(phone=phone).exists():
        return None
    union_name, employer, occupation, form = UNIONS[index % len(UNIONS)]
    union = unions.get(union_name)
    if union is None:
        return None
    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
    # No password: these members are figures on the dashboard, not demo sign-ins (and
    # hashing 72 passwords would take most of a minute).
    user = user_create(phone=phone, password=None, display_name=name)
    application = membership_application_submit(
        user=user,
        organization=union,
        employer=employer,
        occupation=occupation,
        employment_form=EmploymentForm(form),
    )
    membership = membership_application_approve(application=application, officer=officer)
    # The month of the demo: joined (29 - index % 30) days ago, decided a few hours later.
    day = today - timedelta(days=DAYS - 1 - index % DAYS)
    submitted = _local(day, 8 + index % 6, (index * 13) % 60)
    decided = submitted + timedelta(hours=1 + (index * 5) % 30)
    if decided >= timezone.now():
        decided = timezone.now() - timedelta(minutes=5)
        submitted = min(submitted, decided - timedelta(minutes=30))
    User.objects.filter(pk=user.pk).update(date_joined=submitted - timedelta(minutes=20))
    MembershipApplication.objects.filter(pk=application.pk).update(
        submitted_at=submitted, decided_at=decided
    )
    Membership.objects.filter(pk=membership.pk).update(started_at=decided)
    MembershipEvent.objects.filter(user=user, kind="applied").update(created_at=submitted)
    MembershipEvent.objects.filter(user=user, kind="approved").update(created_at=decided)
    if index % 3:
        identity = identity_verify(
            user=user,
            real_name=name,
            id_number=_id_number(union.region.code, index),
            consent=True,
        )
        type(identity).objects.filter(pk=identity.pk).update(
            verified_at=decided + timedelta(minutes=40)
        )
    return user, decided


#: kind, topic, title, description: what members of the demo unions asked the 12351 hotline.
HOTLINE_ASKS = [
    (
        "consultation",
        "insurance",
        "试用期单位不给交社保",
        "入职两个月，单位说转正后才交社保，这样合法吗？",
    ),
    (
        "assistance",
        "wages",
        "加班费按最低工资算",
        "车间加班费一直按最低工资标准算，不按实际工资，怎么办？",
    ),
    ("complaint", "wages", "站点拖欠配送费", "站点拖欠上月配送费一千多元，多次催要没有结果。"),
    (
        "legal_aid",
        "injury",
        "送件途中摔伤认定工伤",
        "送件途中被电动车撞伤，平台说是外包关系，能认定工伤吗？",
    ),
    (
        "consultation",
        "contract",
        "劳动合同到期不续签的补偿",
        "合同下月到期，单位不续签，有没有经济补偿？",
    ),
    (
        "suggestion",
        "new_form",
        "建议增设骑手休息驿站",
        "建议在万达商圈增设一处骑手休息驿站，夏天能喝口水歇歇脚。",
    ),
    (
        "consultation",
        "dispute",
        "调岗降薪不同意怎么办",
        "公司把我从技术岗调到后勤，工资降了三成，我不同意。",
    ),
    (
        "assistance",
        "hardship",
        "家中老人住院申请困难帮扶",
        "父亲住院花费较大，想了解工会困难职工帮扶怎么申请。",
    ),
]


def _hotline(*, user: User, union: UnionOrganization, index: int, today) -> bool:
    """A request by a demo member, answered and mostly resolved and rated by the staff of the
    demo, its times then set back to a day of the past month. False if not possible here."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from hotline.models import HotlineRequest
    from hotline.services.requests import (
        hotline_reply,
        hotline_request_rate,
        hotline_request_submit,
    )

    kind, topic, title, description = HOTLINE_ASKS[index % len(HOTLINE_ASKS)]
    if HotlineRequest.objects.filter(member=user, title=title).exists():
        return False
    try:
        request = hotline_request_submit(
            member=user, kind=kind, topic=topic, title=title, description=description,
            region=union.region,
        )  # fmt: skip
        if request.assignee is not None and index % 4:
            hotline_reply(
                actor=request.assignee,
                request=request,
                body="您好，您反映的情况已收到，我们已联系所在单位工会核实，请保持电话畅通。",
                action="resolve" if index % 3 else "reply",
            )
            request.refresh_from_db()
            if request.state == "resolved" and index % 5:
                hotline_request_rate(member=user, request=request, rating=5 - index % 3)
    except (ValidationError, PermissionDenied):
        return False
    day = today - timedelta(days=DAYS - 1 - (index * 11) % DAYS)
    created = _local(day, 9 + index % 8, (index * 17) % 60)
    shift = created - request.created_at
    now = timezone.now()

    def later(value, hours):
        return min(created + timedelta(hours=hours), now) if value else None

    request.refresh_from_db()
    HotlineRequest.objects.filter(pk=request.pk).update(
        created_at=created,
        first_response_due=request.first_response_due + shift
        if request.first_response_due
        else None,
        resolution_due=request.resolution_due + shift if request.resolution_due else None,
        first_response_at=later(request.first_response_at, 2 + index % 20),
        resolved_at=later(request.resolved_at, 24 + (index * 7) % 200),
        rated_at=later(request.rated_at, 30 + (index * 7) % 200),
    )
    return True


def _practice(*, user: User, since: datetime, today, questions: list[Question], seed: int) -> int:
    rows = []
    day = timezone.localtime(since).date()
    while day < today:
        if (seed + day.toordinal()) % 3 == 0:
            for n in range(3 + (seed + day.day) % 8):
                question = questions[(seed + n + day.day) % len(questions)]
                rows.append(
                    PracticeAnswer(
                        user=user,
                        question=question,
                        is_correct=(seed + n) % 4 != 0,
                        answered_at=_local(day, 20, n * 3 % 60),
                    )
                )
        day += timedelta(days=1)
    PracticeAnswer.objects.bulk_create(rows)
    return len(rows)


def _active_on(user_id: int, offset: int) -> bool:
    """A stable pattern: most members come most days, fewer at weekends."""
    return (user_id * 7 + offset * 3) % 5 != 0 and (offset % 7 not in (5, 6) or user_id % 2)


def seed(*, stdout) -> None:
    today = timezone.localdate()
    officer = user_get_by_phone(phone="13900000001")  # the province administrator
    unions = {u.name: u for u in UnionOrganization.objects.select_related("region")}
    questions = list(Question.objects.filter(is_active=True).order_by("pk")[:20])
    admitted = answers = asked = 0
    for index in range(72):
        done = _admit(index=index, today=today, officer=officer, unions=unions)
        if done is None:
            continue
        user, joined = done
        admitted += 1
        if questions:
            answers += _practice(
                user=user, since=joined, today=today, questions=questions, seed=index
            )
        if index % 3 == 0:
            union = Membership.objects.select_related("organization__region").get(
                user=user, status=Membership.Status.ACTIVE
            )
            asked += _hotline(user=user, union=union.organization, index=index, today=today)
    stdout.write(
        f"  members admitted over {DAYS} days: {admitted} new, {answers} practice answers, "
        f"{asked} hotline requests"
    )

    members = dict(
        Membership.objects.filter(status=Membership.Status.ACTIVE).values_list(
            "user_id", "started_at"
        )
    )
    written = 0
    for offset in range(DAYS, -1, -1):
        day = today - timedelta(days=offset)
        end = _local(day + timedelta(days=1), 0)
        users = [uid for uid, since in members.items() if since < end and _active_on(uid, offset)]
        written += daily_active_record(user_ids=users, day=day)
    stdout.write(f"  daily use: {len(members)} members over {DAYS} days ({written} notes)")
    runs = facts_backfill(start=today - timedelta(days=DAYS), end=today - timedelta(days=1))
    stdout.write(f"  facts: {len(runs)} days, {sum(run.rows for run in runs)} rows")
