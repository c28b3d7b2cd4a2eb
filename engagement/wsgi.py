import os

from django.core.wsgi import get_wsgi_application

from engagement.configuration import GUNICORN_WORKER_BOOT_ERROR, settings_or_exit
from engagement.hostile import RefuseUnreadableContentType

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagement.settings")

settings_or_exit(GUNICORN_WORKER_BOOT_ERROR)
application = RefuseUnreadableContentType(get_wsgi_application())
