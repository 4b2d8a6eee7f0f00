"""Test run: PostgreSQL and Redis named by DATABASE_URL / REDIS_URL. When they are not set, the
tests.own_servers plugin starts throwaway servers from pip wheels and sets both before these
settings are read (CI sets them to the machine's servers)."""

from config.env import env

from .base import *  # noqa: F401,F403
from .base import CELERY_BROKER_URL

SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-insecure-key")
DEBUG = False
# Tests call tasks in-process unless a test starts a real worker (see tests/test_celery.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = CELERY_BROKER_URL
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The whole suite talks from one address (127.0.0.1) and sends many requests without
# credentials on purpose (401 checks, schemathesis): the failed-auth throttle gets room here;
# tests/test_api_throttling.py sets tight rates to prove it works.
from .base import REST_FRAMEWORK  # noqa: E402

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "failed_auth": "6000/min",
    },
}
