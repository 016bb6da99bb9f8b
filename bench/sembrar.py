"""Seed the benchmark database: N companies (persona moral, plant address, IMMEX program that
must file the RAOCE, user) and a FIEL of the demo CA for each one.

All certificates share one RSA key (generating thousands of keys would take minutes and
changes nothing on the server, which verifies each certificate and signature anyway); the
load client signs with it. Run with DJANGO_SETTINGS_MODULE=bench.settings_carga::

    python -m bench.sembrar --empresas 400 --dir var/carga
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import django


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--empresas", type=int, default=400)
    args.add_argument("--dir", type=Path, default=Path("var/carga"))
    opciones = args.parse_args()
    django.setup()

    from cryptography.hazmat.primitives import serialization

    from firma.demo import generar_demo
    from firma.testing import cargar_ca, emitir_credencial, nueva_llave
    from raoce.models import EstatusPrograma, Programa, TipoPrograma
    from tests.soporte.personas import crear_domicilio_planta, crear_solicitante, rfc_valido

    destino = opciones.dir
    (destino / "cer").mkdir(parents=True, exist_ok=True)
    res = generar_demo()
    ca = cargar_ca(res.ca_cer, res.dir / "ca-privada" / res.ca_cer.name.replace(".cer", ".key"))
    llave = nueva_llave()
    (destino / "llave.pem").write_bytes(
        llave.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    empresas = []
    for n in range(1, opciones.empresas + 1):
        rfc = rfc_valido("moral", 5000 + n)
        persona, _ = crear_solicitante(
            "moral",
            rfc=rfc,
            nombre=f"EMPRESA DE CARGA {n:05d} SA DE CV",
            correo="",
            rfc_representante="VADA800927DJ3",
        )
        if not persona.domicilios.exists():
            crear_domicilio_planta(persona)
        Programa.objects.get_or_create(
            persona=persona,
            tipo=TipoPrograma.IMMEX,
            defaults={
                "numero": f"IMMEX-C-{n:05d}",
                "modalidad": "Industrial",
                "estatus": EstatusPrograma.VIGENTE,
                "fecha_autorizacion": dt.date(2019, 3, 1),
            },
        )
        cred = emitir_credencial(
            ca, rfc, persona.nombre, rfc_representante="VADA800927DJ3", llave=llave
        )
        (destino / "cer" / f"{rfc}.cer").write_bytes(cred.cer)
        empresas.append(rfc)
    (destino / "empresas.json").write_text(json.dumps(empresas))
    print(f"{len(empresas)} empresas sembradas en {destino}")


if __name__ == "__main__":
    main()
