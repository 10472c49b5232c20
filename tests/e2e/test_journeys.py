"""The journeys of issue 12, in Chromium, each at a desktop size and at 375 × 812."""

from __future__ import annotations

import io
import re
import secrets
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from stdnum.cn import ric

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import (
    admin_action,
    assert_fits,
    goto,
    select_containing,
    shoot,
    sign_in,
    sign_in_admin,
    submit,
)
from tests.e2e.prepare import COURIERS

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module", params=["desktop", "phone"])
def viewport(request):
    """All journeys at one size, then all at the other (so a staff member's TOTP code of the
    first run has expired before the second run signs in again)."""
    return DESKTOP if request.param == "desktop" else PHONE


def test_id_numbers_made_here_are_valid():
    number = _id_number(seq=7)
    assert ric.is_valid(number) and number.startswith("131082")


def _id_number(*, seq: int) -> str:
    """A valid resident ID number (region 三河市, born 1995-06-10) from python-stdnum."""
    body = f"131082{date(1995, 6, 10):%Y%m%d}{seq % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it ignores the last digit


def _decode_qr(page, selector: str) -> str:
    """Read the QR on screen as a phone camera would: screenshot, then zxing-cpp."""
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(page.locator(selector).screenshot()))
    results = zxingcpp.read_barcodes(image)
    assert results, "no QR code could be read from the member card"
    return results[0].text


# New people get fresh numbers in every run (a number can ask for a code only once a minute).
_new_people = iter(range(secrets.randbelow(9000) * 10, 10**6))


def test_new_member_registers_verifies_joins_and_shows_a_card(live_portal, new_page, viewport):
    n = next(_new_people)
    phone = f"13500{n:06d}"
    member = new_page(viewport)

    # Sign up with an SMS code.
    goto(member, "/auth/code/")
    member.get_by_label("手机号码").fill(phone)
    submit(member, "获取验证码")
    expect(member.get_by_role("heading", name="输入验证码")).to_be_visible()
    assert_fits(member)
    member.get_by_label("短信验证码").fill(live_portal.sms_code(phone))
    member.get_by_label("我已阅读并同意《隐私政策》").check()
    member.locator("form.auth-form").get_by_role("button", name="登录").click()
    member.wait_for_load_state()
    expect(member.locator(".header-tools")).to_contain_text("退出")

    # 实名认证 with a valid ID number.
    goto(member, "/me/identity/")
    member.get_by_label("真实姓名").fill("赵小燕")
    member.get_by_label("身份证号码").fill(_id_number(seq=n))
    member.get_by_label(re.compile("我单独同意")).check()
    submit(member, "提交认证")
    expect(member.get_by_role("heading", name="已实名认证")).to_be_visible()
    member_id = member.locator(".identity-facts dd.mono").first.inner_text()
    assert re.fullmatch(r"13\d+[\dX]", member_id), member_id
    assert_fits(member)

    # 入会: the joint union of 三河市 for new-form workers.
    goto(member, "/me/membership/apply/")
    member.get_by_label(re.compile("三河市新就业形态联合工会")).check()
    member.get_by_label("工作单位").fill("三河市燕郊镇快递服务站")
    member.get_by_label("职业").fill("快递员")
    member.get_by_role("radio", name="新就业形态", exact=True).check()
    shoot(member, "membership-apply")
    submit(member, "提交入会申请")
    expect(member.locator("main")).to_contain_text("三河市新就业形态联合工会")
    assert_fits(member)

    # The officer of 三河市总工会 approves in the admin, after TOTP.
    officer = new_page(viewport)
    sign_in_admin(
        officer,
        live_portal,
        "13900000004",
        next_path=f"/admin/accounts/membershipapplication/?q={phone}",
    )
    assert_fits(officer)
    admin_action(officer, row_text="三河市新就业形态联合工会", action="approve_selected")
    expect(officer.locator("body")).to_contain_text("已通过 1 份入会申请")

    # The member opens the card; its QR, read by a camera, verifies on the public page.
    goto(member, "/me/card/")
    expect(member.locator(".member-card")).to_contain_text("三河市新就业形态联合工会")
    expect(member.locator(".member-card")).to_contain_text(member_id)
    shoot(member, "member-card")
    url = _decode_qr(member, ".qr-code")
    assert "/verify/?t=" in url, url
    checker = new_page(PHONE)
    goto(checker, url.replace(live_portal.url, ""))
    result = checker.locator(".verify-result")
    expect(result).to_have_class(re.compile(r"\bok\b"))
    expect(result).to_contain_text("三河市新就业形态联合工会")
    expect(result).to_contain_text("赵*")


