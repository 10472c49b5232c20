from activities.selectors.points import *  # noqa: F403
from activities.selectors.points import __all__ as _points_all
from activities.selectors.reads import *  # noqa: F403
from activities.selectors.reads import __all__ as _reads_all

__all__ = [*_reads_all, *_points_all]
