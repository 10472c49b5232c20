"""The least a Django project can be: the yardstick ``bench/request_path.py`` divides by.

No app, no middleware, no database, no template; DEBUG off like the portal it is compared with.
"""

SECRET_KEY = "bench-bare-django-not-secret"  # noqa: S105 - serves b"ok" on loopback only
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.bare.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
