"""Writes for regions. Import from the submodules; the tree loader is re-exported because
fixtures and commands have always imported it from here."""

from regions.services.tree import RegionImportResult, region_import_from_csv

__all__ = ["RegionImportResult", "region_import_from_csv"]
