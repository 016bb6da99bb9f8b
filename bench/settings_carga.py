"""Settings of the deadline-day benchmark (``make carga``): production settings (DEBUG off)
plus what only a benchmark on 127.0.0.1 may set.

RAOCE is filed in April–August; the benchmark simulates a day of that window
(``CARGA_FECHA_RAOCE``, default 2026-05-15). The production settings refuse a simulated date
outside DEBUG, so it is set here, after they load: this module is never a deployment's.
"""

import datetime
import os

from vucem.settings import *  # noqa: F403

RAOCE_FECHA_SIMULADA = datetime.date.fromisoformat(
    os.environ.get("CARGA_FECHA_RAOCE", "2026-05-15")
)

# The benchmark's companies hold FIELs of the demo CA: trusted here on purpose (the production
# settings refuse to serve with it, firma.E003, as they must).
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "firma.E003"]
