"""Settings shared by every way of running the lab.

The environment picks the mode in one place: with DATABASE_URL and REDIS_URL set the lab runs on
services (PostgreSQL, the Redis channel layer, Celery workers); without them it runs embedded
(SQLite in WAL mode, the in-memory channel layer, Celery tasks in-process).
"""
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

def _local_secret_key() -> str:
    """A key made once per checkout (never committed), so no two laptops share a signing key."""
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# --- The two profiles, and what each requires --------------------------------------------
# DATABASE_URL or REDIS_URL set = the services profile (docker-compose, a server on a network):
# nothing is assumed there: a real secret key and the host names are required, HTTPS is the default.
# Neither = the embedded profile of `make run` on a facilitator's laptop (docs/security.md,
# "Deployment").
DATABASE_URL = env("DATABASE_URL", default="")
REDIS_URL = env("REDIS_URL", default="")
SERVICES_PROFILE = bool(DATABASE_URL or REDIS_URL)
# Keys that were ever written in this repository or its docs: never accepted.
KNOWN_DEFAULT_SECRET_KEYS = frozenset({"change-me-in-production", "changeme", "secret", "dev", "insecure"})
SECRET_KEY_MIN_LENGTH = 50


def _services_secret_key(value: str) -> str:
    from django.core.exceptions import ImproperlyConfigured

    if not value:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DATABASE_URL or REDIS_URL set the lab runs as a service and "
            "needs a secret key of its own: generate one with `python -c \"import secrets; "
            "print(secrets.token_urlsafe(50))\"` and set DJANGO_SECRET_KEY to it.")
    if value in KNOWN_DEFAULT_SECRET_KEYS or value.startswith("django-insecure"):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is {value!r}, a published default that anyone could use to forge logins. "
            "Generate a new one (`python -c \"import secrets; print(secrets.token_urlsafe(50))\"`).")
    if len(value) < SECRET_KEY_MIN_LENGTH or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is too short or too plain: use at least {SECRET_KEY_MIN_LENGTH} random characters "
            "(`python -c \"import secrets; print(secrets.token_urlsafe(50))\"`).")
    return value


if SERVICES_PROFILE:
    SECRET_KEY = _services_secret_key(env("DJANGO_SECRET_KEY", default=""))
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Embedded: any host name, because participants reach the laptop by whatever address the workshop
# Wi-Fi gave it (sockets still check the Origin against the Host: config/origin.py). Services: the
# names must be listed.
if SERVICES_PROFILE:
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the host names the lab is reached by (comma-separated, e.g. "
            "lab.example.org,192.168.1.20) when DATABASE_URL or REDIS_URL is set; '*' is not accepted there.")
else:
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS: on by default in the services profile (behind a proxy that terminates TLS and sets
# X-Forwarded-Proto, as deploy/nginx.conf does); LAB_HTTPS=false turns every one of these off for a
# plain-HTTP closed network, and each can be set on its own.
LAB_HTTPS = env.bool("LAB_HTTPS", default=SERVICES_PROFILE)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=LAB_HTTPS)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=LAB_HTTPS)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=LAB_HTTPS)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000 if LAB_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=LAB_HTTPS)
# Preloading commits the whole domain to HTTPS in every browser for good: the operator's choice.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=SERVICES_PROFILE):
    # Trusted only because the web processes are reachable through the proxy alone, which overwrites it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # security.W021 (HSTS preload off): see SECURE_HSTS_PRELOAD above; docs/security.md, "Deployment".
    "security.W021",
]

# The address participants type or scan (e.g. http://192.168.1.20:8000). Unset: the lab uses the
# address the console was opened on, or this machine's network address if that was localhost.
PUBLIC_URL = env("LAB_PUBLIC_URL", default="")

DJANGO_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = ["channels", "rest_framework", "rest_framework.authtoken", "drf_spectacular",
                    "drf_spectacular_sidecar", "axes"]
LOCAL_APPS = ["classroom", "game", "facilitator", "frontend"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language cookie, then the browser's languages; StaffLanguageMiddleware lets a staff choice win.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL or a lone surrogate in a query or form value: 400 in words, before any view stores it.
    "classroom.text_input.TextInputMiddleware",
    # Redis away (services mode): 503 in words with Retry-After, not a bare 500.
    "classroom.redis_outage.RedisOutageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "classroom.language.StaffLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Login lockout (django-axes): last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "classroom.language.offered",
            ],
        },
    },
]

