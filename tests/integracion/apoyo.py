"""Helpers for the integration tests."""

from __future__ import annotations

import time
from dataclasses import dataclass
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path
from subprocess import Popen

import pytest


@dataclass
class WorkerCelery:
    proceso: Popen
    nombre: str
    media_root: Path
    correo_dir: Path
    log: Path

    def correos(self) -> list[EmailMessage]:
        """Every e-mail the worker has sent (Django's file backend: one file per connection,
        messages separated by a line of 79 dashes), parsed so headers come decoded."""
        if not self.correo_dir.is_dir():
            return []
        mensajes = []
        for archivo in sorted(self.correo_dir.iterdir()):
            for crudo in archivo.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
                if crudo.strip():
                    mensajes.append(message_from_string(crudo.lstrip("\n"), policy=policy.default))
        return mensajes

    def log_texto(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def esperar(
    condicion, *, segundos: float = 30.0, cada: float = 0.2, worker: WorkerCelery | None = None
):
    """Poll ``condicion()`` until it returns something truthy; fail with the worker log if not."""
    limite = time.monotonic() + segundos
    while True:
        valor = condicion()
        if valor:
            return valor
        if time.monotonic() > limite:
            detalle = f"\n--- log del worker ---\n{worker.log_texto()[-4000:]}" if worker else ""
            pytest.fail(f"No se cumplió la condición en {segundos:.0f} s.{detalle}")
        time.sleep(cada)
