"""gunicorn bench.bare.wsgi -c deploy/gunicorn.conf.py: bare Django under the portal's config."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bare.settings"
application = get_wsgi_application()
