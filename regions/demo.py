"""Demo content for regions: the real administrative tree."""

from django.conf import settings

from regions.services import region_import_from_csv


def seed(*, stdout) -> None:
    result = region_import_from_csv(path=settings.REGIONS_DATA_FILE)
    stdout.write(
        f"  regions: {result.total} in the tree "
        f"({result.created} created, {result.updated} updated)"
    )