# --- Database: PostgreSQL from DATABASE_URL, else SQLite in WAL mode -----------------------
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    # ASGI runs every HTTP request in a thread of its own, so persistent connections would pile
    # up idle in finished threads: PostgreSQL gets a pool instead, and connections go back to it.
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2, "max_size": env.int("DB_POOL_MAX", default=20), "timeout": 10}
    # After a PostgreSQL restart every idle pooled connection is dead: this backend checks each checkout and, at
    # the first dead one, the whole pool (config/postgresql/base.py). Django's CONN_HEALTH_CHECKS stays off: its
    # check makes psycopg_pool back off 1, 2, 4 s between dead connections, past the pool's 10 s timeout.
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "config.postgresql"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of dead-locking on lock upgrade.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
    # Keep SQLite connections: Channels closes "old" connections around every socket message, and
    # closing the last connection checkpoints the WAL, which cost every edit (web load bench).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=300)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer and Celery: Redis from REDIS_URL, else in-process -----------------------
SERVICES_MODE = bool(REDIS_URL)
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s timeout by default, which breaks the layer's blocking
                # receive: every socket idle for 5 s was dropped (channels_redis#422).
                # max_connections: redis-py's pool raises "Too many connections" past 100 by default, and
                # every group_add, group_send and the receive holds one while its command runs: a storm
                # of 1,000 sockets joining their groups at once needs about one each (docs/scaling.md).
                "hosts": [{"address": REDIS_URL, "socket_timeout": None,
                           "max_connections": env.int("CHANNEL_MAX_CONNECTIONS", default=2000)}],
                # A team group fans out to at most a handful of sockets per process, but a burst
                # of edits during alignment can queue many messages for one slow socket: 1,000
                # keeps bursts instead of dropping them, and 30 s expiry forgets dead sockets.
                # Dropped messages are still recovered by the per-team seq + resync protocol.
                "capacity": env.int("CHANNEL_CAPACITY", default=1000),
                "expiry": 30,
                "prefix": env("CHANNEL_PREFIX", default="asgi"),
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    # Shared by every web process: limits (rejoin tries) must hold across processes.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": env("CHANNEL_PREFIX", default="asgi")}}
    CELERY_TASK_ALWAYS_EAGER = False
    # Round deadlines are ETA tasks; the broker must not redeliver them before they are due.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
    ROUND_DEADLINE_SCHEDULER = "celery"
else:
    # The console's channel hears every edit of every team: the default capacity (100) dropped
    # events for it at 100 people (web load bench); drops are recovered by resync, but cost.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                  "CONFIG": {"capacity": env.int("CHANNEL_CAPACITY", default=1000)}}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    ROUND_DEADLINE_SCHEDULER = "thread"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A pool process killed mid-task (OOM, a kill) hands its message back at once; every task is safe to run twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out user+address before the password is checked (console, admin, scenario editor).
    "config.login_lockout.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on for staff (OpenID Connect): does nothing unless LAB_OIDC_ISSUER and LAB_OIDC_CLIENT_ID are set.
    "classroom.oidc.StaffOIDCBackend",
]
LOGIN_URL = "/console/login/"

