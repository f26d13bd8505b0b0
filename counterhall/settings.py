"""One settings module, driven by the environment.

DJANGO_DEBUG, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL are read here.
Production defaults are safe: DEBUG is off and a secret key must be given; `make run`
turns DEBUG on for the demo hall, which then uses a development key.
"""

import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
TESTING = env_bool("COUNTERHALL_TESTING") or "pytest" in sys.modules

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "counterhall-development-only-not-for-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "counterhall.admin_apps.CounterhallAdminConfig",  # django.contrib.admin, audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "counterhall",
    "registration",
    "contributions",
    "benefits",
    "transfers",
    "special_ops",
    "review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "counterhall.middleware.SessionCookieGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "counterhall.middleware.HallLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "counterhall.middleware.IdleLogoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "counterhall.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "counterhall.urls"
WSGI_APPLICATION = "counterhall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "counterhall.context_processors.staff",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        # An empty DATABASE_URL means the default SQLite, as when it is unset.
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
# Production keeps its PostgreSQL connections (DJANGO_CONN_MAX_AGE seconds, 60 by default)
# and checks one is alive before a request reuses it; SQLite and the test suite open one per
# request as before (docs/scaling.md: pooling).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not TESTING:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "0"))
# A read replica (streaming replication) for the audit log and metrics reads
# (counterhall.routers.ReplicaRouter); everything else and every write goes to default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
    )
