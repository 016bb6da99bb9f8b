"""Shared fixtures. App-specific fixtures live in tests/<app>/conftest.py."""

import os
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# SAT's public test credentials: never copied into the project, read where CI puts them.
FIEL_PRUEBAS_DIR = Path(os.environ.get("FIEL_PRUEBAS_DIR", BASE_DIR.parent / "shared" / "fiel"))
ARTIFACTS_DIR = Path(os.environ.get("TEST_ARTIFACTS_DIR", BASE_DIR / "test-artifacts"))


@pytest.fixture
def fiel_sat():
    """Path to ../shared/fiel; skips with a reason only when the folder is absent."""
    if not FIEL_PRUEBAS_DIR.is_dir():
        pytest.skip(f"No están las credenciales de prueba del SAT en {FIEL_PRUEBAS_DIR}")
    return FIEL_PRUEBAS_DIR


@pytest.fixture(autouse=True)
def _media_y_hashers(settings, tmp_path):
    """Each test writes files to its own folder and hashes passwords cheaply."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def artifacts_dir():
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR
