"""Settings for the Nantong city-organ union portal.

One module, driven by environment variables (django-environ). Every variable read here is
documented in README.md ("Configuration"). With nothing set, the portal runs on SQLite and a
file-system Celery broker, so a fresh machine needs no server.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)  # optional; absent by default

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "nantong_union.views.csrf_failure"  # an expired form, said in Chinese

INSTALLED_APPS = [
    "nantong_union.admin.UnionAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # recovery codes
    "members",
    "activities",
    "assistance",
    "welfare",
    "notifications",
    "voice",
    "reports",  # after the domain apps: its workbook has a sheet from each of them
    "elections",
    "surveys",
    "contests",
    "quiz",
    "funds",
    "care",
]

MIDDLEWARE = [
    "members.scoping.ScopeEnforcementMiddleware",  # every request reads scoped models only for its actor
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nantong_union.middleware.DatabaseUnavailableMiddleware",  # a lost database → the 503 page
    "django.contrib.sessions.middleware.SessionMiddleware",
    "nantong_union.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "members.middleware.QueryParameterMiddleware",  # a NUL in the address: the 400 page, not a 500
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "members.middleware.KeptPermissionsMiddleware",  # the scope and permissions kept between requests
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "nantong_union.identity.PortalOTPMiddleware",  # request.user.is_verified(): a query only once verified
    "members.middleware.PasswordChangeRequiredMiddleware",
    "members.middleware.SecondFactorRequiredMiddleware",
    "contests.middleware.ExpertConfinementMiddleware",  # outside experts see the judging pages only
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "nantong_union.middleware.PrivatePagesMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

AUTH_USER_MODEL = "members.User"
ROOT_URLCONF = "nantong_union.urls"
WSGI_APPLICATION = "nantong_union.wsgi.application"

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
                "members.context_processors.union_scope",
                "notifications.context_processors.inbox",
            ],
            # {% url %} without arguments reversed once per process (the layout's thirty links on every page)
            "builtins": ["nantong_union.templatetags.kept_urls"],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the web server, the worker and beat share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache --------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Redis down: the cache misses instead of failing the page (nantong_union.cache), within a second.
    CACHES = {
        "default": {
            "BACKEND": "nantong_union.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
else:
    # Embedded broker: kombu's file-system transport needs no server (development only).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _queue_dir = VAR_DIR / "celery" / "queue"
    for _folder in (_queue_dir, VAR_DIR / "celery" / "processed", VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "celery" / "control"),  # not ./control in the working directory
    }
    CELERY_RESULT_BACKEND = None

# The actor's scope kept in the shared cache between requests (members.scopecache), seconds; 0: computed on
# every request (the default without Redis: a per-process cache is not shared with the Celery worker).
SCOPE_CACHE_SECONDS = env.int("SCOPE_CACHE_SECONDS", default=600 if REDIS_URL else 0)
# The member list's per-unit counts kept the same way until members or units change (members.countcache).
MEMBER_COUNT_CACHE_SECONDS = env.int("MEMBER_COUNT_CACHE_SECONDS", default=300 if REDIS_URL else 0)

# No task's result is ever read: storing none also keeps the result backend out of .delay(), which
# would otherwise retry for ~20 s when Redis is down (the request would hang instead of going on).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True

# --- E-mail --------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="南通市级机关工会 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
#: The province whose welfare policies (caps per member and year) apply.
WELFARE_PROVINCE = env.str("WELFARE_PROVINCE", default="江苏")

# --- Reminders (defaults an administrator can change through the environment) ---------------
#: Days before each festival the welfare policy allows that officers are reminded to prepare gifts.
REMINDER_FESTIVAL_DAYS_BEFORE = env.int("REMINDER_FESTIVAL_DAYS_BEFORE", default=14)
#: The day 金秋助学 (student aid) opens, MM-DD.
REMINDER_STUDENT_AID_OPENS = tuple(int(p) for p in env.str("REMINDER_STUDENT_AID_OPENS", default="08-01").split("-"))
#: Days before the Spring Festival that 冬送温暖 (winter warmth) starts.
REMINDER_WINTER_DAYS_BEFORE = env.int("REMINDER_WINTER_DAYS_BEFORE", default=30)
#: Days before a committee's term ends that its unit's officers and the city are told.
REMINDER_TERM_DAYS_BEFORE = env.int("REMINDER_TERM_DAYS_BEFORE", default=90)
#: The portal's address as people reach it, for links in e-mails.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")

# --- Auth ----------------------------------------------------------------------------------
# Password rules a reviewer of a level-3 system (等保 2.0) expects: at least 8 characters, three of the
# four classes (upper case, lower case, digits, symbols), none of the person's last
# PASSWORD_HISTORY_COUNT passwords; expiry after PASSWORD_MAX_AGE_DAYS (0 = never, the default).
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=8)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
PASSWORD_MAX_AGE_DAYS = env.int("PASSWORD_MAX_AGE_DAYS", default=0)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "members.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "members.passwords.PasswordHistoryValidator", "OPTIONS": {"count": PASSWORD_HISTORY_COUNT}},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins before the password is checked
    # Django's ModelBackend, reading the login of a request by SQL compiled once (issue #23). Sessions made with
    # django.contrib.auth.backends.ModelBackend before the change are asked to log in once more.
    "nantong_union.identity.PortalModelBackend",
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for the same user name from the
# same address, that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's real address (login throttling, the access record, the login log): X-Forwarded-For is
# believed only from the proxies listed here (README, "Deployment": nginx on the same host → 127.0.0.1);
# with the list empty the header is ignored and the socket's address is the client's. Parsed by
# django-ipware (nantong_union.client_ip).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "nantong_union.client_ip.client_ip"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: expiry after inactivity
SESSION_ENGINE = "nantong_union.sessions"  # database sessions; a refresh lost with the database is skipped
#: Idle timeout of city administrators and auditors (seconds; set at login, renewed by every request).
PRIVILEGED_IDLE_TIMEOUT = env.int("PRIVILEGED_IDLE_TIMEOUT", default=30 * 60)

# --- Second factor (django-otp, TOTP + recovery codes) -------------------------------------
# Required for city administrators, auditors and holders of the permissions below when OTP_REQUIRED
# is on: on by default when DEBUG is off, off by default for the demo (DEBUG=1); OTP_FOR_OFFICERS
# asks it of every unit officer and zone lead too.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_FOR_OFFICERS = env.bool("OTP_FOR_OFFICERS", default=False)
OTP_SENSITIVE_PERMISSIONS = env.list(
    "OTP_SENSITIVE_PERMISSIONS",
    default=["members.reveal_id_number", "assistance.manage_case", "voice.manage_talks"],
)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="南通市级机关工会")

# --- Retention of the records (days) ---------------------------------------------------------
#: The login log: at least 6 months (网络安全法 art. 21); a smaller value is refused.
LOGIN_LOG_RETENTION_DAYS = max(env.int("LOGIN_LOG_RETENTION_DAYS", default=365), 183)
#: The access record (PIPL art. 55-56 keep the records of personal-data processing 3 years).
ACCESS_RECORD_RETENTION_DAYS = max(env.int("ACCESS_RECORD_RETENTION_DAYS", default=3 * 365), 183)

# --- Language and time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files: the portal's own and the npm-installed vendor assets (no CDN) ------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
_node = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", _node / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", _node / "bootstrap-icons" / "font"),
    ("vendor/echarts", _node / "echarts" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Forms, messages -----------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
from django.contrib.messages import constants as message_constants  # noqa: E402

MESSAGE_TAGS = {message_constants.ERROR: "danger"}

# --- Personal data -------------------------------------------------------------------------
# Fernet keys for sensitive fields (ID numbers ...): comma-separated, the first encrypts, all
# decrypt, so a key can be rotated (README: "Key rotation"). A separate key for the keyed hash
# that finds and de-duplicates ID numbers without decrypting them.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default="")
if not DEBUG and (not FIELD_ENCRYPTION_KEYS or not FIELD_HASH_KEY):
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set when DEBUG is off "
        "(see README, 'Configuration'). Generate a key with: "
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    )
# The field cipher (商用密码, GB/T 39786-2021): "fernet" (AES-128-CBC + HMAC-SHA256, the keys above) or "sm4"
# (SM4-GCM with the keys of FIELD_SM4_KEYS: comma-separated, 32 hex characters each, the first encrypts, all
# decrypt). Tokens of both ciphers are always opened, so switching and `rotate_field_keys` move data over.
FIELD_CIPHER = env.str("FIELD_CIPHER", default="fernet").lower()
FIELD_SM4_KEYS = env.list("FIELD_SM4_KEYS", default=[])
# The keyed look-up hash of ID numbers: "hmac-sha256" or "hmac-sm3"; lookups try both, `rotate_field_keys
# --rehash` recomputes the members' stored hashes after a switch.
FIELD_HASH = env.str("FIELD_HASH", default="hmac-sha256").lower()
if FIELD_CIPHER not in ("fernet", "sm4") or FIELD_HASH not in ("hmac-sha256", "hmac-sm3"):
    raise ImproperlyConfigured("FIELD_CIPHER is fernet or sm4; FIELD_HASH is hmac-sha256 or hmac-sm3")
if not DEBUG and FIELD_CIPHER == "sm4" and not FIELD_SM4_KEYS:
    raise ImproperlyConfigured(
        "FIELD_CIPHER=sm4 needs FIELD_SM4_KEYS when DEBUG is off. Generate a key with: "
        "python -c 'import secrets; print(secrets.token_hex(16))'"
    )

# --- Reports -------------------------------------------------------------------------------
#: Hours a yearly report workbook can be downloaded (by the person who asked) before it is deleted.
REPORT_TTL_HOURS = env.int("REPORT_TTL_HOURS", default=24)

# --- Uploads -------------------------------------------------------------------------------
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
#: A member roster with more rows than this is checked and saved by a Celery task (with a progress bar).
MEMBER_IMPORT_SYNC_ROWS = env.int("MEMBER_IMPORT_SYNC_ROWS", default=2000)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# --- Security (production: DEBUG off) ------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
# Content security policy: scripts only from the portal itself (no inline scripts anywhere; data for
# charts travels as json_script); inline style attributes are allowed for Bootstrap and ECharts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"refusals_without_traceback": {"()": "nantong_union.logfilters.RefusalsWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["refusals_without_traceback"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Members' rights (PIPL arts. 45–47) ----------------------------------------------------------
#: Days a unit officer has to answer a member's correction request (the city union's policy; the law sets
#: no figure): the reminders tell the officers three days before and every day once it is overdue.
CORRECTION_DAYS = env.int("CORRECTION_DAYS", default=15)