elif TESTING:
    # The suite's replica is the default database under another alias (a test mirror), so
    # a test can turn the router on and see where each query goes (tests/counterhall/
    # test_routers.py); routing is off unless COUNTERHALL_READ_REPLICA names the alias.
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
COUNTERHALL_READ_REPLICA = "replica" if os.environ.get("DATABASE_REPLICA_URL") else ""
DATABASE_ROUTERS = ["counterhall.routers.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the single writer instead of failing at once; IMMEDIATE takes the write
    # lock at BEGIN so two transactions never deadlock upgrading a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
elif os.environ.get("DJANGO_DB_PREPARE"):
    # PostgreSQL: bind parameters on the server and prepare a statement once a connection
    # has run it this many times (psycopg's prepare_threshold), so repeated queries are
    # not parsed and planned again. Off by default (Django's default): prepared statements
    # need persistent connections (DJANGO_CONN_MAX_AGE) and no transaction-mode pooler
    # without prepared-statement support in between. See docs/benchmarks.md.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": int(os.environ["DJANGO_DB_PREPARE"])}
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the hall's queries are short, and the planner's guess of 100 rows
    # per jsonb_each in the efficiency figures' merge (counterhall.metrics) would have it
    # spend ~200 ms compiling a query that runs in less (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    if "replica" in DATABASES and "TEST" not in DATABASES["replica"]:
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out user or address first
    "counterhall.auth.StaffBackend",  # ModelBackend, the identity read with the user
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Counter browsers: the session ends at browser close, after COUNTERHALL_IDLE_MINUTES
# without a human action (polls do not count: counterhall.middleware.IdleLogoutMiddleware),
# and at the latest after a working day.
COUNTERHALL_IDLE_MINUTES = int(os.environ.get("DJANGO_IDLE_MINUTES", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 12 * 60 * 60
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords a user name, and
# separately an address, is locked out for AXES_COOLOFF_TIME or until the hall admin deletes
# the attempt in the admin (访问尝试) or runs `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "counterhall/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = DEBUG or TESTING
STORAGES: dict[str, dict] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The electronic case file's scanned pages (counterhall.models.DocumentPage): the storage
# alias "casefile". The local filesystem by default (COUNTERHALL_CASEFILE_ROOT); an
# S3-compatible object store (MinIO, the province's store) when COUNTERHALL_CASEFILE_BUCKET
# is set, through django-storages with the AWS_* variables (endpoint, keys, region).
CASEFILE_BUCKET = os.environ.get("COUNTERHALL_CASEFILE_BUCKET", "")
if CASEFILE_BUCKET:
    STORAGES["casefile"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": CASEFILE_BUCKET,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["casefile"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("COUNTERHALL_CASEFILE_ROOT", str(BASE_DIR / "casefile")),
        },
    }
# Limits of the scanned pages: one file, the whole case, an image's pixels (image bombs).
COUNTERHALL_PAGE_MAX_BYTES = int(os.environ.get("COUNTERHALL_PAGE_MAX_BYTES", 10 * 1024 * 1024))
COUNTERHALL_CASE_PAGES_MAX_BYTES = int(
    os.environ.get("COUNTERHALL_CASE_PAGES_MAX_BYTES", 100 * 1024 * 1024)
)
COUNTERHALL_PAGE_MAX_PIXELS = int(os.environ.get("COUNTERHALL_PAGE_MAX_PIXELS", 60_000_000))

# Content Security Policy (Django 6): everything is served by the hall itself.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
}

# Plain-http development and tests (DEBUG or TESTING) drop the https-only settings.
PRODUCTION = not (DEBUG or TESTING)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
# A year of HSTS in production (preload stays off: see below).
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
# Halls run on closed networks: the public HSTS preload list does not apply to them.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Trust X-Forwarded-Proto only when the deployment says a proxy in front sets it (and strips
# it from clients): otherwise any client could claim https.
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: an anonymous call is then a 401 with WWW-Authenticate: Token.
        "counterhall.api.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["counterhall.api.IsHallStaff"],
    "DEFAULT_THROTTLE_CLASSES": [
        "counterhall.api.auth.AnonThrottle",
        "counterhall.api.auth.UserThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "counterhall.api.problems.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "counterhall.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# API tokens expire this many hours after they were issued (counterhall.api.auth).
COUNTERHALL_API_TOKEN_HOURS = int(os.environ.get("COUNTERHALL_API_TOKEN_HOURS", "12"))
# Requests per period: anonymous per address, signed-in per user, token requests per address.
# The test suite calls the API from one address far faster than anyone at a counter: it runs
# with high limits (tests/api/test_tokens.py sets low ones to see the throttles work).
_RATES = ("60/min", "600/min", "10/min") if not TESTING else ("10000/min",) * 3
COUNTERHALL_API_THROTTLE_RATES = {
    "anon": os.environ.get("COUNTERHALL_API_THROTTLE_ANON", _RATES[0]),
    "user": os.environ.get("COUNTERHALL_API_THROTTLE_USER", _RATES[1]),
    "token": os.environ.get("COUNTERHALL_API_THROTTLE_TOKEN", _RATES[2]),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "counterhall API",
    "DESCRIPTION": "The service hall's counter acts for other systems (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"CaseStateEnum": "counterhall.models.CaseState"},
    # Swagger UI from the vendored drf-spectacular-sidecar assets: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Django tasks (docs/deployment.md "Worker and scheduler"): stored in the database
# (django-tasks-db) and run by `manage.py db_worker` processes, with `manage.py scheduler`
# enqueuing the periodic jobs of counterhall.schedule. COUNTERHALL_TASKS=immediate runs a
# task inside the call that enqueues it (no worker): the test suite's default. The suite
# also has the database backend as "database", to enqueue there and run a worker.
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}
TASKS_MODE = os.environ.get("COUNTERHALL_TASKS", "immediate" if TESTING else "database")
if TASKS_MODE not in _TASK_BACKENDS:
    raise ImproperlyConfigured("COUNTERHALL_TASKS must be 'database' or 'immediate'.")
TASKS = {"default": _TASK_BACKENDS[TASKS_MODE]}
if TASKS_MODE != "database":
    TASKS["database"] = _TASK_BACKENDS["database"]
# A failed periodic job is enqueued again this many times in all, after a backoff that
# doubles from COUNTERHALL_TASK_RETRY_SECONDS (counterhall.jobs.retried).
COUNTERHALL_TASK_ATTEMPTS = int(os.environ.get("COUNTERHALL_TASK_ATTEMPTS", "3"))
COUNTERHALL_TASK_RETRY_SECONDS = int(os.environ.get("COUNTERHALL_TASK_RETRY_SECONDS", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# The hall this deployment serves by default (demo: Wangqing County).
COUNTERHALL_DEFAULT_HALL = os.environ.get("COUNTERHALL_DEFAULT_HALL", "WQ")

# The audit log (counterhall.audit, docs/deployment.md): the HMAC key of entry digests and
# chain links (outside the database; empty: plain SHA-256), the append-only file each seal's
# head is written to, how old an entry is before audit_seal chains it, and how old an
# unsealed entry may be before audit_verify fails.
AUDIT_KEY = os.environ.get("COUNTERHALL_AUDIT_KEY", "")
AUDIT_EXPORT_PATH = os.environ.get("COUNTERHALL_AUDIT_EXPORT", "")
AUDIT_SETTLE_SECONDS = int(os.environ.get("COUNTERHALL_AUDIT_SETTLE_SECONDS", "300"))
AUDIT_MAX_UNSEALED_SECONDS = int(os.environ.get("COUNTERHALL_AUDIT_MAX_UNSEALED_SECONDS", "1800"))
# Earlier audit keys, kept after a rotation so the entries digested with them still verify
# (comma-separated; manage.py audit_rotate_key, docs/deployment.md "The audit key").
AUDIT_RETIRED_KEYS = [
    k.strip() for k in os.environ.get("COUNTERHALL_AUDIT_RETIRED_KEYS", "").split(",") if k.strip()
]
