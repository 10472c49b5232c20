"""The 28 work databases of the 数智中台 (issue 22), each with the fields the unions' own
ledgers carry. Six are views of tables the portal already has; the others are stored in
datahub's generic ``WorkRecord`` table. The aid databases (困难职工, 互助保障, 劳模工匠) are
owned by the aid services app: declared here so their ledgers can be gathered now."""

from __future__ import annotations

from datahub.registry.schema import FieldSpec as F
from datahub.registry.schema import Rule, ViewSource, WorkDatabase

REGION = F("region", "所在地区", "region", aliases=("地区", "区县", "所属地区"))
NAME = F("name", "姓名", max_length=50, aliases=("职工姓名", "会员姓名"))
ID_NUMBER = F("id_number", "身份证号", "id_number", aliases=("身份证号码", "公民身份号码"))
PHONE = F("phone", "手机号", "phone", required=False, aliases=("手机号码", "联系电话"))
EMPLOYER = F("employer", "工作单位", max_length=100, aliases=("单位", "单位名称"))
UNION = F("union_name", "所属工会", max_length=100, aliases=("工会名称", "基层工会"))
USCC = F("credit_code", "统一社会信用代码", "uscc", aliases=("信用代码", "社会信用代码"))
GENDER = F("gender", "性别", "choice", choices=("男", "女"))
MONEY = {"type": "decimal", "min_value": 0, "max_value": 100_000_000}


def _money(name: str, label: str, *, required: bool = True, aliases=()) -> F:
    return F(name, label, required=required, aliases=aliases, **MONEY)


def _date(name: str, label: str, *, required: bool = True, aliases=()) -> F:
    return F(name, label, "date", required=required, aliases=aliases)


def _end_after_start(start: str, end: str, message: str) -> Rule:
    return Rule(end, ">=", start, message)


