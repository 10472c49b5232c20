"""Writes for the question bank: one create path (admin form, import, demo) that
validates each type, and the Excel/CSV import that reports every bad row."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.permissions import Action, user_can
from learning.models import Choice, Difficulty, Question, QuestionKind, Tag

TRUE_WORDS = {"对", "正确", "是", "√", "true", "t", "yes", "y"}
FALSE_WORDS = {"错", "错误", "否", "×", "false", "f", "no", "n"}
OPTION_LETTERS = "ABCDEF"
MAX_IMPORT_ROWS = 5000

KIND_WORDS = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
    "填空": QuestionKind.FILL,
    "填空题": QuestionKind.FILL,
}
DIFFICULTY_WORDS = {
    "容易": 1,
    "简单": 1,
    "1": 1,
    "中等": 2,
    "一般": 2,
    "2": 2,
    "困难": 3,
    "难": 3,
    "3": 3,
}


def normalise_text(text: str) -> str:
    """Full-width to half-width, case folded, inner spaces dropped: how fill-in answers and
    content hashes compare text."""
    return "".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def question_content_hash(
    *, kind: str, stem: str, choices: list[tuple[str, bool]], fill_answers: str
) -> str:
    payload = json.dumps(
        [
            kind,
            normalise_text(stem),
            [[normalise_text(text), bool(ok)] for text, ok in choices],
            sorted(normalise_text(a) for a in fill_answers.split("|") if a.strip()),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _validate(kind: str, stem: str, choices: list[tuple[str, bool]], fill_answers: str) -> None:
    if kind not in QuestionKind.values:
        raise ValidationError(_("题型无效，应为单选、多选、判断或填空。"))
    if not stem.strip():
        raise ValidationError(_("题干不能为空。"))
    correct = sum(1 for _text, ok in choices if ok)
    if kind == QuestionKind.FILL:
        if not fill_answers.strip():
            raise ValidationError(_("填空题须填写答案。"))
        return
    if any(not text.strip() for text, _ok in choices):
        raise ValidationError(_("选项内容不能为空。"))
    if len(choices) < 2:
        raise ValidationError(_("选择题至少需要两个选项。"))
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and correct != 1:
        raise ValidationError(_("单选题和判断题必须恰好有一个正确答案。"))
    if kind == QuestionKind.MULTIPLE and correct < 2:
        raise ValidationError(_("多选题至少要有两个正确答案。"))


@transaction.atomic
def question_create(
    *,
    region: Any,
    kind: str,
    stem: str,
    choices: list[tuple[str, bool]] | None = None,
    fill_answers: str = "",
    explanation: str = "",
    difficulty: int = Difficulty.MEDIUM,
    tags: list[str] | None = None,
    actor: Any = None,
) -> tuple[Question, bool]:
    """Add a question unless the same content is already in the bank.

    Returns ``(question, created)``. True/false questions get the options 正确/错误 from
    ``choices`` = [("正确", answer), ("错误", not answer)]. Raises ValidationError (Chinese)
    for a malformed question; with ``actor``, also when it lies outside their region.
    """
    if actor is not None and not user_can(actor, Action.CONTENT_PUBLISH, region=region):
        raise ValidationError(_("您没有在该地区编写题目的权限。"))
    choices = list(choices or [])
    if kind == QuestionKind.FILL:
        choices = []
    _validate(kind, stem, choices, fill_answers)
    if difficulty not in Difficulty.values:
        raise ValidationError(_("难度应为容易、中等或困难。"))
    content_hash = question_content_hash(
        kind=kind, stem=stem, choices=choices, fill_answers=fill_answers
    )
    existing = Question.objects.filter(content_hash=content_hash).first()
    if existing is not None:
        return existing, False
    question = Question.objects.create(
        region=region,
        kind=kind,
        stem=stem.strip(),
        explanation=explanation.strip(),
        difficulty=difficulty,
        fill_answers="|".join(a.strip() for a in fill_answers.split("|") if a.strip()),
        content_hash=content_hash,
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=i, text=text.strip(), is_correct=ok)
        for i, (text, ok) in enumerate(choices, start=1)
    )
    tag_objects = [Tag.objects.get_or_create(name=name.strip()[:30])[0] for name in tags or []]
    question.tags.set(tag_objects)
    return question, True


@dataclass
class ImportReport:
    created: int = 0
    duplicates: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


HEADERS = {
    "题型": "kind",
    "题干": "stem",
    "答案": "answer",
    "解析": "explanation",
    "难度": "difficulty",
    "标签": "tags",
    **{f"选项{letter}": f"option_{letter}" for letter in OPTION_LETTERS},
}


def _rows_from_file(name: str, content: bytes) -> list[list[str]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise ValidationError(_("无法读取该Excel文件，请确认是.xlsx格式。")) from exc
        sheet = workbook.worksheets[0]
        return [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    if name.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("无法识别CSV文件的编码，请另存为UTF-8。"))
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    raise ValidationError(_("只支持.xlsx或.csv文件。"))


def _row_to_question(values: dict[str, str]) -> dict:
    kind = KIND_WORDS.get(values.get("kind", "").strip())
    if kind is None:
        raise ValidationError(
            _("题型“%(v)s”无效，应为单选、多选、判断或填空。") % {"v": values.get("kind", "")}
        )
    answer = values.get("answer", "").strip()
    if not answer:
        raise ValidationError(_("答案不能为空。"))
    difficulty_word = values.get("difficulty", "").strip() or "中等"
    difficulty = DIFFICULTY_WORDS.get(difficulty_word)
    if difficulty is None:
        raise ValidationError(_("难度“%(v)s”无效，应为容易、中等或困难。") % {"v": difficulty_word})
    choices: list[tuple[str, bool]] = []
    fill_answers = ""
    if kind == QuestionKind.TRUE_FALSE:
        word = normalise_text(answer)
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise ValidationError(_("判断题答案应为“对”或“错”。"))
        choices = [(_("正确"), word in TRUE_WORDS), (_("错误"), word in FALSE_WORDS)]
    elif kind == QuestionKind.FILL:
        fill_answers = answer
    else:
        options = [
            (letter, values.get(f"option_{letter}", "").strip()) for letter in OPTION_LETTERS
        ]
        options = [(letter, text) for letter, text in options if text]
        letters = {c for c in normalise_text(answer).upper() if c.isalpha()}
        present = {letter for letter, _text in options}
        if not letters or not letters <= present:
            raise ValidationError(_("答案“%(v)s”与选项不符。") % {"v": answer})
        choices = [(text, letter in letters) for letter, text in options]
    tags = [
        t
        for t in values.get("tags", "").replace("，", ",").replace("、", ",").split(",")
        if t.strip()
    ]
    return {
        "kind": kind,
        "stem": values.get("stem", ""),
        "choices": choices,
        "fill_answers": fill_answers,
        "explanation": values.get("explanation", ""),
        "difficulty": difficulty,
        "tags": tags,
    }


def question_import(*, actor: Any, region: Any, name: str, content: bytes) -> ImportReport:
    """Import questions from an .xlsx or .csv file (header row: 题型, 题干, 选项A…选项F,
    答案, 解析, 难度, 标签).

    Each good row goes in in its own transaction; every bad row is reported with its line
    number and reason and leaves nothing behind. Rows whose content is already in the bank
    are counted as duplicates, so importing the same file again creates nothing.
    Preconditions: ``actor`` may publish in ``region`` (else ValidationError).
    """
    if not user_can(actor, Action.CONTENT_PUBLISH, region=region):
        raise ValidationError(_("您没有在该地区导入题目的权限。"))
    rows = _rows_from_file(name, content)
    if not rows:
        raise ValidationError(_("文件是空的。"))
    header = [HEADERS.get(cell.strip()) for cell in rows[0]]
    missing = {"kind", "stem", "answer"} - set(header)
    if missing:
        raise ValidationError(_("表头缺少“题型”“题干”或“答案”列，请使用导入模板。"))
    if len(rows) - 1 > MAX_IMPORT_ROWS:
        raise ValidationError(_("一次最多导入%(n)d道题。") % {"n": MAX_IMPORT_ROWS})
    report = ImportReport()
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell for cell in row):
            continue
        values = {key: row[i] if i < len(row) else "" for i, key in enumerate(header) if key}
        try:
            with transaction.atomic():
                _question, created = question_create(region=region, **_row_to_question(values))
        except ValidationError as error:
            report.errors.append((line, "；".join(error.messages)))
            continue
        if created:
            report.created += 1
        else:
            report.duplicates += 1
    return report


def answer_fraction(*, question: Question, answer: Any) -> Decimal:
    """The share of the marks ``answer`` earns (see ``Paper`` for the rule).

    ``answer`` is a list of choice ids for choice questions, a string for fill-in; the
    question's choices must be loaded (prefetched) by the caller.
    """
    if question.kind == QuestionKind.FILL:
        accepted = {normalise_text(a) for a in question.fill_answers.split("|") if a}
        return (
            Decimal(1)
            if isinstance(answer, str) and normalise_text(answer) in accepted
            else Decimal(0)
        )
    chosen = set(answer or [])
    correct = {c.pk for c in question.choices.all() if c.is_correct}
    if not chosen:
        return Decimal(0)
    if chosen == correct:
        return Decimal(1)
    if question.kind == QuestionKind.MULTIPLE and chosen < correct:
        return Decimal("0.5")
    return Decimal(0)


def answer_clean(*, question: Question, raw: Any, allowed_ids: set[int] | None = None) -> Any:
    """Turn submitted input into a stored answer, refusing option ids that are not the
    question's (a tampered form). ``raw`` is a list of ids/strings or a string."""
    if question.kind == QuestionKind.FILL:
        if isinstance(raw, list):
            raw = raw[0] if raw else ""
        text = str(raw or "").strip()
        if len(text) > 200:
            raise ValidationError(_("填空答案过长。"))
        return text
    values = raw if isinstance(raw, list) else ([raw] if raw not in (None, "") else [])
    try:
        ids = sorted({int(v) for v in values})
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("选项无效，请重新选择。")) from exc
    allowed = allowed_ids if allowed_ids is not None else {c.pk for c in question.choices.all()}
    if not set(ids) <= allowed:
        raise ValidationError(_("选项无效，请重新选择。"))
    if question.kind != QuestionKind.MULTIPLE and len(ids) > 1:
        raise ValidationError(_("此题只能选一个答案。"))
    return ids
