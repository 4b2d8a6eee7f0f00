"""Developer machine: works with nothing configured (embedded PostgreSQL in var/, in-process
tasks, console email)."""

from config.env import env

from .base import *  # noqa: F401,F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed key is fine only here: local settings never serve the internet.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-insecure-key-do-not-use-in-production")
