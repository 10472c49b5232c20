"""Demo content for 冀工学堂: courses, a question bank on work safety and labour law, an
exam, 王伟 halfway through a course after dinner, and a 冀高一筹 competition with a
leaderboard. Runs after accounts.demo and accounts.demo_membership; idempotent (looked up
by title, questions by content hash, plays only for people who have not played)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.selectors.users import user_get_by_phone
from learning.models import (
    Attempt,
    Competition,
    Course,
    Enrollment,
    Lesson,
    Paper,
    PaperQuestion,
    QuestionKind,
)
from learning.services.authoring import PaperItem, RoundSpec, competition_save, paper_save
from learning.services.competitions import competition_register, competition_round_start
from learning.services.courses import (
    course_publish,
    course_save,
    enrollment_create,
    lesson_complete,
    lesson_open,
    lesson_save,
)
from learning.services.exams import attempt_submit
from learning.services.practice import practice_answer
from learning.services.questions import question_create
from regions.models import Region

S, M, T, F = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL

COURSES = [
    # region, category, title, summary, lessons
    (
        "130000",
        "safety",
        "电工安全操作规程",
        "停电、验电、挂接地线，一步不能少：班组电工必修。",
        [
            (
                "电气安全基本知识",
                "<p>安全电压额定值的上限为36伏；潮湿、金属容器内等场所应使用12伏及以下。</p>",
            ),
            (
                "停电、验电与挂接地线",
                "<p>检修前必须停电、验电、装设接地线、悬挂标示牌和装设遮栏。</p>",
            ),
            ("个人防护用品的使用", "<p>绝缘手套、绝缘鞋使用前检查有无破损，按周期送检。</p>"),
            ("触电急救", "<p>先断电源，再施救；心跳呼吸停止的立即做心肺复苏，同时拨打120。</p>"),
        ],
    ),
    (
        "130000",
        "labour_law",
        "劳动合同法十讲",
        "从签合同、试用期到竞业限制、经济补偿，一讲十分钟。",
        [
            (title, f"<p>{body}</p>")
            for title, body in [
                (
                    "订立书面劳动合同",
                    "用人单位自用工之日起即与劳动者建立劳动关系，应当订立书面劳动合同。",
                ),
                (
                    "超过一个月不签合同的二倍工资",
                    "自用工之日起超过一个月不满一年未订立书面合同的，应向劳动者每月支付二倍工资。",
                ),
                (
                    "试用期有多长",
                    "合同期限三个月以上不满一年的，试用期不得超过一个月；同一单位与同一劳动者只能约定一次试用期。",
                ),
                (
                    "工资与加班费",
                    "安排延长工作时间的，支付不低于工资150%的工资报酬；休息日安排工作又不能补休的，不低于200%。",
                ),
                ("社会保险", "用人单位应当依法为劳动者缴纳社会保险费。"),
                (
                    "竞业限制",
                    "竞业限制人员限于高级管理人员、高级技术人员和其他负有保密义务的人员，期限不得超过二年，期间按月给予经济补偿。",
                ),
                (
                    "劳动者解除合同",
                    "劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同；试用期内提前三日通知。",
                ),
                ("用人单位解除合同", "用人单位单方解除劳动合同，应当事先将理由通知工会。"),
                (
                    "经济补偿",
                    "按劳动者在本单位工作的年限，每满一年支付一个月工资的标准向劳动者支付。",
                ),
                (
                    "劳动争议怎么办",
                    "可以协商、请工会或第三方调解、申请劳动仲裁；也可以拨打12351职工服务热线咨询。",
                ),
            ]
        ],
    ),
    (
        "130000",
        "union",
        "工会知识100问",
        "入会、会费、会员权益，一问一答说清楚。",
        [
            (
                "谁可以加入工会",
                "<p>以工资收入为主要生活来源的体力劳动者和脑力劳动者，都有依法参加和组织工会的权利。</p>",
            ),
            (
                "会员有哪些权利",
                "<p>会员享有选举权、被选举权和表决权，享受工会举办的文化、教育、体育事业的优惠待遇。</p>",
            ),
            (
                "新就业形态劳动者怎么入会",
                "<p>快递员、货车司机、网约配送员可以加入所在地的联合工会或行业工会，在“职工之家·河北”在线申请。</p>",
            ),
        ],
    ),
    (
        "131000",
        "skills",
        "叉车安全驾驶",
        "廊坊市总工会联合物流企业开设：持证上岗、规范作业。",
        [
            (
                "叉车司机持证上岗",
                "<p>叉车属于场（厂）内专用机动车辆，司机须取得特种设备作业人员证。</p>",
            ),
            ("出车前检查", "<p>检查制动、转向、喇叭、灯光、货叉和链条，发现问题不得带病作业。</p>"),
            (
                "装卸与行驶",
                "<p>货物不得超载、偏载；载物行驶时货叉离地300～500毫米，下坡倒车行驶。</p>",
            ),
            ("停车与交接班", "<p>停车时货叉落地、拉紧手制动、取下钥匙，做好交接班记录。</p>"),
        ],
    ),
]

QUESTIONS = [
    # kind, tags, stem, choices / fill, explanation, difficulty
    (
        S,
        ["电工", "安全生产"],
        "我国规定的安全电压额定值的上限是多少伏？",
        [("24", False), ("36", True), ("42", False), ("220", False)],
        "一般环境下安全电压上限为36伏。",
        1,
    ),
    (
        S,
        ["电工"],
        "在金属容器内作业，行灯电压不得超过多少伏？",
        [("12", True), ("24", False), ("36", False), ("42", False)],
        "特别潮湿或金属容器内应使用12伏及以下安全电压。",
        2,
    ),
    (
        M,
        ["电工", "安全生产"],
        "停电检修时，保证安全的技术措施包括哪些？",
        [("停电", True), ("验电", True), ("装设接地线", True), ("口头通知即可", False)],
        "停电、验电、装设接地线、悬挂标示牌和装设遮栏。",
        2,
    ),
    (
        T,
        ["电工"],
        "发现有人触电，应立即用手将其拉离电源。",
        [("正确", False), ("错误", True)],
        "应先切断电源或用绝缘物使其脱离电源，不能直接用手拉。",
        1,
    ),
    (
        S,
        ["安全生产"],
        "全国统一的安全生产举报投诉电话是？",
        [("12345", False), ("12350", True), ("12351", False), ("12315", False)],
        "12350为安全生产举报电话；12351是职工服务热线。",
        1,
    ),
    (
        M,
        ["安全生产"],
        "“三违”指的是哪三种行为？",
        [("违章指挥", True), ("违章作业", True), ("违反劳动纪律", True), ("违反交通规则", False)],
        "三违：违章指挥、违章作业、违反劳动纪律。",
        1,
    ),
    (
        T,
        ["安全生产"],
        "从业人员发现直接危及人身安全的紧急情况时，有权停止作业或者在采取可能的应急措施后撤离作业场所。",
        [("正确", True), ("错误", False)],
        "《安全生产法》赋予从业人员紧急撤离权。",
        2,
    ),
    (
        F,
        ["安全生产"],
        "安全生产工作坚持____第一、预防为主、综合治理的方针。",
        "安全",
        "《安全生产法》第三条。",
        1,
    ),
    (
        S,
        ["叉车"],
        "叉车载物行驶时，货叉离地高度一般应保持在多少？",
        [("50～100毫米", False), ("300～500毫米", True), ("1米以上", False), ("贴地行驶", False)],
        "过低易刮地，过高重心不稳。",
        2,
    ),
    (
        T,
        ["叉车"],
        "叉车可以载人进行高处作业。",
        [("正确", False), ("错误", True)],
        "严禁用货叉载人。",
        1,
    ),
    (
        S,
        ["劳动合同法"],
        "劳动合同期限三个月以上不满一年的，试用期不得超过多久？",
        [("一个月", True), ("两个月", False), ("三个月", False), ("六个月", False)],
        "《劳动合同法》第十九条。",
        1,
    ),
    (
        S,
        ["劳动合同法"],
        "用人单位自用工之日起超过多久不与劳动者订立书面劳动合同，应当每月支付二倍工资？",
        [("半个月", False), ("一个月", True), ("三个月", False), ("一年", False)],
        "《劳动合同法》第八十二条。",
        2,
    ),
    (
        M,
        ["劳动合同法"],
        "竞业限制的人员限于哪些？",
        [
            ("高级管理人员", True),
            ("高级技术人员", True),
            ("其他负有保密义务的人员", True),
            ("所有普通员工", False),
        ],
        "《劳动合同法》第二十四条；竞业限制期限不得超过二年。",
        2,
    ),
    (F, ["劳动合同法"], "竞业限制期限不得超过____年。", "二|2|两", "《劳动合同法》第二十四条。", 2),
    (
        T,
        ["劳动合同法"],
        "同一用人单位与同一劳动者只能约定一次试用期。",
        [("正确", True), ("错误", False)],
        "《劳动合同法》第十九条。",
        1,
    ),
    (
        S,
        ["劳动合同法"],
        "休息日安排劳动者工作又不能安排补休的，支付不低于工资的百分之多少的工资报酬？",
        [("150%", False), ("200%", True), ("300%", False), ("100%", False)],
        "《劳动法》第四十四条。",
        2,
    ),
    (
        T,
        ["劳动合同法"],
        "用人单位单方解除劳动合同，应当事先将理由通知工会。",
        [("正确", True), ("错误", False)],
        "《劳动合同法》第四十三条。",
        2,
    ),
    (
        S,
        ["工会知识"],
        "全国总工会的职工服务热线号码是？",
        [("12351", True), ("12345", False), ("12333", False), ("12348", False)],
        "12351职工服务热线。",
        1,
    ),
    (
        M,
        ["工会知识"],
        "以下哪些新就业形态劳动者可以加入工会？",
        [("快递员", True), ("货车司机", True), ("网约配送员", True), ("网约车司机", True)],
        "新就业形态劳动者都可以依法加入工会。",
        1,
    ),
    (
        T,
        ["工会知识"],
        "工会会员享有选举权、被选举权和表决权。",
        [("正确", True), ("错误", False)],
        "《中国工会章程》。",
        1,
    ),
]

COMPETITION = "2026年“冀高一筹”职工安全生产与劳动法律知识竞赛"
PLAYERS = [  # phone, how many questions right, seconds taken
    ("13800000003", 9, 410),
    ("13800000001", 9, 465),
    ("13800000002", 7, 520),
]


def _course(admin, editor, region_code, category, title, summary, lessons):
    existing = Course.objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    actor = editor if region_code == "131000" and editor else admin
    course = course_save(
        actor=actor,
        course=Course(
            region=Region.objects.get(code=region_code),
            category=category,
            title=title,
            summary=summary,
            description=f"<p>{summary}</p>",
        ),
    )
    for position, (lesson_title, body) in enumerate(lessons, start=1):
        lesson_save(
            actor=actor,
            lesson=Lesson(
                course=course, position=position, title=lesson_title, body=body, minutes=10
            ),
        )
    course_publish(actor=actor, course=course)
    return course, True


def seed(*, stdout) -> None:
    admin = user_get_by_phone(phone="13900000001")
    if admin is None:
        stdout.write("  learning skipped: run accounts.demo first (no 13900000001)")
        return
    editor = user_get_by_phone(phone="13900000003")
    courses = {}
    for region_code, category, title, summary, lessons in COURSES:
        course, created = _course(admin, editor, region_code, category, title, summary, lessons)
        courses[title] = course
        stdout.write(f"  course {title} [{'created' if created else 'exists'}]")

    province = Region.objects.get(code="130000")
    questions = []
    for kind, tags, stem, options, explanation, difficulty in QUESTIONS:
        question, _created = question_create(
            region=province,
            kind=kind,
            stem=stem,
            choices=options if kind != F else [],
            fill_answers=options if kind == F else "",
            explanation=explanation,
            difficulty=difficulty,
            tags=tags,
        )
        questions.append(question)
    stdout.write(f"  question bank: {len(questions)} questions")

    paper, created = Paper.objects.get_or_create(
        title="安全生产月知识测试",
        defaults={
            "region": province,
            "time_limit_minutes": 20,
            "max_attempts": 3,
            "is_published": True,
        },
    )
    if created:
        PaperQuestion.objects.bulk_create(
            PaperQuestion(paper=paper, question=q, position=i, points=Decimal(10))
            for i, q in enumerate(questions[:10], start=1)
        )
    stdout.write(f"  paper {paper.title}")

    wang = user_get_by_phone(phone="13800000001")
    if wang is not None:
        course = courses["电工安全操作规程"]
        if not Enrollment.objects.filter(user=wang, course=course).exists():
            enrollment = enrollment_create(user=wang, course=course)
            lessons = list(course.lessons.order_by("position"))
            for lesson in lessons[:2]:
                lesson_complete(enrollment=enrollment, lesson=lesson)
            lesson_open(enrollment=enrollment, lesson=lessons[2])
            # A wrong answer after dinner lands in his 错题本.
            question = questions[3]
            wrong = [c.pk for c in question.choices.all() if not c.is_correct]
            practice_answer(
                user=wang, question=question, raw_answer=wrong, tag=question.tags.first()
            )
            right = [c.pk for c in questions[0].choices.all() if c.is_correct]
            practice_answer(
                user=wang, question=questions[0], raw_answer=right, tag=questions[0].tags.first()
            )
        stdout.write("  王伟: 电工安全操作规程 2/4 lessons, 错题本 1")

    _competition(admin=admin, province=province, questions=questions, stdout=stdout)


def _competition(*, admin, province, questions, stdout) -> None:
    now = timezone.now()
    competition = Competition.objects.filter(title=COMPETITION).first()
    if competition is None:
        # Unpublished: reachable only through the competition's round, not as a mock exam.
        paper = paper_save(
            actor=admin,
            paper=Paper(
                region=province,
                title="冀高一筹·初赛试卷",
                time_limit_minutes=15,
                max_attempts=1,
                is_published=False,
                show_answers=True,
            ),
            questions=[
                PaperItem(question=q, points=Decimal(10), position=i)
                for i, q in enumerate(questions[10:20], start=1)
            ],
        )
        competition = competition_save(
            actor=admin,
            competition=Competition(
                region=province,
                title=COMPETITION,
                organizer="河北省总工会",
                description="面向全省工会会员，线上答题，按得分和用时排名；一、二、三等奖证书发放到会员卡包。",
                registration_opens_at=now - timedelta(days=7),
                registration_closes_at=now + timedelta(days=14),
                ends_at=now + timedelta(days=21),
                is_published=True,
            ),
            rounds=[
                RoundSpec(
                    position=1,
                    title="线上初赛",
                    paper=paper,
                    opens_at=now - timedelta(days=7),
                    closes_at=now + timedelta(days=21),
                )
            ],
        )
    round_ = competition.rounds.get(position=1)
    items = list(round_.paper.paper_questions.select_related("question").order_by("position"))
    for phone, right, seconds in PLAYERS:
        user = user_get_by_phone(phone=phone)
        if user is None or Attempt.objects.filter(user=user, round=round_).exists():
            continue
        try:
            competition_register(user=user, competition=competition)
        except Exception as error:  # noqa: BLE001 - no membership in a partial demo: skip
            stdout.write(f"  {phone} not registered: {error}")
            continue
        attempt = competition_round_start(user=user, round=round_)
        Attempt.objects.filter(pk=attempt.pk).update(started_at=now - timedelta(seconds=seconds))
        attempt.refresh_from_db()
        answers = {}
        for n, item in enumerate(items):
            question = item.question
            if question.kind == F:
                answers[question.pk] = (
                    question.fill_answers.split("|")[0] if n < right else "不知道"
                )
            else:
                choices = [c.pk for c in question.choices.all() if c.is_correct == (n < right)]
                answers[question.pk] = choices if question.kind == M else choices[:1]
        attempt_submit(attempt=attempt, answers=answers)
    stdout.write(f"  competition {COMPETITION}: {competition.registrations.count()} entrants")
