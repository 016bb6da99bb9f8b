"""gunicorn's settings for every way the portal is served (Dockerfile, docker-compose,
``make carga``): gunicorn reads ``./gunicorn.conf.py`` by default."""

import gc


def post_worker_init(worker):
    """Move everything the worker loaded at start-up (Django, the URLconf, the apps) out of
    the cyclic garbage collector's reach: its full collections then walk only what requests
    create, not ~200,000 long-lived objects (tens of ms each, paid by whichever request
    triggers them)."""
    gc.collect()
    gc.freeze()
