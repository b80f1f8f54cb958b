"""Xuncha settings: one module, driven by the environment only.

Variables (all optional on a developer machine):
    DATABASE_URL          sqlite:///path or postgres://user@host/db (default: SQLite in var/)
    XUNCHA_SECRET_KEY     required when XUNCHA_DEBUG is off
    XUNCHA_FIELD_KEYS     comma-separated Fernet keys for reporter identity, newest first
    XUNCHA_DEBUG          1 for development
    XUNCHA_ALLOWED_HOSTS  comma-separated host names
    XUNCHA_SECURE         1 behind HTTPS: secure cookies, HSTS, SSL redirect
    XUNCHA_MEDIA_ROOT     where uploaded files live (default var/media)
    XUNCHA_PUBLIC_URL     the public site's address, printed in notices and QR codes
    REDIS_URL             shared cache for rate limits across processes
    EMAIL_URL-style mail: XUNCHA_EMAIL_HOST, XUNCHA_EMAIL_PORT, XUNCHA_EMAIL_USER,
                          XUNCHA_EMAIL_PASSWORD, XUNCHA_EMAIL_TLS, XUNCHA_EMAIL_FROM
"""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XUNCHA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


TESTING = "test" in sys.argv[1:2] or env_bool("XUNCHA_TESTING")
if not TESTING:
    # ``make run`` keeps a development key in var/development.env (xuncha/devenv.py) that
    # the README's later commands read; the environment wins over it.
    from xuncha import devenv

    devenv.load(VAR_DIR)
DEBUG = env_bool("XUNCHA_DEBUG")

SECRET_KEY = os.environ.get("XUNCHA_SECRET_KEY", "")
#: Commands that neither serve nor read or write data may run without a secret key (CI and
#: developer tools run them bare); ``check --deploy`` then reports the weak key.
KEYLESS_COMMANDS = {"makemigrations", "check", "showmigrations", "help", "makemessages",
                    "compilemessages", "collectstatic"}
#: Type checkers import the settings to read the project's models; they serve nothing.
TYPE_CHECKING_RUN = os.path.basename(sys.argv[0]) in {"mypy", "dmypy"} or "mypy" in sys.modules
if not SECRET_KEY:
    if DEBUG or TESTING or TYPE_CHECKING_RUN or sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "XUNCHA_SECRET_KEY must be set when XUNCHA_DEBUG is off "
            "(for a development install, run `make run` once: it keeps one in var/).")

ALLOWED_HOSTS = env_list("XUNCHA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "xuncha.audit",
    "xuncha.accounts",
    "xuncha.organizations",
    "xuncha.inspections",
    "xuncha.petitions",
    "xuncha.findings",
    "xuncha.rectification",
    "xuncha.evaluations",
    "xuncha.teamwork",
    "xuncha.announcements",
    "xuncha.stats",
    "xuncha.web",
    "xuncha.ops",
    "xuncha.todo",
    "xuncha.notify",
]

# --- reminders and channels (xuncha/notify; docs/operations.md "Reminders and channels") ---
#: The address people reach the site at: the link in every e-mail and group message.
XUNCHA_BASE_URL = os.environ.get("XUNCHA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
#: The address the public reaches the reporting pages at (https://xuncha.example.gov.cn):
#: the base of every link and QR code printed in a notice or on code slips. Unset, a
#: printed link is taken from the request that made the file (and ``check --deploy``
#: warns). docs/operations.md "Printed links".
XUNCHA_PUBLIC_URL = os.environ.get("XUNCHA_PUBLIC_URL", "").strip().rstrip("/")
#: Fonts for rendering documents where the official ones (仿宋_GB2312, 方正小标宋简体, 黑体,
#: 楷体_GB2312, 宋体) are missing: official name -> fallbacks, first found wins (the .docx
#: names the official fonts; see xuncha/lib/docx.py). Empty: the Debian fonts.
XUNCHA_DOCUMENT_FONT_FALLBACKS: dict[str, list[str]] = {}
#: Daily digests go out at the first run after this hour (TIME_ZONE).
XUNCHA_DIGEST_HOUR = int(os.environ.get("XUNCHA_DIGEST_HOUR", "8"))
#: Group-robot addresses must be https to public addresses; these widen or narrow that:
#: private networks (a gateway inside a closed network), an allow-list of host names
#: (e.g. qyapi.weixin.qq.com,oapi.dingtalk.com), and plain http to loopback (tests only).
XUNCHA_WEBHOOK_ALLOW_PRIVATE = env_bool("XUNCHA_WEBHOOK_ALLOW_PRIVATE")
XUNCHA_WEBHOOK_HOSTS = env_list("XUNCHA_WEBHOOK_HOSTS")
XUNCHA_WEBHOOK_ALLOW_LOOPBACK = TESTING
#: ``xuncha bench`` only: mounts the roof views of its figures at /_bench/ (ops/bench/roofs.py).
XUNCHA_BENCH_ROOFS = env_bool("XUNCHA_BENCH_ROOFS")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the others: once they have set request.user, a change forgets its to-do count.
    "xuncha.todo.middleware.TodoCountMiddleware",
    "xuncha.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xuncha.web.middleware.LanguageMiddleware",
    "xuncha.web.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xuncha.accounts.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "xuncha.web.middleware.RequestContextMiddleware",
    "xuncha.web.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "xuncha.urls"
WSGI_APPLICATION = "xuncha.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xuncha" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xuncha.web.context.navigation",
                "xuncha.web.context.whoami",
                "xuncha.rectification.hooks.bell",
            ],
            "builtins": ["django.templatetags.i18n", "xuncha.web.templatetags.xuncha"],
        },
    }
]

