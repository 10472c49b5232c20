"""The progress bar's figures, kept in the cache while an import runs."""

from __future__ import annotations

from pathlib import Path

from django.core.cache import cache

from datahub.models import RosterImport

PROGRESS_KEY = "datahub:import:{id}:progress"
PROGRESS_EVERY = 20_000


# --- progress ---------------------------------------------------------------------------------


def _progress(roster_import: RosterImport, *, phase: str, processed: int, total: int) -> None:
    """Progress lives in the cache: the import's own transaction is not visible to the page
    that polls until it commits."""
    cache.set(
        PROGRESS_KEY.format(id=roster_import.pk),
        {"phase": phase, "processed": processed, "total": max(total, processed)},
        timeout=24 * 3600,
    )


def _estimate_rows(path: Path, file_format: str) -> int:
    if file_format == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            return max((workbook.worksheets[0].max_row or 1) - 1, 0)
        finally:
            workbook.close()
    size = path.stat().st_size
    with path.open("rb") as handle:
        sample = handle.read(256 * 1024)
    lines = sample.count(b"\n") or 1
    return max(int(size / (len(sample) / lines)) - 1, 1)
