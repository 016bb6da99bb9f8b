"""gunicorn.conf.py (read by gunicorn from the project folder: Dockerfile, compose and
``make carga``): each worker moves what it loaded at start-up out of the garbage
collector's generations (issue 8)."""

import gc
import importlib.util
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]


def test_cada_worker_congela_lo_cargado_al_arrancar():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", RAIZ / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert gc.get_freeze_count() == 0
    try:
        conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000  # Django and the project's modules
    finally:
        gc.unfreeze()
