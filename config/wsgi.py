import os

from django.core.wsgi import get_wsgi_application

from config import server_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()
server_process.settle()