# --- Single sign-on for staff (OpenID Connect, mozilla-django-oidc; README "Single sign-on for staff") ------
# Off unless both the issuer and the client id are set. The endpoints come from the issuer's discovery document
# (ISSUER/.well-known/openid-configuration) unless given one by one. The groups claim decides who may do what:
# a person in none of the mapped groups is refused and nothing of them is stored.
LAB_OIDC_ISSUER = env("LAB_OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env("LAB_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("LAB_OIDC_CLIENT_SECRET", default="")
LAB_OIDC_ENABLED = bool(LAB_OIDC_ISSUER and OIDC_RP_CLIENT_ID)
LAB_OIDC_PROVIDER_NAME = env("LAB_OIDC_PROVIDER_NAME", default="") or LAB_OIDC_ISSUER.split("//")[-1].split("/")[0]
LAB_OIDC_CONTACT = env("LAB_OIDC_CONTACT", default="")  # who adds people to the groups (shown when refused)
LAB_OIDC_GROUPS_CLAIM = env("LAB_OIDC_GROUPS_CLAIM", default="groups")
LAB_OIDC_FACILITATOR_GROUPS = env.list("LAB_OIDC_FACILITATOR_GROUPS", default=[])
LAB_OIDC_HR_GROUPS = env.list("LAB_OIDC_HR_GROUPS", default=[])
LAB_OIDC_ADMIN_GROUPS = env.list("LAB_OIDC_ADMIN_GROUPS", default=[])
OIDC_RP_SCOPES = env("LAB_OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env("LAB_OIDC_SIGN_ALGO", default="RS256")
OIDC_USE_PKCE = env.bool("LAB_OIDC_PKCE", default=True)
OIDC_TIMEOUT = env.int("LAB_OIDC_TIMEOUT_SECONDS", default=10)
# Explicit endpoints (each optional: unset ones come from discovery).
LAB_OIDC_ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": env("LAB_OIDC_AUTHORIZATION_ENDPOINT", default=""),
    "OIDC_OP_TOKEN_ENDPOINT": env("LAB_OIDC_TOKEN_ENDPOINT", default=""),
    "OIDC_OP_USER_ENDPOINT": env("LAB_OIDC_USERINFO_ENDPOINT", default=""),
    "OIDC_OP_JWKS_ENDPOINT": env("LAB_OIDC_JWKS_ENDPOINT", default=""),
}
LOGIN_REDIRECT_URL_FAILURE = "/console/login/?sso=failed"
LOGIN_REDIRECT_URL = "/console/"
LOGOUT_REDIRECT_URL = "/console/login/"

# English plus two complete languages, chosen per person (classroom/language.py, docs/i18n.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Production Director Decision Lab API",
    "DESCRIPTION": "Sessions, results and participation data of the Decision Lab.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the API docs need a login or a token, like the API (docs/api.md).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files: no CDN (workshops run on closed networks).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Participants are remembered by a signed cookie holding their rejoin token.
PARTICIPANT_COOKIE = "dl_participant"
PARTICIPANT_COOKIE_MAX_AGE = 12 * 3600
# A person is connected while one of their sockets answered within this many seconds (the browser
# pings every 10 s; presence is swept by every server's ticker).
LAB_PRESENCE_TTL_SECONDS = env.int("LAB_PRESENCE_TTL_SECONDS", default=35)
# --- Limits on guessing (docs/security.md, "Deployment") ------------------------------------
# Console, admin and scenario editor logins (django-axes, attempts kept in the database): this many
# failed passwords for one user name from one address lock that pair for LAB_LOGIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = env.int("LAB_LOGIN_FAILURES", default=5)
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=env.int("LAB_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.login_lockout.lockout_response"
AXES_VERBOSE = False
# Join codes: unknown codes tried from one client address within a minute before that address is
# locked out of joining for LAB_JOIN_LOCKOUT_MINUTES (the console shows and lifts lockouts).
LAB_JOIN_TRIES_PER_MINUTE = env.int("LAB_JOIN_TRIES_PER_MINUTE", default=10)
LAB_JOIN_LOCKOUT_MINUTES = env.int("LAB_JOIN_LOCKOUT_MINUTES", default=5)
LAB_THROTTLE_PREFIX = env("CHANNEL_PREFIX", default="asgi")
# Wrong rejoin codes allowed per session and client address per minute, then locked as above.
LAB_REJOIN_TRIES_PER_MINUTE = env.int("LAB_REJOIN_TRIES_PER_MINUTE", default=5)
# Socket frames: a burst of LAB_SOCKET_BURST, then LAB_SOCKET_FRAMES_PER_SECOND sustained, per socket.
LAB_SOCKET_FRAMES_PER_SECOND = env.int("LAB_SOCKET_FRAMES_PER_SECOND", default=20)
LAB_SOCKET_BURST = env.int("LAB_SOCKET_BURST", default=40)
# Engine runs one person may start: what-if previews of a new version in the room (cached runs are free), and
# replays of their team after the workshop (each about 0.1-0.5 s of a core).
LAB_PREVIEW_RUNS_PER_MINUTE = env.int("LAB_PREVIEW_RUNS_PER_MINUTE", default=30)
LAB_WHATIF_RUNS_PER_MINUTE = env.int("LAB_WHATIF_RUNS_PER_MINUTE", default=10)
# Team chat: at most this many messages per person in any CHAT_WINDOW_SECONDS (a lively argument
# stays well under it; a stuck key or a script does not).
LAB_CHAT_MESSAGES_PER_WINDOW = env.int("LAB_CHAT_MESSAGES_PER_WINDOW", default=8)
LAB_CHAT_WINDOW_SECONDS = env.int("LAB_CHAT_WINDOW_SECONDS", default=15)
# Days a new session keeps participants' personal data by default (the facilitator may choose another); then
# the retention job anonymises it (docs/privacy.md).
LAB_PERSONAL_DATA_RETENTION_DAYS = env.int("LAB_PERSONAL_DATA_RETENTION_DAYS", default=90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}, "daphne": {"level": "WARNING"}},
}
