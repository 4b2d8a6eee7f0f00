"""Production: everything secret or machine-specific must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env

from .base import *  # noqa: F401,F403
from .base import DATABASES

# No default: the process refuses to start without a real key.
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# The embedded server is for a laptop (data in var/, no backups, no TCP): production names its
# PostgreSQL server or does not start.
if DATABASES["default"]["ENGINE"] == "config.embedded_postgres":
    raise ImproperlyConfigured(
        "Set DATABASE_URL (e.g. postgres://user:password@host:5432/ipm): production never "
        "runs the embedded PostgreSQL."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
