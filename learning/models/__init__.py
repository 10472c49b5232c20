from learning.models.competitions import (
    Competition,
    CompetitionRegistration,
    CompetitionResult,
    CompetitionRound,
)
from learning.models.courses import (
    Course,
    CourseCategory,
    Enrollment,
    LearningReward,
    Lesson,
    LessonProgress,
)
from learning.models.exams import Attempt, AttemptQuestion, Paper, PaperQuestion, PaperRule
from learning.models.questions import (
    Choice,
    Difficulty,
    PracticeAnswer,
    Question,
    QuestionKind,
    Tag,
    WrongAnswer,
)

__all__ = [
    "Attempt",
    "AttemptQuestion",
    "Choice",
    "Competition",
    "CompetitionRegistration",
    "CompetitionResult",
    "CompetitionRound",
    "Course",
    "CourseCategory",
    "Difficulty",
    "Enrollment",
    "LearningReward",
    "Lesson",
    "LessonProgress",
    "Paper",
    "PaperQuestion",
    "PaperRule",
    "PracticeAnswer",
    "Question",
    "QuestionKind",
    "Tag",
    "WrongAnswer",
]