DATABASES: list[WorkDatabase] = [
    # --- views of what the portal already holds ---------------------------------------------
    WorkDatabase(
        "members",
        "会员",
        "accounts",
        "会员及其会籍（入会、转会由会籍服务办理，名册由会员名册导入）。",
        view=ViewSource("accounts.Membership", "organization__region"),
    ),
    WorkDatabase(
        "unions",
        "工会组织",
        "accounts",
        "各级工会组织及其上下级关系。",
        view=ViewSource("accounts.UnionOrganization", "region"),
    ),
    WorkDatabase(
        "hotline_requests",
        "12351 工单",
        "hotline",
        "12351 职工服务热线的诉求工单。",
        view=ViewSource("hotline.HotlineRequest", "region"),
    ),
    WorkDatabase(
        "job_posts",
        "招聘岗位",
        "jobs",
        "用人单位发布的招聘岗位。",
        view=ViewSource("jobs.JobPost", "region"),
    ),
    WorkDatabase(
        "activity_signups",
        "活动参与",
        "activities",
        "会员报名参加的工会活动。",
        view=ViewSource("activities.Signup", "activity__region"),
    ),
    WorkDatabase(
        "points",
        "积分",
        "activities",
        "会员积分的每一笔入账与支出。",
        view=ViewSource("activities.PointsEntry", None),
    ),
    # --- 组织建设 ---------------------------------------------------------------------------
    WorkDatabase(
        "union_cadres",
        "工会干部",
        "datahub",
        "各级工会专兼职干部。",
        fields=(
            NAME,
            ID_NUMBER,
            PHONE,
            UNION,
            F("position", "职务", max_length=30, aliases=("担任职务",)),
            F("cadre_type", "干部类型", "choice", choices=("专职", "兼职", "挂职")),
            _date("appointed_on", "任职日期", aliases=("任职时间",)),
            REGION,
        ),
        dedupe_key=("id_number", "union_name"),
    ),
    WorkDatabase(
        "worker_homes",
        "职工之家阵地",
        "datahub",
        "模范职工之家、职工之家阵地建设情况。",
        fields=(
            F("home_name", "阵地名称", aliases=("职工之家名称",)),
            UNION,
            F("level", "命名级别", "choice", choices=("全国", "省级", "市级", "县级", "基层")),
            F("area_sqm", "面积（平方米）", "int", min_value=1, max_value=100_000),
            _date("named_on", "命名日期", required=False),
            REGION,
        ),
        dedupe_key=("home_name", "union_name"),
    ),
    WorkDatabase(
        "reading_rooms",
        "职工书屋",
        "datahub",
        "职工书屋及藏书情况。",
        fields=(
            F("room_name", "书屋名称"),
            UNION,
            F("books", "藏书（册）", "int", min_value=0, max_value=10_000_000),
            F("is_demonstration", "示范点", "bool", required=False),
            _date("opened_on", "建成日期", required=False),
            REGION,
        ),
        dedupe_key=("room_name", "union_name"),
    ),
    # --- 帮扶与保障（aid services app） -----------------------------------------------------
    WorkDatabase(
        "hardship_files",
        "困难职工档案",
        "aid",
        "建档困难职工及其困难类型（每年复核）。",
        fields=(
            NAME,
            ID_NUMBER,
            PHONE,
            EMPLOYER,
            F(
                "hardship_type",
                "困难类型",
                "choice",
                choices=("因病", "因残", "因灾", "子女教育", "失业", "其他"),
            ),
            F("family_size", "家庭人口", "int", min_value=1, max_value=20),
            _money("monthly_income", "家庭月人均收入（元）"),
            _date("filed_on", "建档日期"),
            _date("reviewed_on", "复核日期", required=False),
            REGION,
        ),
        dedupe_key=("id_number",),
        rules=(_end_after_start("filed_on", "reviewed_on", "复核日期不能早于建档日期。"),),
    ),
    WorkDatabase(
        "aid_records",
        "帮扶记录",
        "aid",
        "对困难职工的每一次帮扶（救助金、慰问、助学）。",
        fields=(
            F("record_no", "帮扶编号", max_length=30),
            NAME,
            ID_NUMBER,
            F(
                "aid_type",
                "帮扶类型",
                "choice",
                choices=("生活救助", "医疗救助", "助学", "送温暖慰问", "就业帮扶"),
            ),
            _money("amount", "金额（元）"),
            _date("aided_on", "帮扶日期"),
            REGION,
        ),
        dedupe_key=("record_no",),
    ),
    WorkDatabase(
        "mutual_enrolments",
        "互助保障参保",
        "aid",
        "职工互助保障计划的参保登记。",
        fields=(
            F("policy_no", "参保编号", max_length=30),
            NAME,
            ID_NUMBER,
            EMPLOYER,
            F(
                "plan",
                "保障计划",
                "choice",
                choices=("住院医疗互助", "重大疾病互助", "意外伤害互助", "女职工特殊疾病互助"),
            ),
            _money("premium", "互助金（元）"),
            _money("cover", "保障额度（元）"),
            _date("starts_on", "起保日期"),
            _date("ends_on", "止保日期"),
            REGION,
        ),
        dedupe_key=("policy_no",),
        rules=(_end_after_start("starts_on", "ends_on", "止保日期不能早于起保日期。"),),
    ),
    WorkDatabase(
        "mutual_claims",
        "互助保障理赔",
        "aid",
        "互助保障的理赔申请与给付。",
        fields=(
            F("claim_no", "理赔编号", max_length=30),
            F("policy_no", "参保编号", max_length=30),
            NAME,
            ID_NUMBER,
            _money("claimed", "申请金额（元）"),
            _money("paid", "给付金额（元）", required=False),
            _date("claimed_on", "申请日期"),
            REGION,
        ),
        dedupe_key=("claim_no",),
        rules=(Rule("paid", "<=", "claimed", "给付金额不能超过申请金额。"),),
    ),
    WorkDatabase(
        "model_workers",
        "劳模",
        "aid",
        "各级劳动模范和先进工作者。",
        fields=(
            NAME,
            ID_NUMBER,
            GENDER,
            EMPLOYER,
            F(
                "honour",
                "荣誉称号",
                "choice",
                choices=("全国劳动模范", "全国先进工作者", "省劳动模范", "市劳动模范"),
            ),
            F("honour_year", "授予年份", "int", min_value=1950, max_value=2100),
            REGION,
        ),
        dedupe_key=("id_number", "honour"),
    ),
    WorkDatabase(
        "craftsmen",
        "工匠",
        "aid",
        "大国工匠、燕赵工匠和各市工匠。",
        fields=(
            NAME,
            ID_NUMBER,
            EMPLOYER,
            F(
                "title",
                "工匠称号",
                "choice",
                choices=("大国工匠", "燕赵工匠", "市级工匠", "县级工匠"),
            ),
            F("trade", "技能领域", max_length=50, aliases=("工种", "职业")),
            F("title_year", "命名年份", "int", min_value=2000, max_value=2100),
            REGION,
        ),
        dedupe_key=("id_number", "title"),
    ),
    # --- 技能与就业 -------------------------------------------------------------------------
    WorkDatabase(
        "contest_results",
        "技能竞赛成绩",
        "learning",
        "职工职业技能竞赛的成绩与名次。",
        fields=(
            F("contest", "竞赛名称"),
            NAME,
            ID_NUMBER,
            EMPLOYER,
            F("trade", "竞赛工种", max_length=50),
            F("score", "成绩", "decimal", min_value=0, max_value=100),
            F("rank", "名次", "int", required=False, min_value=1, max_value=100_000),
            REGION,
        ),
        dedupe_key=("contest", "id_number", "trade"),
    ),
    WorkDatabase(
        "trainings",
        "职工培训",
        "learning",
        "工会组织的职工技能培训。",
        fields=(
            F("course", "培训项目"),
            NAME,
            ID_NUMBER,
            F("hours", "学时", "int", min_value=1, max_value=2000),
            F("certificate", "取得证书", "bool", required=False),
            _date("finished_on", "结业日期"),
            REGION,
        ),
        dedupe_key=("course", "id_number"),
    ),
    WorkDatabase(
        "employment_aid",
        "就业帮扶",
        "jobs",
        "对失业、转岗职工的就业帮扶。",
        fields=(
            NAME,
            ID_NUMBER,
            PHONE,
            F(
                "service",
                "帮扶方式",
                "choice",
                choices=("职业介绍", "技能培训", "创业扶持", "公益岗位"),
            ),
            F("placed", "已实现就业", "bool", required=False),
            _date("served_on", "服务日期"),
            REGION,
        ),
        dedupe_key=("id_number", "service", "served_on"),
    ),
    WorkDatabase(
        "new_form_workers",
        "新就业形态劳动者",
        "datahub",
        "快递员、外卖送餐员、网约车司机等。",
        fields=(
            NAME,
            ID_NUMBER,
            PHONE,
            F(
                "occupation",
                "职业",
                "choice",
                choices=("快递员", "外卖送餐员", "网约车司机", "货车司机", "网络主播", "其他"),
            ),
            F("platform", "所在平台", max_length=50, aliases=("平台企业",)),
            F("joined_union", "已入会", "bool"),
            REGION,
        ),
        dedupe_key=("id_number",),
    ),
    # --- 劳动关系与权益 ---------------------------------------------------------------------
    WorkDatabase(
        "legal_aid_cases",
        "法律援助案件",
        "hotline",
        "工会法律援助受理的案件。",
        fields=(
            F("case_no", "案件编号", max_length=30),
            NAME,
            ID_NUMBER,
            F(
                "case_type",
                "案由",
                "choice",
                choices=("劳动报酬", "工伤待遇", "解除劳动合同", "社会保险", "其他"),
            ),
            _money("amount", "涉案金额（元）", required=False),
            _date("accepted_on", "受理日期"),
            _date("closed_on", "结案日期", required=False),
            REGION,
        ),
        dedupe_key=("case_no",),
        rules=(_end_after_start("accepted_on", "closed_on", "结案日期不能早于受理日期。"),),
    ),
    WorkDatabase(
        "dispute_mediations",
        "劳动争议调解",
        "hotline",
        "工会参与的劳动争议调解。",
        fields=(
            F("case_no", "调解编号", max_length=30),
            EMPLOYER,
            F("workers", "涉及职工人数", "int", min_value=1, max_value=100_000),
            F("outcome", "调解结果", "choice", choices=("调解成功", "调解不成", "调解中")),
            _date("applied_on", "申请日期"),
            REGION,
        ),
        dedupe_key=("case_no",),
    ),
    WorkDatabase(
        "collective_contracts",
        "集体合同",
        "datahub",
        "企业（行业、区域）集体合同及工资专项集体合同。",
        fields=(
            EMPLOYER,
            USCC,
            F(
                "contract_type",
                "合同类型",
                "choice",
                choices=(
                    "综合集体合同",
                    "工资专项集体合同",
                    "女职工专项集体合同",
                    "行业性集体合同",
                ),
            ),
            F("workers", "覆盖职工人数", "int", min_value=1, max_value=1_000_000),
            _date("signed_on", "签订日期"),
            _date("expires_on", "到期日期"),
            REGION,
        ),
        dedupe_key=("credit_code", "contract_type", "signed_on"),
        rules=(_end_after_start("signed_on", "expires_on", "到期日期不能早于签订日期。"),),
    ),
    WorkDatabase(
        "factory_openness",
        "厂务公开",
        "datahub",
        "企业厂务公开与职代会制度落实情况。",
        fields=(
            EMPLOYER,
            USCC,
            F("has_congress", "建立职代会", "bool"),
            F("sessions", "年度职代会次数", "int", min_value=0, max_value=50),
            F("year", "年度", "int", min_value=2000, max_value=2100),
            REGION,
        ),
        dedupe_key=("credit_code", "year"),
    ),
    WorkDatabase(
        "safety_inspections",
        "劳动保护检查",
        "datahub",
        "工会劳动保护监督检查。",
        fields=(
            F("inspection_no", "检查编号", max_length=30),
            EMPLOYER,
            F("hazards", "发现隐患（项）", "int", min_value=0, max_value=10_000),
            F("rectified", "已整改（项）", "int", min_value=0, max_value=10_000),
            _date("inspected_on", "检查日期"),
            REGION,
        ),
        dedupe_key=("inspection_no",),
        rules=(Rule("rectified", "<=", "hazards", "已整改项数不能多于发现隐患项数。"),),
    ),
    WorkDatabase(
        "rest_recuperation",
        "职工疗休养",
        "datahub",
        "劳模和一线职工疗休养。",
        fields=(
            NAME,
            ID_NUMBER,
            F("base", "疗休养基地", aliases=("基地",)),
            _date("starts_on", "开始日期"),
            _date("ends_on", "结束日期"),
            REGION,
        ),
        dedupe_key=("id_number", "starts_on"),
        rules=(_end_after_start("starts_on", "ends_on", "结束日期不能早于开始日期。"),),
    ),
    # --- 经费、资产与服务 -------------------------------------------------------------------
    WorkDatabase(
        "union_funds",
        "工会经费",
        "datahub",
        "工会经费收缴与使用（按单位按月）。",
        fields=(
            UNION,
            USCC,
            F("month", "所属月份", max_length=7, aliases=("月份",)),
            _money("collected", "收缴金额（元）"),
            _money("spent", "使用金额（元）", required=False),
            REGION,
        ),
        dedupe_key=("credit_code", "month"),
    ),
    WorkDatabase(
        "assets",
        "资产",
        "datahub",
        "工会资产：职工服务阵地、场馆、车辆与设备。",
        fields=(
            F("asset_no", "资产编号", max_length=30),
            F("asset_name", "资产名称"),
            F("category", "资产类别", "choice", choices=("房屋", "场馆", "车辆", "设备", "其他")),
            _money("value", "原值（元）"),
            _date("acquired_on", "取得日期"),
            REGION,
        ),
        dedupe_key=("asset_no",),
    ),
    WorkDatabase(
        "benefit_merchants",
        "普惠服务商户",
        "activities",
        "为会员提供普惠优惠的签约商户。",
        fields=(
            F("merchant", "商户名称"),
            USCC,
            F(
                "category",
                "服务类别",
                "choice",
                choices=("餐饮", "购物", "文体", "医疗健康", "出行", "教育", "其他"),
            ),
            F("discount", "优惠折扣", "decimal", min_value=0.1, max_value=1),
            F("contact_phone", "联系电话", "phone", required=False),
            _date("signed_on", "签约日期"),
            REGION,
        ),
        dedupe_key=("credit_code",),
    ),
]
