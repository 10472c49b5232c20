from activities.selectors.reads import *  # noqa: F403
from activities.selectors.reads import __all__  # noqa: F401