def _answer_wrongly(page) -> bool:
    """Answer the question on screen the way a guessing member might; True if it was wrong.
    A fill-in gets a blank guess, a multiple choice every option, a single choice the first."""
    card = page.locator(".question-card")
    if card.locator("input[type=text]").count():
        card.locator("input[type=text]").fill("不清楚")
    elif card.locator("input[type=checkbox]").count():
        for box in card.locator("input[type=checkbox]").all():
            box.check()
    else:
        card.locator("input[type=radio]").first.check()
    submit(page, "提交答案")
    verdict = page.locator(".verdict")
    expect(verdict).to_be_visible()
    return "回答错误" in verdict.inner_text()


def test_wang_wei_studies_practises_and_takes_a_timed_exam(live_portal, new_page, viewport):
    wang = new_page(viewport)
    sign_in(wang, live_portal, "13800000001", next_path="/learning/")

    # 继续学习: the course he left halfway, from the 冀工学堂 front page.
    continuing = wang.locator("section", has=wang.get_by_role("heading", name="继续学习"))
    continuing.get_by_role("link", name="电工安全操作规程").click()
    wang.wait_for_load_state()
    assert "/lessons/" in wang.url, wang.url
    heading = wang.get_by_role("heading", level=1).inner_text()
    position = int(heading.split(".")[0])
    assert position >= 2, heading
    assert_fits(wang)
    shoot(wang, "course")
    submit(wang, re.compile("学完本课"))
    after = wang.locator("main").inner_text()
    assert f"{position + 1}." in wang.get_by_role("heading", level=1).inner_text() or (
        "结业" in after or "已学完" in after
    ), after[:300]

    # 网上练兵: practise by tag until he gets one wrong.
    goto(wang, "/learning/practice/")
    wang.get_by_role("link", name="顺序练习").first.click()
    wang.wait_for_load_state()
    assert_fits(wang)
    stem = ""
    for _ in range(12):
        stem = wang.locator(".question-card .stem").inner_text()
        if _answer_wrongly(wang):
            break
        wang.get_by_role("link", name="下一题").click()
        wang.wait_for_load_state()
    else:
        pytest.fail("every guess was right: no question went to the wrong-answer book")
    expect(wang.locator(".verdict")).to_contain_text("已收入错题本")
    shoot(wang, "practice")

    # The 错题本 lists it.
    goto(wang, "/learning/practice/")
    book = wang.locator("section", has=wang.get_by_role("heading", name=re.compile("错题本")))
    expect(book).to_contain_text(stem[:20])

    # A timed exam: the server's deadline is shown; answer and hand in.
    goto(wang, "/learning/exams/")
    wang.get_by_role("link", name=re.compile("安全生产月知识测试")).click()
    wang.wait_for_load_state()
    expect(wang.locator("main")).to_contain_text("限时 20 分钟")
    submit(wang, "开始考试")
    expect(wang.get_by_role("timer")).to_contain_text("截止")
    assert_fits(wang)
    for card in wang.locator(".question-card").all():
        if card.locator("input[type=text]").count():
            card.locator("input[type=text]").fill("安全")
        else:
            card.locator("input[type=radio], input[type=checkbox]").first.check()
    submit(wang, "交卷")
    expect(wang.locator("main")).to_contain_text("已交卷")
    expect(wang.locator("main")).to_contain_text(re.compile(r"[\d.]+ / 100(\.0)? 分"))
    assert_fits(wang)


