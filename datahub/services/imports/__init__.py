"""数据归集: uploading a member roster, and the one write path that applies it.

What an imported member is in this portal: a ``User`` whose login is the roster's mobile
number (no usable password: they sign in by SMS code), a ``DigitalIdentity`` holding the
name, the AES-GCM encrypted ID number, its HMAC hash, the masked number, the birth date and
a permanent member ID, and, when the row names a union, an active ``Membership`` in it with
its electronic member card. A row whose ID hash (first) or mobile number (then) matches an
existing member is merged into that member: only what is missing is added (the identity, a
membership, the display name); nothing existing is overwritten and a member's union never
changes by import (that is a transfer, 转会).

``roster_import_apply`` is the one write path. On PostgreSQL it is a documented exception
to "row-by-row services": the cleaned rows are streamed into a temporary staging table with
``COPY``, classified in one ``CREATE TABLE … AS SELECT`` (region and union exist and are in
scope, duplicates inside the file, matching), then applied in a few ``INSERT … SELECT``
statements; everything, the report included, in one transaction. Elsewhere (SQLite under
``make run``, and the exchange API's small pushes) ``rows_apply`` does the same row by row
through the ORM. Both give the same outcome for the same rows (tests compare them).
"""

from datahub.services.imports.progress import PROGRESS_EVERY, PROGRESS_KEY
from datahub.services.imports.rowwise import RowOutcome, rows_apply
from datahub.services.imports.run import roster_import_apply, roster_import_run
from datahub.services.imports.upload import (
    MAX_UPLOAD_BYTES,
    import_region_default,
    roster_import_create,
    roster_import_start,
)

__all__ = [
    "MAX_UPLOAD_BYTES",
    "PROGRESS_EVERY",
    "PROGRESS_KEY",
    "RowOutcome",
    "import_region_default",
    "roster_import_apply",
    "roster_import_create",
    "roster_import_run",
    "roster_import_start",
    "rows_apply",
]
