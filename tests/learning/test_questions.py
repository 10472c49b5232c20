import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from accounts.models import Role
from learning.models import Choice, Question, QuestionKind, Tag
from learning.services.questions import question_create, question_import
from tests.learning.factories import make_editor, region

pytestmark = pytest.mark.django_db

HEADER = "题型,题干,选项A,选项B,选项C,选项D,答案,解析,难度,标签\n"
GOOD_ROWS = (
    "单选,我国规定的安全电压额定值上限是？,24V,36V,42V,220V,B,一般环境下为36伏。,容易,电工\n"
    "多选,电工作业必须佩戴的防护用品有？,绝缘手套,绝缘鞋,拖鞋,安全帽,ABD,,中等,电工、安全生产\n"
    "判断,劳动合同期限三个月以上不满一年的，试用期不得超过一个月。,,,,,对,劳动合同法第十九条。,中等,劳动合同法\n"
    "填空,用人单位自用工之日起即与劳动者建立____关系。,,,,,劳动|劳动关系,,容易,劳动合同法\n"
)
BAD_ROWS = (
    "单选,没有正确答案的题,甲,乙,,,E,,中等,电工\n"  # line 6: answer not an option
    "问答,题型不对的题,,,,,略,,中等,电工\n"  # line 7: unknown kind
    "多选,只有一个正确答案的多选题,甲,乙,丙,,A,,中等,电工\n"  # line 8: multiple needs two
    "判断,判断题答案写错,,,,,也许,,中等,电工\n"  # line 9
    "单选,难度写错的题,甲,乙,,,A,,超难,电工\n"  # line 10
    "填空,,,,,,答案,,中等,电工\n"  # line 11: empty stem
)


def test_each_type_is_validated(regions):
    province = region("130000")
    with pytest.raises(ValidationError, match="恰好有一个"):
        question_create(
            region=province, kind="single", stem="题", choices=[("甲", True), ("乙", True)]
        )
    with pytest.raises(ValidationError, match="至少需要两个选项"):
        question_create(region=province, kind="single", stem="题", choices=[("甲", True)])
    with pytest.raises(ValidationError, match="填空题须填写答案"):
        question_create(region=province, kind="fill", stem="题")
    with pytest.raises(ValidationError, match="题型无效"):
        question_create(region=province, kind="essay", stem="题")
    question, created = question_create(
        region=province,
        kind="true_false",
        stem="安全帽可以不系下颏带。",
        choices=[("正确", False), ("错误", True)],
        tags=["安全生产"],
    )
    assert created and question.choices.count() == 2
    again, created = question_create(
        region=province,
        kind="true_false",
        stem="安全帽可以不系下颏带。 ",
        choices=[("正确", False), ("错误", True)],
    )
    assert not created and again == question


def test_csv_import_reports_bad_rows_and_is_idempotent(regions):
    editor = make_editor()
    content = (HEADER + GOOD_ROWS + BAD_ROWS).encode("utf-8-sig")
    report = question_import(
        actor=editor, region=region("130000"), name="题库.csv", content=content
    )
    assert report.created == 4
    assert [line for line, _reason in report.errors] == [6, 7, 8, 9, 10, 11]
    reasons = dict(report.errors)
    assert "与选项不符" in reasons[6]
    assert "题型“问答”无效" in reasons[7]
    assert "至少要有两个正确答案" in reasons[8]
    assert "对" in reasons[9]
    assert "难度" in reasons[10]
    assert "题干不能为空" in reasons[11]
    multiple = Question.objects.get(kind=QuestionKind.MULTIPLE)
    assert [c.is_correct for c in multiple.choices.order_by("position")] == [
        True,
        True,
        False,
        True,
    ]
    assert set(multiple.tags.values_list("name", flat=True)) == {"电工", "安全生产"}
    fill = Question.objects.get(kind=QuestionKind.FILL)
    assert fill.fill_answers == "劳动|劳动关系"
    counts = (Question.objects.count(), Choice.objects.count(), Tag.objects.count())
    again = question_import(actor=editor, region=region("130000"), name="题库.csv", content=content)
    assert (again.created, again.duplicates, len(again.errors)) == (0, 4, 6)
    assert (Question.objects.count(), Choice.objects.count(), Tag.objects.count()) == counts


def test_xlsx_import_and_gbk_csv(regions):
    editor = make_editor()
    workbook = Workbook()
    sheet = workbook.active
    for line in (HEADER + GOOD_ROWS).strip().split("\n"):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = question_import(
        actor=editor, region=region("130000"), name="q.xlsx", content=buffer.getvalue()
    )
    assert (report.created, report.errors) == (4, [])
    gbk = (HEADER + GOOD_ROWS).encode("gb18030")
    report = question_import(actor=editor, region=region("130000"), name="q.csv", content=gbk)
    assert (report.created, report.duplicates) == (0, 4)


def test_bad_files_and_scope(regions):
    editor = make_editor()
    with pytest.raises(ValidationError, match="只支持"):
        question_import(actor=editor, region=region("130000"), name="q.txt", content=b"x")
    with pytest.raises(ValidationError, match="无法读取"):
        question_import(actor=editor, region=region("130000"), name="q.xlsx", content=b"not a zip")
    with pytest.raises(ValidationError, match="表头"):
        question_import(
            actor=editor, region=region("130000"), name="q.csv", content="甲,乙\n1,2".encode()
        )
    langfang = make_editor(region_code="131000", role=Role.REGION_EDITOR)
    with pytest.raises(ValidationError, match="权限"):
        question_import(
            actor=langfang,
            region=region("130100"),
            name="q.csv",
            content=(HEADER + GOOD_ROWS).encode(),
        )
    assert not Question.objects.exists()


def test_admin_import_page(client, regions, settings):
    settings.PORTAL_STAFF_MFA_REQUIRED = False
    editor = make_editor()
    client.force_login(editor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("q.csv", (HEADER + GOOD_ROWS + BAD_ROWS).encode())
    province = region("130000")
    response = client.post(
        "/admin/learning/question/import/", {"region": province.pk, "file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "新增 4 道" in body and "与选项不符" in body
    assert client.get("/admin/learning/question/").status_code == 200
    client.force_login(make_editor(region_code="131000", role=Role.REGION_EDITOR))
    upload = SimpleUploadedFile("q.csv", (HEADER + GOOD_ROWS).encode())
    response = client.post(
        "/admin/learning/question/import/", {"region": province.pk, "file": upload}
    )
    assert "新增" not in response.content.decode()
    assert Question.objects.count() == 4