# The demo employers' accounts (jobs/demo.py); an employer signs in to invite applicants.
EMPLOYER_ACCOUNTS = {
    "廊坊顺达物流有限公司": "13700000101",
    "廊坊京廊货运有限公司": "13700000102",
    "石家庄冀星装备制造有限公司": "13700000103",
    "三河市速达快递服务有限公司": "13700000104",
}


def test_li_writes_a_resume_gets_matched_applies_and_is_invited(live_portal, new_page, viewport):
    li = new_page(viewport)
    sign_in(li, live_portal, "13800000002", next_path="/jobs/resume/")

    # A truck driver in 廊坊 with a B2 licence.
    li.get_by_label("期望职位").fill("货车司机、重卡司机")
    li.get_by_label("廊坊市").check()
    li.get_by_label("现居地（县、市、区）").select_option(label="三河市")
    li.get_by_label("期望月薪（元）").fill("8000")
    li.get_by_label(re.compile("^证书")).fill("B2驾驶证")
    li.get_by_label("技能").fill("安全驾驶、装卸货、京津冀路线")
    li.get_by_label("总工作年限").fill("8")
    assert_fits(li)
    with live_portal.worker_paused():
        submit(li, "保存并匹配岗位")
        # The web process only queued the matching: the page says so and keeps asking.
        expect(li.locator("#recommendations")).to_contain_text("匹配中…")
        assert_fits(li)
    # The worker runs; htmx swaps the results in without a reload.
    cards = li.locator("#recommendations .job-card")
    expect(cards.first).to_be_visible(timeout=20_000)
    expect(li.locator("#recommendations")).to_contain_text("持有B2驾驶证")
    expect(li.locator("#recommendations")).to_contain_text(re.compile("同在三河市|同在廊坊市"))
    assert_fits(li)
    shoot(li, "resume-recommendations")

    # He applies to the best match he has not applied to yet, at a demo employer.
    applied_to = None
    for card in cards.all():
        employer = next((name for name in EMPLOYER_ACCOUNTS if name in card.inner_text()), None)
        if employer is None:
            continue
        title = card.get_by_role("heading").get_by_role("link").inner_text()
        card.get_by_role("heading").get_by_role("link").click()
        li.wait_for_load_state()
        assert_fits(li)
        if li.get_by_role("button", name="投递简历").count():
            submit(li, "投递简历")
            expect(li.locator("main")).to_contain_text(re.compile("已投递|投递成功|申请已提交"))
            applied_to = (title, employer)
            break
        li.go_back()
    assert applied_to, "no recommended post at a demo employer left to apply to"
    title, employer = applied_to

    # The employer invites him to an interview.
    hr = new_page(viewport)
    sign_in(hr, live_portal, EMPLOYER_ACCOUNTS[employer], next_path="/jobs/manage/applications/")
    assert_fits(hr)
    hr.get_by_role("link", name=re.compile(f"李.*{re.escape(title)}")).first.click()
    hr.wait_for_load_state()
    assert_fits(hr)
    interview = date.today() + timedelta(days=3)
    hr.get_by_label("面试时间").fill(f"{interview:%Y-%m-%d}T09:30")
    hr.get_by_label("面试地点").fill("三河市燕郊高新区物流园2号楼调度室")
    hr.get_by_label("联系人及电话").fill("王经理 0316-5512351")
    submit(hr, "发送面试邀请")
    expect(hr.locator("main")).to_contain_text("面试邀请已发送")

    # 李师傅 sees the notice.
    goto(li, "/me/notices/")
    expect(li.locator("main")).to_contain_text(title)
    expect(li.locator("main")).to_contain_text("面试")


