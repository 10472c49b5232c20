"""Writes for the employment service (one write path per operation)."""

from jobs.services.applications import (
    application_decide,
    application_invite,
    application_mark_viewed,
    application_submit,
    application_withdraw,
)
from jobs.services.matching import (
    job_post_match,
    matching_refresh_chunk,
    matching_refresh_plan,
    resume_match,
)
from jobs.services.occupations import (
    clean_occupation_title,
    occupation_load,
    occupation_title_correct,
    occupation_vocabulary_learn,
)
from jobs.services.posts import (
    POST_FIELDS,
    employer_create,
    employer_set_users,
    employer_verify,
    job_post_close,
    job_post_create,
    job_post_may_create,
    job_post_publish,
    job_post_take_down,
    job_post_update,
    job_post_validate,
)
from jobs.services.resumes import resume_save

__all__ = [
    "POST_FIELDS",
    "application_decide",
    "application_invite",
    "application_mark_viewed",
    "application_submit",
    "application_withdraw",
    "clean_occupation_title",
    "employer_create",
    "employer_set_users",
    "employer_verify",
    "job_post_close",
    "job_post_create",
    "job_post_match",
    "job_post_may_create",
    "job_post_publish",
    "job_post_take_down",
    "job_post_update",
    "job_post_validate",
    "matching_refresh_chunk",
    "matching_refresh_plan",
    "occupation_load",
    "occupation_title_correct",
    "occupation_vocabulary_learn",
    "resume_match",
    "resume_save",
]
