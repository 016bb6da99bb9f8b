"""Django settings for Ventanilla.

Every setting comes from an environment variable (documented in ``.env.example``).
With nothing set the project runs on the embedded default: SQLite, Celery in eager
mode, e-mails printed to the console and files under ``var/media``.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

CLAVE_SECRETA_DE_DESARROLLO = "dev-only-insecure-key-change-me-in-production-0123456789"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=CLAVE_SECRETA_DE_DESARROLLO)
DEBUG = env.bool("DJANGO_DEBUG", default=True)
if not DEBUG and (
    SECRET_KEY in (CLAVE_SECRETA_DE_DESARROLLO, "cambie-esto-por-una-cadena-larga-y-aleatoria")
    or SECRET_KEY.startswith("django-insecure-")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    # Never run in production on the key committed in this repository (or a weak one).
    raise ImproperlyConfigured(
        "Con DJANGO_DEBUG=False hace falta una DJANGO_SECRET_KEY propia, aleatoria y de al menos "
        '50 caracteres (vea .env.example). Genere una con: python -c "import secrets; '
        'print(secrets.token_urlsafe(64))"'
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "csp",
    "health_check",
    "vucem",
    "tramites",
    "firma",
    "acuses",
    "cupos",
    "raoce",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "vucem.middleware.PaginasDeErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vucem.middleware.PersonaActivaMiddleware",
    "vucem.middleware.EntradaValidaMiddleware",
    "axes.middleware.AxesMiddleware",
]

# make run (DEBUG): Django's technical 400/403/404 pages only when asked for.
DEBUG_PAGINAS_TECNICAS = env.bool("DEBUG_PAGINAS_TECNICAS", default=False)

ROOT_URLCONF = "vucem.urls"
WSGI_APPLICATION = "vucem.wsgi.application"

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
                "vucem.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing with "database is locked"; IMMEDIATE
    # transactions take the write lock up front, so read-then-write blocks serialize.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
else:
    # Persistent connections (one per worker thread), checked before reuse (vucem.bd: not
    # again within seconds of a request that used them without errors).
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=600))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "vucem.bd"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "vucem.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend reading the user with its persona (one query per request).
    "vucem.autenticacion.ModelBackendConPersona",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "vucem:ingresar"
LOGIN_REDIRECT_URL = "vucem:bandeja"
LOGOUT_REDIRECT_URL = "vucem:ingresar"

# Sessions: idle expiry (sliding), with a warning shown before it ends.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=20 * 60)
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=2 * 60)
# The session is written only when it changes; the idle clock at most once a minute
# (vucem.middleware.REFRESCO_ACTIVIDAD), so the stored expiry keeps that minute of margin.
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS + 60
SESSION_SAVE_EVERY_REQUEST = False
# With Redis, sessions are read from the cache and written through to the database.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SESSION_COOKIE_SECURE)

# Brute-force protection (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "vucem/bloqueado.html"
AXES_USERNAME_FORM_FIELD = "username"
# Per account, across every address: guessing one password from many IPs locks the account
# for the same cool-off (vucem.bloqueo; staff unlock it from the users admin).
AXES_FAILURE_LIMIT_CUENTA = env.int("AXES_FAILURE_LIMIT_CUENTA", default=20)
AXES_HANDLER = "vucem.bloqueo.ManejadorAxes"
AXES_LOCKOUT_CALLABLE = "vucem.bloqueo.respuesta_bloqueo"

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español (México)")]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
WHITENOISE_USE_FINDERS = DEBUG  # serve static/ directly in development, no collectstatic needed
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # Documents (acuses, certificados) are private: never served from MEDIA_URL, only
    # through views that check ownership.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "vucem.estaticos.EstaticosComprimidos"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
ANEXO_MAX_BYTES = env.int("ANEXO_MAX_BYTES", default=5 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Django's renderer with the plain <input>, <select> and <textarea> written in Python (issue 8).
FORM_RENDERER = "vucem.renderizador.RenderizadorFormularios"

# E-mail: console by default; EMAIL_URL=smtp://host:1025 for a real server.
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Ventanilla SE <no-responder@ventanilla.local>"
)

# Cache (rate limits, locks). Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # cached_db, updating an existing session with one statement (vucem.sesiones)
    SESSION_ENGINE = "vucem.sesiones"
# Seconds to wait for Redis or the Celery broker to accept a connection, and to answer. Kept
# short: a request never waits for an outage (rate limits degrade, the outbox re-sends).
SERVICIOS_TIMEOUT_CONEXION = env.float("SERVICIOS_TIMEOUT_CONEXION", default=1.0)
SERVICIOS_TIMEOUT_RESPUESTA = env.float("SERVICIOS_TIMEOUT_RESPUESTA", default=3.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": SERVICIOS_TIMEOUT_CONEXION,
                "socket_timeout": SERVICIOS_TIMEOUT_RESPUESTA,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
RATELIMIT_VERIFICACION = env("RATELIMIT_VERIFICACION", default="30/m")

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Publishing happens after commit, inside the request: one quick connection attempt and no
# retries. When the broker is down the row stays in the outbox (tramites.Notificacion) and
# the beat job re-sends it; a PDF not queued is rendered on its first download.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = SERVICIOS_TIMEOUT_CONEXION
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": SERVICIOS_TIMEOUT_CONEXION,
    "socket_timeout": SERVICIOS_TIMEOUT_RESPUESTA,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = SERVICIOS_TIMEOUT_CONEXION
# The result backend subscribes to each published task's result: same, one attempt.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
CELERY_REDIS_SOCKET_TIMEOUT = SERVICIOS_TIMEOUT_RESPUESTA
# The worker itself keeps retrying its broker connection (it has no request to answer).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
# Nothing in the portal waits for a task's return value (its effects are in the database):
# without this, each publish also subscribed to the task's result channel (a Redis round trip
# inside the signing request) and the worker stored every result. A caller that wants one
# asks with apply_async(..., ignore_result=False).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat jobs (django-celery-beat copies them into its tables; officials may tune them in the admin).
CELERY_BEAT_SCHEDULE = {
    "expirar-borradores": {"task": "tramites.tasks.expirar_borradores", "schedule": 60 * 60},
    "recordar-borradores": {"task": "tramites.tasks.recordar_borradores", "schedule": 6 * 60 * 60},
    "reenviar-notificaciones": {
        "task": "tramites.tasks.reenviar_notificaciones",
        "schedule": 5 * 60,
    },
    "vencer-certificados-cupo": {
        "task": "cupos.tasks.vencer_certificados",
        "schedule": 6 * 60 * 60,
    },  # Daily shortly after midnight (Mexico City): suspend / cancel programs without RAOCE.
    "aplicar-plazos-raoce": {
        "task": "raoce.tasks.aplicar_plazos",
        "schedule": crontab(hour=0, minute=10),
    },
    # Daily before office hours: dictamen plazos por vencer / vencidos to dictaminador and
    # nivel central.
    "avisar-plazos-dictamen": {
        "task": "tramites.tasks.avisar_plazos_dictamen",
        "schedule": crontab(hour=7, minute=0),
    },
    # Daily after the deadline job: reminders 15, 5 and 1 business days before RAOCE deadlines.
    "recordatorios-raoce": {
        "task": "raoce.tasks.enviar_recordatorios",
        "schedule": crontab(hour=0, minute=20),
    },
}

# Trámite engine.
UNIDAD_ADMINISTRATIVA = env("UNIDAD_ADMINISTRATIVA", default="0101")
BORRADOR_DIAS_VIGENCIA = env.int("BORRADOR_DIAS_VIGENCIA", default=15)
BORRADOR_DIAS_AVISO = env.int("BORRADOR_DIAS_AVISO", default=3)
OUTBOX_MAX_INTENTOS = env.int("OUTBOX_MAX_INTENTOS", default=8)

# RAOCE: act as if today were this date (ISO, e.g. 2026-05-15) to demonstrate filing outside
# the April–August cycle. Development and tests only: refused when DEBUG is off.
_raoce_fecha = env("RAOCE_FECHA_SIMULADA", default="")
RAOCE_FECHA_SIMULADA = datetime.date.fromisoformat(_raoce_fecha) if _raoce_fecha else None
if RAOCE_FECHA_SIMULADA and not DEBUG:
    raise ImproperlyConfigured("RAOCE_FECHA_SIMULADA solo puede usarse con DJANGO_DEBUG=True.")
# Cupos: the reception windows (asignación) act as if today were this date (ISO), to show a
# subcupo's window on any day (tramites.calendario.ahora_simulado). Development only.
_cupos_fecha = env("CUPOS_FECHA_SIMULADA", default="")
CUPOS_FECHA_SIMULADA = datetime.date.fromisoformat(_cupos_fecha) if _cupos_fecha else None
if CUPOS_FECHA_SIMULADA and not DEBUG:
    raise ImproperlyConfigured("CUPOS_FECHA_SIMULADA solo puede usarse con DJANGO_DEBUG=True.")

# FIEL: trust store of CA certificates (directories separated by ':'), the Ventanilla's
# own seal (certificate + key) and the demo credentials made by `manage.py fiel demo`.
FIEL_DEMO_DIR = Path(env("FIEL_DEMO_DIR", default=str(VAR_DIR / "fiel-demo")))
# The SAT's production CAs are shipped in firma/ac/produccion and trusted everywhere; the
# demo CA ($FIEL_DEMO_DIR/ca) only when FIEL_CONFIAR_AC_DEMO (default: DEBUG); FIEL_CA_DIR adds
# more folders explicitly (the tests add the SAT's test CAs there).
FIEL_CA_PRODUCCION_DIR = env(
    "FIEL_CA_PRODUCCION_DIR", default=str(BASE_DIR / "firma" / "ac" / "produccion")
)
FIEL_CONFIAR_AC_DEMO = env.bool("FIEL_CONFIAR_AC_DEMO", default=DEBUG)
FIEL_CA_DIR = env("FIEL_CA_DIR", default="")
# Revocation (OCSP): "fail-closed" refuses a FIEL when the responder gives no answer (default
# when not DEBUG), "fail-open" accepts it and logs it (logger firma.auditoria), "no-consultar".
FIEL_REVOCACION = env("FIEL_REVOCACION", default="fail-open" if DEBUG else "fail-closed")
FIEL_OCSP_URL = env("FIEL_OCSP_URL", default="https://cfdi.sat.gob.mx/edofiel")
FIEL_OCSP_TIMEOUT = env.float("FIEL_OCSP_TIMEOUT", default=5.0)
FIEL_OCSP_CACHE = env.int("FIEL_OCSP_CACHE", default=3600)
FIEL_MAX_BYTES = 64 * 1024
# Seconds a login nonce / cadena original issued for the browser to sign stays valid.
FIEL_RETO_VIGENCIA = env.int("FIEL_RETO_VIGENCIA", default=900)
VENTANILLA_SELLO_CER = env(
    "VENTANILLA_SELLO_CER", default=str(FIEL_DEMO_DIR / "ventanilla" / "sello.cer")
)
VENTANILLA_SELLO_KEY = env(
    "VENTANILLA_SELLO_KEY", default=str(FIEL_DEMO_DIR / "ventanilla" / "sello.key")
)
VENTANILLA_SELLO_PASSWORD = env("VENTANILLA_SELLO_PASSWORD", default="ventanilla-demo")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"simple": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "simple"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# HTTPS (read from the environment; .env.example and docker-compose.yml set them for
# production). Behind a TLS-terminating proxy, DJANGO_SECURE_PROXY_SSL_HEADER=True trusts its
# X-Forwarded-Proto header; only set it when the proxy always overwrites that header.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health probe answers over plain HTTP inside the container network.
SECURE_REDIRECT_EXEMPT = [r"^salud/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only this site's own scripts, styles, fonts and
# images (plus data: images, which Bootstrap's CSS uses for its icons). No inline scripts,
# styles or event handlers anywhere: behaviour lives in static/js, looks in static/css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