def test_liu_hong_asks_12351_gets_a_reply_and_a_consultation_and_rates(
    live_portal, new_page, viewport
):
    liu = new_page(viewport)
    sign_in(liu, live_portal, "13800000003", next_path="/hebei/shijiazhuang/")

    # A typical case on 石家庄's page.
    cases = liu.locator("section", has=liu.get_by_role("heading", name="典型案例"))
    cases.get_by_role("link").first.click()
    liu.wait_for_load_state()
    assert "/articles/" in liu.url, liu.url
    assert_fits(liu)

    # He asks 12351 about his non-compete agreement; similar cases are shown first.
    title = f"竞业限制协议没有补偿还有效吗（{secrets.token_hex(2)}）"
    goto(liu, "/hotline/")
    liu.get_by_label("诉求类型").select_option(label="问题咨询")
    liu.get_by_label("话题").select_option(label="竞业限制")
    select_containing(liu.get_by_label("所在地区"), "长安区")
    liu.get_by_label("一句话说明").fill(title)
    liu.get_by_label("详细情况").fill(
        "我在石家庄一家机械厂做数控技术员，签了两年竞业限制协议。离职三个月了，"
        "公司一直没有支付竞业限制补偿金，现在我想去同行业工作，协议还有效吗？"
    )
    submit(liu, "先看看类似案例")
    expect(liu.locator("main")).to_contain_text("竞业限制")
    assert_fits(liu)
    shoot(liu, "hotline-request")
    submit(liu, "提交诉求")
    expect(liu.get_by_role("heading", level=1)).to_have_text(title)
    number = liu.locator("small.muted").first.inner_text().split("·")[0].strip()
    request_url = liu.url

    # 赵敏 answers in the admin with a canned reply and books tomorrow's lawyer, then
    # resolves the request (a resolved request takes no new booking: two saves).
    zhao = new_page(viewport)
    sign_in_admin(zhao, live_portal, "13900000002", next_path="/admin/hotline/hotlinerequest/")
    zhao.get_by_role("link", name=number).first.click()
    zhao.wait_for_load_state()
    change_url = zhao.url
    expect(zhao.locator("body")).to_contain_text(title)
    assert_fits(zhao)
    select_containing(zhao.get_by_label("常用回复"), "竞业限制")
    zhao.get_by_label("答复内容").fill("刘先生您好：")
    select_containing(zhao.get_by_label("预约法律咨询时段"), "律师")
    shoot(zhao, "admin-ticket")
    zhao.get_by_role("button", name="保存", exact=True).click()
    zhao.wait_for_load_state()
    expect(zhao.locator("body")).not_to_contain_text("请更正以下错误")
    zhao.goto(change_url)
    zhao.get_by_label("答复内容").fill(
        "已为您预约律师，请带上竞业限制协议原件。如有疑问请再联系12351。"
    )
    zhao.get_by_label("答复后").select_option("resolve")
    zhao.get_by_role("button", name="保存", exact=True).click()
    zhao.wait_for_load_state()
    expect(zhao.locator("body")).not_to_contain_text("请更正以下错误")

    # 刘鸿 sees the answer and the booking, then rates the service.
    goto(liu, request_url.replace(live_portal.url, ""))
    expect(liu.locator("main")).to_contain_text("工作人员答复")
    expect(liu.locator("main")).to_contain_text("按月给予劳动者经济补偿")
    booking = liu.locator("section", has=liu.get_by_role("heading", name="法律咨询预约"))
    expect(booking).to_contain_text("律师")
    rate = liu.locator("form", has=liu.get_by_role("heading", name="评价本次服务"))
    rate.get_by_label("★★★★★", exact=True).check()
    rate.get_by_label("评价（可选）").fill("答复很及时，律师预约也很方便。")
    submit(liu, "提交评价")
    expect(liu.locator("main")).to_contain_text("5 ★")
    assert_fits(liu)