# --- database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'xuncha.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer commits; the busy timeout makes a
        # second writer wait instead of failing with "database is locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # JIT compilation pays off for long analytical queries, not for page requests: on the
    # bench data set it added about 12 ms to each dashboard count. Off for the web app.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Test databases are created from template0 so their ctype is UTF-8 (pg_trgm needs it).
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache (rate limits, lock-outs) ---------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    # Shared by every worker process without any extra service.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                          "LOCATION": "xuncha_cache"}}

# --- accounts and sessions ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "xuncha.accounts.hashers.Argon2Hasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests hash hundreds of passwords.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = int(os.environ.get("XUNCHA_SESSION_HOURS", "10")) * 3600
XUNCHA_SESSION_IDLE_MINUTES = int(os.environ.get("XUNCHA_SESSION_IDLE_MINUTES", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the meta tag, not the cookie
# Sign-in throttling (xuncha/accounts/throttle.py): no lock-out. After the free failures of a
# window, each further failure of a name, an address or a known device makes it wait twice
# as long as the one before: 30 s, 1 min, 2 min, … at most 15 min.
XUNCHA_LOGIN_FREE_FAILURES = 5  # per name typed, and per known device
XUNCHA_LOGIN_FREE_FAILURES_PER_ADDRESS = 20
XUNCHA_LOGIN_WINDOW_SECONDS = 3600
XUNCHA_LOGIN_DELAY_SECONDS = 30
XUNCHA_LOGIN_MAX_DELAY_SECONDS = 900
XUNCHA_LOGIN_DEVICE_DAYS = 180  # how long a browser stays known after a sign-in
# API tokens end after this many days unused (xuncha/accounts/services.token_authenticate).
XUNCHA_TOKEN_IDLE_DAYS = int(os.environ.get("XUNCHA_TOKEN_IDLE_DAYS", "30"))

# --- security headers -----------------------------------------------------------------
SECURE = env_bool("XUNCHA_SECURE", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("XUNCHA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("XUNCHA_CSRF_TRUSTED_ORIGINS")
# No inline script anywhere; htmx's inline indicator style is switched off in base.html.
XUNCHA_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'"
)

# --- languages ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "xuncha" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "xuncha" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_ROOT = Path(os.environ.get("XUNCHA_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: downloads go through scoped views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- reporter identity encryption -----------------------------------------------------
XUNCHA_FIELD_KEYS = env_list("XUNCHA_FIELD_KEYS")

# --- audit chain (xuncha/audit/chain.py, keys.py) -------------------------------------
#: XUNCHA_AUDIT_KEYS: comma-separated ``id:base64key`` pairs (>= 32 random bytes each),
#: newest first; the first signs new rows, all verify. Development and tests fall back to a
#: public key; other processes refuse to start without it (``check --deploy`` reports it).
XUNCHA_AUDIT_KEYS = env_list("XUNCHA_AUDIT_KEYS")
if not (XUNCHA_AUDIT_KEYS or DEBUG or TESTING or TYPE_CHECKING_RUN
        or sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "XUNCHA_AUDIT_KEYS must be set when XUNCHA_DEBUG is off "
        "(for a development install, run `make run` once: it keeps XUNCHA_DEBUG=1 in var/).")
#: A directory on other storage for the append-only checkpoint file, and the addresses
#: (comma-separated) that receive each checkpoint; ``xuncha audit-checkpoint`` runs daily.
XUNCHA_AUDIT_CHECKPOINT_DIR = os.environ.get("XUNCHA_AUDIT_CHECKPOINT_DIR", "")
XUNCHA_AUDIT_CHECKPOINT_EMAIL = env_list("XUNCHA_AUDIT_CHECKPOINT_EMAIL")

# --- mail -----------------------------------------------------------------------------
if os.environ.get("XUNCHA_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["XUNCHA_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("XUNCHA_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("XUNCHA_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("XUNCHA_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("XUNCHA_EMAIL_TLS")
elif not TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("XUNCHA_EMAIL_FROM", "xuncha@localhost")

# --- background tasks -----------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend"
    }
}

# --- API ------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# --- logging: no request bodies, no reporter data -------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}, "xuncha": {"level": "INFO"}},
}
