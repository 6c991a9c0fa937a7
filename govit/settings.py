"""Settings for govit.

SQLite is the embedded default so that `make run` works on a bare machine; production sets
DATABASE_URL to PostgreSQL. Secrets come from the environment in production.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GOVIT_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Off unless asked for: `make run` (and the test settings) turn it on for development.
DEBUG = os.environ.get("GOVIT_DEBUG", "0") == "1"
# Without GOVIT_SECRET_KEY the development key is used only in debug mode; otherwise the key
# stays empty and the platform refuses to serve (govit/wsgi.py, Django on first use), while
# commands that sign nothing (check, migrate) still run.
SECRET_KEY = os.environ.get("GOVIT_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "dev-only-insecure-key-never-in-production"
ALLOWED_HOSTS = os.environ.get("GOVIT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GOVIT_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_prometheus",
    "django_filters",
    "django_include_bootstrap",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "policy",
    "planning",
    "documents",
    "projects",
    "investment",
    "delivery",
    "catalog",
    "supervision",
    "evidence",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ExplicitLanguageOnlyMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.second_factor.SecondFactorMiddleware",
    "accounts.password_policy.PasswordChangeMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "govit.urls"
WSGI_APPLICATION = "govit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
                "core.uploads.upload_limit",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'govit.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so read-then-write sequences such as
    # appending to the hash-chained ledger cannot interleave between two writers.
    # WAL: readers do not wait for a writer and a commit appends to one log (synchronous=NORMAL
    # is durable in WAL mode except on power loss); a larger page cache and in-memory temp
    # tables keep a yearly O&M run of 100,000 rows off the disk until it commits.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT for the pages' short queries: at 100,000 projects a list's count was estimated
    # costly enough to compile, and compiling took 450 ms of its 750 (the batch runs that
    # profit from it, the O&M run, set their own session settings).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "accounts:login"

# GB/T 39786: passwords hashed with PBKDF2-HMAC-SM3; older hashes are upgraded at sign-in.
PASSWORD_HASHERS = [
    "core.hashers.PBKDF2SM3PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.ComplexityValidator"},
]

# MLPS level 3 (GB/T 22239-2019 8.1.4.1): limit failed logins and end idle sessions.
GOVIT_LOGIN_MAX_FAILURES = int(os.environ.get("GOVIT_LOGIN_MAX_FAILURES", "5"))
GOVIT_LOGIN_LOCK_MINUTES = int(os.environ.get("GOVIT_LOGIN_LOCK_MINUTES", "15"))
# Failed sign-ins counted per source address too: after GOVIT_LOGIN_IP_MAX_FAILURES within
# GOVIT_LOGIN_IP_WINDOW_MINUTES the address is refused for GOVIT_LOGIN_IP_BLOCK_MINUTES,
# whatever name it types (accounts/throttle.py). Behind a reverse proxy, GOVIT_CLIENT_IP_HEADER
# names the header the proxy sets (e.g. HTTP_X_FORWARDED_FOR; its last address is taken).
GOVIT_LOGIN_IP_MAX_FAILURES = int(os.environ.get("GOVIT_LOGIN_IP_MAX_FAILURES", "20"))
GOVIT_LOGIN_IP_WINDOW_MINUTES = int(os.environ.get("GOVIT_LOGIN_IP_WINDOW_MINUTES", "15"))
GOVIT_LOGIN_IP_BLOCK_MINUTES = int(os.environ.get("GOVIT_LOGIN_IP_BLOCK_MINUTES", "15"))
GOVIT_CLIENT_IP_HEADER = os.environ.get("GOVIT_CLIENT_IP_HEADER", "")
# A second factor (TOTP, django-otp, with recovery codes) for platform admins and the
# authorities' desks (accounts/second_factor.py): required in production; off by default only
# under GOVIT_DEBUG=1 (`make run`'s demo and the tests), where GOVIT_OTP_REQUIRED=1 turns it on.
GOVIT_OTP_REQUIRED = os.environ.get("GOVIT_OTP_REQUIRED", "0" if DEBUG else "1") == "1"
OTP_TOTP_ISSUER = "重庆市政务信息化项目管理平台"
GOVIT_IDLE_TIMEOUT_SECONDS = int(os.environ.get("GOVIT_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# Behind the reverse proxy that ends TLS (production): trust its X-Forwarded-Proto, redirect
# plain HTTP and tell browsers to use HTTPS only.
if os.environ.get("GOVIT_BEHIND_TLS_PROXY", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # the load balancer's probes and the metrics scraper reach the servers directly
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("GOVIT_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts and styles come from the platform itself;
# no inline script anywhere (the pages' behaviour is in static/govit/app.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # uploads are SM4-GCM encrypted at rest under a key outside the database (core/storage.py)
    "default": {"BACKEND": "core.storage.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Uploaded documents (documents/validation.py): size limit and allowed extensions.
GOVIT_UPLOAD_MAX_BYTES = int(os.environ.get("GOVIT_UPLOAD_MAX_BYTES", str(50 * 1024 * 1024)))
# A list export of more rows than this is made by a background job (core.jobs), not while the
# person waits for the page.
GOVIT_EXPORT_BACKGROUND_ROWS = int(os.environ.get("GOVIT_EXPORT_BACKGROUND_ROWS", "2000"))
GOVIT_UPLOAD_EXTENSIONS = [
    e.strip().lower()
    for e in os.environ.get(
        "GOVIT_UPLOAD_EXTENSIONS", "pdf,ofd,doc,docx,xls,xlsx,wps,et,zip,jpg,jpeg,png,txt"
    ).split(",")
    if e.strip()
]

# Keys live outside the database (core/keys.py); in production GOVIT_KEY_DIR is a separate,
# access-controlled mount and keys are made once with `manage.py keys init` and escrowed.
GOVIT_KEY_DIR = Path(os.environ.get("GOVIT_KEY_DIR", VAR_DIR / "keys"))
GOVIT_KEYS_AUTOCREATE = os.environ.get("GOVIT_KEYS_AUTOCREATE", "1" if DEBUG else "0") == "1"
# Signed checkpoints of the ledger's head go to an append-only store outside the database
# (core/anchors.py): a directory on a write-once mount in production.
GOVIT_ANCHOR_DIR = Path(os.environ.get("GOVIT_ANCHOR_DIR", VAR_DIR / "anchors"))
GOVIT_CHECKPOINT_MINUTES = int(os.environ.get("GOVIT_CHECKPOINT_MINUTES", "10"))
# `manage.py backup` writes here (a different disk or host in production).
GOVIT_BACKUP_DIR = Path(os.environ.get("GOVIT_BACKUP_DIR", VAR_DIR / "backups"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GOVIT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Periodic background tasks, each enqueued once by `manage.py schedule_tasks` (and by
# `serve`); each re-enqueues itself.
GOVIT_PERIODIC_TASKS = [
    "core.tasks.checkpoint_ledger",
    "delivery.tasks.sweep_deadlines",
    "supervision.tasks.sweep_supervision",
    "reports.tasks.refresh_health",
]

GOVIT_PAGE_SIZE = 20
# lists count their matches exactly up to this many; beyond, pages and the API say "more than"
# (core.listing.bounded_count): an exact total of a whole city costs more than the page
GOVIT_EXACT_COUNT_LIMIT = int(os.environ.get("GOVIT_EXACT_COUNT_LIMIT", "10000"))
# the deadline calendar computes each project's clocks; beyond this many projects it asks the
# person to narrow it down first (delivery.clocks.too_many_to_list)
GOVIT_CALENDAR_MAX_PROJECTS = int(os.environ.get("GOVIT_CALENDAR_MAX_PROJECTS", "2000"))

# Logs: one JSON object per line (time, level, logger, message, request id) unless
# GOVIT_LOG_JSON=0; every line of a request carries its X-Request-ID.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if os.environ.get("GOVIT_LOG_JSON", "1") == "1" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("GOVIT_LOG_LEVEL", "WARNING")},
}

# Prometheus metrics at /metrics, for these addresses or this bearer token only.
GOVIT_METRICS_ALLOWED_IPS = [
    a for a in os.environ.get("GOVIT_METRICS_ALLOWED_IPS", "127.0.0.1,::1").split(",") if a
]
GOVIT_METRICS_TOKEN = os.environ.get("GOVIT_METRICS_TOKEN", "")

AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutModelBackend"]
