"""The province generator's part for the course catalogue, question bank, enrolments, lesson
progress and practice (mixed into ``portal.scale.build.Builder``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

from core.search import search_document
from portal.scale import words
from portal.scale.base import People, Province
from portal.scale.copy import copy_rows, next_id, reset_sequences
from regions.models import Region


class LearningMixin:
    """Mixed into ``Builder``; uses its ``rng``, ``n``, ``when``, ``note`` and ``now``."""

    # --- learning -----------------------------------------------------------------------

    def learning(self, p: Province, people: People) -> None:
        from learning.models import (
            Choice,
            Course,
            Enrollment,
            Lesson,
            LessonProgress,
            PracticeAnswer,
            Question,
            Tag,
            WrongAnswer,
        )

        rng = self.rng
        categories = {
            "labour_law": "劳动法律",
            "safety": "安全生产",
            "skills": "职业技能",
            "union": "工会知识",
            "wellbeing": "身心健康",
        }
        topics = [
            ("labour_law", t, s) if c == "labour_law" else (c, t, s)
            for c, t, s in words.COURSE_TOPICS
        ]
        remap = {"digital": "skills", "culture": "union"}
        topics = [(remap.get(c, c), t, s) for c, t, s in topics]
        topics[-1] = ("wellbeing", topics[-1][1], topics[-1][2])
        # The catalogue: 36 provincial courses, 8 per city, 1 per county.
        course_rows, lesson_rows = [], []
        first_c, first_l = next_id(Course), next_id(Lesson)
        lessons_of: dict[int, list[int]] = {}
        reach: dict[int, list[int]] = {}  # region id → its own courses

        def add_course(region: Region, cat: str, title: str, summary: str) -> None:
            pk = first_c + len(course_rows)
            published = self.start - dt.timedelta(days=rng.randint(1, 60))
            description = f"{summary}。本课程由{region.name}总工会组织编写，面向全省职工。"
            course_rows.append(
                (pk, region.pk, cat, title, summary, description, "published", 10, published,
                 search_document(title, summary, categories[cat], description), published)
            )  # fmt: skip
            reach.setdefault(region.pk, []).append(pk)
            for position in range(1, 7):
                lpk = first_l + len(lesson_rows)
                lesson_rows.append(
                    (lpk, pk, position, f"第{position}讲 {title}要点（{position}）",
                     f"{summary}——第{position}讲。" * 20, 10 + position)
                )  # fmt: skip
                lessons_of.setdefault(pk, []).append(lpk)

        for k in range(36):
            cat, title, summary = topics[k % len(topics)]
            add_course(p.province, cat, f"{title}（{k // len(topics) + 1}）", summary)
        for city in p.cities:
            for k in range(8):
                cat, title, summary = topics[(k * 5 + city.pk) % len(topics)]
                add_course(city, cat, f"{city.short_name}·{title}", summary)
        for county in p.counties:
            cat, title, summary = topics[county.pk % len(topics)]
            add_course(county, cat, f"{county.short_name}·{title}", summary)
        copy_rows(
            Course,
            [
                "id",
                "region_id",
                "category",
                "title",
                "summary",
                "description",
                "status",
                "points",
                "published_at",
                "search_document",
                "created_at",
            ],
            course_rows,
        )
        copy_rows(Lesson, ["id", "course_id", "position", "title", "body", "minutes"], lesson_rows)
        self.note("courses", len(course_rows))
        self.note("lessons", len(lesson_rows))

        # Question bank: 2,000 questions over 8 tags.
        tag_names = ["劳动合同", "工资支付", "社会保险", "安全生产", "职业病防治", "工会章程",
                     "职业技能", "新就业形态"]  # fmt: skip
        tags = [Tag.objects.get_or_create(name=name)[0].pk for name in tag_names]
        first_q, first_ch = next_id(Question), next_id(Choice)
        through = Question.tags.through
        first_qt = next_id(through)
        q_rows, ch_rows, qt_rows = [], [], []
        question_tag: list[tuple[int, int]] = []
        for k in range(2000):
            pk = first_q + k
            tag_index = k % len(tags)
            kind = "single" if k % 7 else "true_false"
            stem = (
                f"【{tag_names[tag_index]}】第{k + 1}题：依照有关规定，"
                f"下列关于{tag_names[tag_index]}的说法正确的是？"
            )
            digest = hashlib.sha256(f"seed_scale:{k}:{stem}".encode()).hexdigest()
            q_rows.append(
                (pk, p.province.pk, kind, stem, "依据相关法律法规。", 1 + k % 3, digest, True,
                 self.start)
            )  # fmt: skip
            qt_rows.append((first_qt + k, pk, tags[tag_index]))
            question_tag.append((pk, tags[tag_index]))
            options = (
                ["正确", "错误"]
                if kind == "true_false"
                else ["选项甲", "选项乙", "选项丙", "选项丁"]
            )
            right = k % len(options)
            for position, text in enumerate(options, start=1):
                ch_rows.append((first_ch + len(ch_rows), pk, position, text, position - 1 == right))
        copy_rows(
            Question,
            [
                "id",
                "region_id",
                "kind",
                "stem",
                "explanation",
                "difficulty",
                "content_hash",
                "is_active",
                "created_at",
            ],
            q_rows,
        )
        copy_rows(through, ["id", "question_id", "tag_id"], qt_rows)
        copy_rows(Choice, ["id", "question_id", "position", "text", "is_correct"], ch_rows)
        self.note("questions", len(q_rows))

        # Enrolments (55 % of members take 1–3 courses within their reach) and progress.
        first_en, first_pr = next_id(Enrollment), next_id(LessonProgress)
        enrol_rows, progress_rows = [], []
        for i, user_id in enumerate(people.ids):
            if rng.random() >= 0.55:
                continue
            county = people.county[i]
            pool = reach.get(p.province.pk, []) + reach.get(p.city_of[county], [])
            pool += reach.get(county, [])
            for course in rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 3)))):
                pk = first_en + len(enrol_rows)
                enrolled = self.when(people.joined[i])
                lessons = lessons_of[course]
                done = rng.choice((0, 1, 2, 3, 6, 6))
                at = enrolled
                for lesson in lessons[:done]:
                    at = min(at + dt.timedelta(hours=rng.randint(1, 72)), self.now)
                    progress_rows.append((first_pr + len(progress_rows), pk, lesson, at))
                enrol_rows.append(
                    (pk, user_id, course, enrolled, lessons[done - 1] if done else None, at,
                     at if done == len(lessons) else None)
                )  # fmt: skip
        copy_rows(
            Enrollment,
            [
                "id",
                "user_id",
                "course_id",
                "enrolled_at",
                "last_lesson_id",
                "last_activity_at",
                "completed_at",
            ],
            enrol_rows,
        )
        self.note("enrolments", len(enrol_rows))
        copy_rows(
            LessonProgress, ["id", "enrollment_id", "lesson_id", "completed_at"], progress_rows
        )
        self.note("lesson progress", len(progress_rows))
        del enrol_rows, progress_rows

        # 网上练兵: 40 % of members practise, about ten answers each; their wrong answers
        # stay in the 错题本.
        first_pa, first_w = next_id(PracticeAnswer), next_id(WrongAnswer)
        wrong_rows: list[tuple] = []

        def answers() -> Iterator[tuple]:
            pk = first_pa
            for i, user_id in enumerate(people.ids):
                if rng.random() >= 0.4:
                    continue
                wrong: dict[int, dt.datetime] = {}
                at = self.when(people.joined[i])
                for _ in range(min(60, int(rng.expovariate(1 / 10)) + 1)):
                    question, tag = question_tag[rng.randrange(len(question_tag))]
                    correct = rng.random() < 0.72
                    at = min(at + dt.timedelta(seconds=rng.randint(20, 600)), self.now)
                    if not correct:
                        wrong[question] = at
                    yield (pk, user_id, question, tag, correct, at)
                    pk += 1
                for question, at in wrong.items():
                    wrong_rows.append(
                        (first_w + len(wrong_rows), user_id, question, 1, 0, at, None)
                    )

        written = copy_rows(
            PracticeAnswer,
            ["id", "user_id", "question_id", "tag_id", "is_correct", "answered_at"],
            answers(),
        )
        self.note("practice answers", written)
        copy_rows(
            WrongAnswer,
            [
                "id",
                "user_id",
                "question_id",
                "wrong_count",
                "right_streak",
                "last_wrong_at",
                "cleared_at",
            ],
            wrong_rows,
        )
        self.note("wrong-book entries", len(wrong_rows))
        reset_sequences(
            Course, Lesson, Question, Choice, through, Enrollment, LessonProgress,
            PracticeAnswer, WrongAnswer,
        )  # fmt: skip