def test_langfang_editor_publishes_a_notice_seen_in_langfang_not_shijiazhuang(
    live_portal, new_page, viewport
):
    mark = secrets.token_hex(3)
    title = f"廊坊市总工会关于开展冬季送温暖活动的通知（{mark}）"
    sun = new_page(viewport)
    sign_in_admin(sun, live_portal, "13900000003", next_path="/admin/regions/article/add/")
    assert_fits(sun)
    select_containing(sun.get_by_label("地区"), "廊坊市")
    select_containing(sun.get_by_label("类型"), "通知公告")
    sun.get_by_label("标题").fill(title)
    sun.get_by_label("摘要").fill("为困难职工、新就业形态劳动者送去冬季慰问。")
    sun.get_by_label("正文").fill(
        "<p>各县（市、区）总工会：元旦春节期间，市总工会将开展冬季送温暖活动，"
        "重点走访慰问困难职工和快递员、货车司机等新就业形态劳动者。</p>"
    )
    sun.get_by_role("button", name="保存", exact=True).click()
    sun.wait_for_load_state()
    expect(sun.locator("body")).not_to_contain_text("请更正以下错误")
    goto(sun, f"/admin/regions/article/?q={mark}")
    admin_action(sun, row_text=title, action="publish_selected")
    expect(sun.locator("body")).not_to_contain_text("请更正以下错误")

    reader = new_page(viewport)
    for path in ("/hebei/langfang/", "/hebei/langfang/sanhe/", "/hebei/langfang/guan/"):
        goto(reader, path)
        expect(reader.locator("main"), path).to_contain_text(title)
    goto(reader, "/hebei/langfang/")
    shoot(reader, "city-page")
    reader.get_by_role("link", name=title).first.click()
    reader.wait_for_load_state()
    expect(reader.get_by_role("heading", level=1)).to_have_text(title)
    assert_fits(reader)
    goto(reader, "/hebei/shijiazhuang/")
    expect(reader.locator("main")).not_to_contain_text(title)


def test_member_allows_geolocation_and_lands_on_the_tangshan_page(live_portal, new_page, viewport):
    # 唐山市路北区, near the city's government (a point, not a region centre).
    page = new_page(
        viewport,
        geolocation={"latitude": 39.6305, "longitude": 118.1802},
        permissions=["geolocation"],
    )
    goto(page, "/")
    shoot(page, "home")
    page.get_by_role("link", name="进入我所在地区的专区").click()
    # The entry page asks for the position itself and opens the nearest county's page.
    page.wait_for_url(re.compile(r"/hebei/tangshan/lubei/"))
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("根据您的定位，为您打开路北区专区")
    expect(page.get_by_role("heading", level=1)).to_contain_text("路北区")
    assert_fits(page)


def test_courier_claims_a_welcome_pack_and_staff_redeem_it(live_portal, new_page, viewport):
    phone, _name = COURIERS["phone" if viewport == PHONE else "desktop"]
    courier = new_page(viewport)
    sign_in(courier, live_portal, phone, next_path="/activities/")

    # The 暖新礼包 of 廊坊 for new-form workers: claim it, the voucher goes to the wallet.
    courier.get_by_role("link", name=re.compile("暖新礼包")).first.click()
    courier.wait_for_load_state()
    assert_fits(courier)
    submit(courier, "立即领取")
    expect(courier.locator("main")).to_contain_text(re.compile("领取成功|已领取"))
    courier.get_by_role("link", name="出示礼包券").click()
    courier.wait_for_load_state()
    assert_fits(courier)
    shoot(courier, "welcome-pack-voucher")
    scanned = _decode_qr(courier, ".qr-code")

    # 孙丽 of 廊坊市总工会 scans it at the service point and redeems it, once.
    staff = new_page(viewport)
    sign_in(staff, live_portal, "13900000003", next_path="/activities/staff/scan/")
    staff.get_by_label("核销礼包券").check()
    staff.get_by_label("二维码内容").fill(scanned)
    submit(staff, "提交")
    result = staff.locator(".verify-result")
    expect(result).to_have_class(re.compile(r"\bok\b"))
    expect(result).to_contain_text("暖新礼包")
    assert_fits(staff)
    staff.get_by_label("核销礼包券").check()
    staff.get_by_label("二维码内容").fill(scanned)
    submit(staff, "提交")
    expect(staff.locator("main")).to_contain_text(re.compile("已于 .* 核销|已使用|不能重复"))

    # The courier's wallet shows the voucher used.
    courier.reload()
    expect(courier.locator("main")).to_contain_text(re.compile("已核销|已使用|已作废"))
