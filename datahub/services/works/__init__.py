"""Imports into the registry's stored work databases (``datahub.registry``): one importer
for every declared schema."""

from datahub.services.works.run import work_import_apply, work_import_run
from datahub.services.works.upload import work_import_create

__all__ = ["work_import_apply", "work_import_create", "work_import_run"]
