# ruff: noqa: E501 - the demo rows read best one per line
"""Demo content for region pages: the services matrix and articles of 河北, 石家庄, 廊坊 and
三河, drawn from the source article (docs: /work/shared/seed). Idempotent: entries are
found by (region, title), articles by (region, title).

Runs after ``accounts.demo`` (it acts as the province administrator 13900000001 and makes
孙丽 13900000003 the 廊坊 editor).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from publishing.services.articles import article_create, article_publish, article_submit
from publishing.services.catalog import service_entry_create, service_override_set
from regions.models import Article, Region, ServiceEntry

ADMIN_PHONE = "13900000001"
LANGFANG_EDITOR_PHONE = "13900000003"

# region code, title, icon, description, link_url, module, audience, order.
# Built-in modules are named by URL name: an entry whose module is not built yet stays
# hidden (the selector skips names that do not resolve) instead of linking to a 404.
SERVICES = [
    ("100000", "入会转会", "join", "网上申请入会、办理转会", "", "accounts:membership", "all", 10),
    ("100000", "会员卡", "card", "电子会员卡，亮码享服务", "", "accounts:card", "members", 20),
    ("100000", "12351热线", "phone", "职工维权服务热线", "tel:12351", "", "all", 30),
    ("100000", "职工书屋", "book", "免费电子书和有声读物", "", "learning:index", "members", 40),
    ("100000", "法律援助", "law", "劳动争议咨询、法律援助申请", "", "hotline:index", "all", 50),
    ("100000", "就业服务", "briefcase", "简历投递与岗位智能匹配", "", "jobs:index", "all", 60),
    ("100000", "困难帮扶", "heart", "困难职工申请帮扶救助", "", "hotline:index", "families", 70),
    ("130000", "冀工学堂", "school", "技能课程、网上练兵题库", "", "learning:index", "members", 15),
    ("130000", "冀高一筹", "trophy", "职工职业技能创新大赛", "", "learning:competitions", "members", 25),
    ("130000", "暖新礼包", "gift", "新就业形态劳动者入会礼包", "", "activities:index", "new_form", 35),
    ("130100", "石家庄装备制造技能培训", "school", "市总工会联合企业开设的技能提升班", "", "learning:index", "members", 45),
    ("131000", "廊坊货运司机之家", "truck", "司机休息、饮水、充电服务点地图", "", "activities:index", "new_form", 12),
    ("131082", "三河新业态联合工会", "join", "快递员、网约配送员、货车司机就近入会", "", "accounts:membership", "new_form", 5),
]  # fmt: skip

BODY_LAUNCH = """<p>河北省总工会依托“职工之家”APP的平台资源与数字身份体系，创新采用融合接入模式，利用60天时间高效搭建起“职工之家·河北”APP，打通服务职工的“最后一公里”。</p>
<p>打开平台，系统根据用户位置信息自动跳转到河北版块。入会转会、12351热线等通用功能一应俱全，“冀高一筹”职工职业技能创新大赛等本地职工服务品牌同步融入其中，形成“全总通用功能+河北专属服务”双轨并行的门户架构。</p>
<p>截至6月底，全省“职工之家”APP注册用户突破53万。下一步，省总工会将建设运营大屏，接入河北工会积分商城。</p>"""

BODY_NONCOMPETE_CASE = """<p>7月21日，石家庄市职工刘鸿在“职工之家·河北”地市服务页面浏览了几篇典型案例后，向12351热线咨询：“我是一名普通技术人员，公司要求跟我签订竞业限制协议，这样合理吗？”</p>
<p>热线工作人员在线了解了他的岗位和工作内容，告诉他：根据《劳动合同法》第二十四条，竞业限制的人员限于用人单位的高级管理人员、高级技术人员和其他负有保密义务的人员；竞业限制期限不得超过二年，用人单位应当在竞业限制期限内按月给予经济补偿。</p>
<p>工作人员还帮他预约了第二天的法律咨询服务。律师建议他：接触不到核心技术秘密的普通岗位，可以与单位协商不签或缩小范围；如果签订，要写明补偿标准和期限。</p>
<h3>工会提示</h3>
<ul><li>竞业限制不是“人人都签”，要看是否接触商业秘密。</li><li>没有经济补偿的竞业限制条款，劳动者可以依法主张解除。</li></ul>"""

BODY_WAGES_CASE = """<p>“检察+工会”协作保护劳动者权益：检察机关通过行政公益诉讼督促5家建筑企业补缴工资保证金，推动房地产项目和保障房项目落实农民工工资专户制度，从源头筑牢欠薪“防火墙”。</p>
<p>工会发挥贴近劳动者的优势，与检察机关通过信息共享、线索移送、联合督办形成合力，累计办理劳动权益保护案件17件，其中公益诉讼11件。</p>
<p>遇到拖欠工资，可拨打12351职工服务热线，工会将协助您收集证据、申请法律援助。</p>"""

BODY_COURIER_CASE = """<p>快递员每天派件约350票，客诉罚款、春节不打烊、进小区难、极端天气派送是大家反映最多的问题。</p>
<p>在工会推动下，企业召开协商恳谈会和职工代表大会，签订了快递行业首份全网平台算法和劳动规则协议，派件时限、罚款规则、休息轮换都写进了协议。</p>
<p>三河市新就业形态联合工会欢迎快递员、网约配送员、货车司机就近入会。</p>"""

BODY_GIFT_NOTICE = """<p>廊坊市总工会面向快递员、网约配送员、货车司机等新就业形态劳动者发放“暖新礼包”。</p>
<p><strong>领取对象：</strong>在廊坊市工作、已加入工会的新就业形态劳动者。</p>
<p><strong>领取方式：</strong>登录“职工之家·河北”，在廊坊专区点击“暖新礼包”，亮出电子会员卡即可到就近的司机之家、驿站领取。</p>
<p>咨询电话：12351。</p>"""

BODY_NONCOMPETE_POLICY = """<h3>什么是竞业限制？</h3>
<p>竞业限制是用人单位与负有保密义务的劳动者约定，在解除或者终止劳动合同后一定期限内，劳动者不得到与本单位有竞争关系的单位工作，或者自己开业生产、经营同类产品、从事同类业务。</p>
<h3>哪些人需要签？</h3>
<p>限于高级管理人员、高级技术人员和其他负有保密义务的人员。普通岗位一般不应签订。</p>
<h3>期限和补偿</h3>
<ul><li>期限最长不超过二年。</li><li>离职后用人单位应按月支付经济补偿；约定不明的，按离职前十二个月平均工资的30%计算，且不低于当地最低工资标准。</li><li>单位三个月未支付补偿的，劳动者可以请求解除竞业限制约定。</li></ul>
<p>有疑问，请拨打12351职工服务热线。</p>"""

# region code, kind, title, summary, tags, body, status ("published"/"submitted"/"scheduled"), days ago
ARTICLES = [
    ("130000", "news", "60天建成“职工之家·河北”，注册用户突破53万", "河北省总工会融合接入全总“职工之家”APP，形成“全总通用功能+河北专属服务”双轨并行的门户。", "数智化,职工之家", BODY_LAUNCH, "published", 30),
    ("130000", "policy", "政策解读：竞业限制协议，哪些人该签、怎么补偿", "竞业限制只适用于负有保密义务的人员，期限不超过二年，离职后应按月支付经济补偿。", "竞业限制,劳动合同", BODY_NONCOMPETE_POLICY, "published", 20),
    ("130100", "case", "普通技术员被要求签竞业限制协议？12351帮他理清权利", "石家庄职工刘鸿咨询12351热线，工作人员解答并预约了第二天的法律咨询。", "竞业限制,12351,法律援助", BODY_NONCOMPETE_CASE, "published", 7),
    ("130100", "case", "“检察+工会”联手，追回农民工被拖欠的工资", "工资保证金、工资专户制度落地，从源头预防欠薪。", "欠薪,农民工,公益诉讼", BODY_WAGES_CASE, "published", 12),
    ("131082", "case", "快递员的“算法协议”：派件时限和罚款规则写进协议", "工会推动签订快递行业首份全网平台算法和劳动规则协议。", "新就业形态,快递员,集体协商", BODY_COURIER_CASE, "published", 5),
    ("131000", "notice", "廊坊市新就业形态劳动者“暖新礼包”开始领取", "快递员、网约配送员、货车司机入会即可领取。", "暖新礼包,新就业形态", BODY_GIFT_NOTICE, "published", 3),
    ("131000", "news", "廊坊货运司机之家新增10个服务点", "司机休息、饮水、充电一站解决。", "货车司机,司机之家", "<p>廊坊市总工会在物流园区和高速服务区新建10个货运司机之家服务点，提供休息、饮水、充电、法律咨询等服务。</p>", "scheduled", -1),
]  # fmt: skip


def _user(phone: str):
    from accounts.selectors.users import user_get_by_phone

    return user_get_by_phone(phone=phone)


def seed(*, stdout) -> None:
    admin = _user(ADMIN_PHONE)
    if admin is None:
        stdout.write("  region content skipped: run accounts.demo first (no 13900000001)")
        return
    regions = {
        r.code: r
        for r in Region.objects.filter(
            code__in={"100000", "130000", "130100", "131000", "131082", "130102"}
        )
    }

    editor = _user(LANGFANG_EDITOR_PHONE)
    if editor is not None:
        from accounts.models import Role
        from accounts.services.roles import role_assign

        role_assign(
            user=editor, role=Role.REGION_EDITOR, region=regions["131000"], granted_by=admin
        )

    created = 0
    for code, title, icon, description, link_url, module, audience, order in SERVICES:
        if ServiceEntry.objects.filter(region=regions[code], title=title).exists():
            continue
        try:
            service_entry_create(
                actor=admin, region=regions[code], title=title, icon=icon,
                description=description, link_url=link_url, module=module,
                audience=audience, order=order,
            )  # fmt: skip
            created += 1
        except ValidationError as exc:
            stdout.write(f"  service {title} skipped: {'；'.join(exc.messages)}")
    # 长安区 hides the national 困难帮扶 entry (it runs its own desk) and 三河 moves 12351 first.
    hardship = ServiceEntry.objects.filter(region=regions["100000"], title="困难帮扶").first()
    if hardship is not None:
        service_override_set(actor=admin, region=regions["130102"], entry=hardship, hidden=True)
    hotline = ServiceEntry.objects.filter(region=regions["100000"], title="12351热线").first()
    if hotline is not None:
        service_override_set(
            actor=admin, region=regions["131082"], entry=hotline, hidden=False, order=1
        )
    stdout.write(f"  services: {created} created, {ServiceEntry.objects.count()} in all")

    now = timezone.now()
    published = 0
    for code, kind, title, summary, tags, body, status, days_ago in ARTICLES:
        if Article.objects.filter(region=regions[code], title=title).exists():
            continue
        article = article_create(
            actor=admin, region=regions[code], kind=kind, title=title, summary=summary,
            body=body, tags=tags,
        )  # fmt: skip
        if status == "published":
            article_publish(actor=admin, article=article, now=now - timedelta(days=days_ago))
            published += 1
        elif status == "scheduled":
            article_submit(actor=admin, article=article)
            article_publish(
                actor=admin, article=article, publish_at=now + timedelta(days=-days_ago)
            )
    stdout.write(f"  articles: {published} published now, {Article.objects.count()} in all")
