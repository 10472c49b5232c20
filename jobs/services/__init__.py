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
    resume_match,
)
from jobs.services.posts import (
    employer_create,
    employer_verify,
    job_post_create,
    job_post_publish,
    job_post_take_down,
    job_post_update,
)
from jobs.services.resumes import resume_save

__all__ = [
    "application_decide",
    "application_invite",
    "application_mark_viewed",
    "application_submit",
    "application_withdraw",
    "employer_create",
    "employer_verify",
    "job_post_create",
    "job_post_match",
    "job_post_publish",
    "job_post_take_down",
    "job_post_update",
    "matching_refresh_chunk",
    "resume_match",
    "resume_save",
]
