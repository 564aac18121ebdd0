"""Settings of the bare Channels broadcast app (the ceiling the web bench compares the lab with).

Only what Channels needs: no database, no middleware, no templates. The channel layer is the
lab's own choice in each mode: Redis from REDIS_URL (with the lab's settings for it: no read timeout,
capacity 1,000, expiry 30 s), else the in-memory layer with the same capacity.
"""
import os

SECRET_KEY = "bare-channels-bench-only-not-a-secret"  # serves no cookies, signs nothing
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["channels"]
ASGI_APPLICATION = "bare_channels.asgi.application"
USE_TZ = True
DATABASES = {}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "WARNING"}}

_capacity = int(os.environ.get("CHANNEL_CAPACITY", "1000"))
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {
        # The lab's pool size too: redis-py's default of 100 refused a 1,000-socket storm's group_add.
        "hosts": [{"address": os.environ["REDIS_URL"], "socket_timeout": None,
                   "max_connections": int(os.environ.get("CHANNEL_MAX_CONNECTIONS", "2000"))}],
        "capacity": _capacity, "expiry": 30, "prefix": os.environ.get("CHANNEL_PREFIX", "bare")}}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                  "CONFIG": {"capacity": _capacity}}}
