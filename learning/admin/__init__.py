"""Authoring in the admin, scoped by region like articles (``Action.CONTENT_PUBLISH``):
courses and lessons, the question bank with its Excel/CSV import, papers and
competitions, one module each. Saving and every action go through the services; importing
the package registers them all."""

from learning.admin import competitions, courses, papers, questions, rewards
from learning.admin.competitions import CompetitionAdmin
from learning.admin.courses import CourseAdmin
from learning.admin.papers import PaperAdmin
from learning.admin.questions import QuestionAdmin, TagAdmin
from learning.admin.rewards import LearningRewardAdmin

__all__ = [
    "CompetitionAdmin",
    "CourseAdmin",
    "LearningRewardAdmin",
    "PaperAdmin",
    "QuestionAdmin",
    "TagAdmin",
    "competitions",
    "courses",
    "papers",
    "questions",
    "rewards",
]
