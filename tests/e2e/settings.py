"""Settings of the server the browser tests start: production settings (DEBUG off, hashed
static files served by whitenoise, PostgreSQL, Redis, a real Celery worker) with the files a
run writes — collected static files, uploads, the SMS outbox — in the run's temp folder."""

import os
from pathlib import Path

from portal.settings import *  # noqa: F403

_RUN_DIR = Path(os.environ["E2E_RUN_DIR"])
STATIC_ROOT = _RUN_DIR / "static"
MEDIA_ROOT = _RUN_DIR / "media"
CELERY_BEAT_SCHEDULE_FILENAME = str(_RUN_DIR / "celerybeat-schedule")
