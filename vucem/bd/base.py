"""Django's PostgreSQL backend with a cheaper health check (issue 8).

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request
on a persistent connection: on this portal's pages that round trip cost 10–15 % of the page
(measured under ``make carga``). Here a connection that served a request without errors (or
that Django just checked after an error) is taken as healthy for :data:`VIGENCIA_SANA`
seconds after it: a busy worker skips the check, one that sat idle (when servers and
firewalls drop connections) is checked as before. The price: if the server goes away within
those seconds of a request, the next request on that connection fails once instead of
reconnecting.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base

#: Seconds after a request that used the connection without errors during which it is not
#: checked again.
VIGENCIA_SANA = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sana_hasta: float | None = None

    def close_if_unusable_or_obsolete(self):
        # Called when a request (or a Celery task) starts and ends. The check is "done" here
        # only if the connection was used since the last call (or Django checked it after an
        # error): without errors, it just worked.
        if self.connection is not None and self.health_check_done and not self.errors_occurred:
            self.sana_hasta = time.monotonic() + VIGENCIA_SANA
        super().close_if_unusable_or_obsolete()

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and self.sana_hasta is not None
            and time.monotonic() < self.sana_hasta
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def connect(self):
        self.sana_hasta = None
        super().connect()

    def close(self):
        self.sana_hasta = None
        super().close()
