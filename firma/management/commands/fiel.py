"""``manage.py fiel``: verify FIEL credentials and create the demo ones.

    fiel verificar --cer C [--key K --password P] [--at ISO-DATETIME] [--json]
    fiel demo [--dir DIR] [--force]

Exit codes of ``verificar``: 0 = usable as a FIEL at that moment (with --key/--password: the
key opens and matches; certificate only: the certificate is a trusted, valid FIEL);
1 = not usable (the errors say why); 2 = bad invocation (missing file, bad --at).
"""

from __future__ import annotations

import getpass
import json
import math
import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from firma.demo import PASSWORD_DEMO, PERSONAS_DEMO, generar_demo
from firma.errores import CODIGOS
from firma.verificacion import verificar_fiel

SALIDA_NO_UTILIZABLE = 1
SALIDA_USO = 2


def _leer(ruta: str, que: str) -> bytes:
    p = Path(ruta)
    if not p.is_file():
        raise CommandError(f"No existe el archivo {que}: {ruta}", returncode=SALIDA_USO)
    with p.open("rb") as f:  # never read more than needed to say "too big"
        return f.read(int(settings.FIEL_MAX_BYTES) + 1)


def _kib(n: int) -> str:
    """Bytes as KiB, rounded up to one decimal (65,537 bytes is "64.1 KiB", not "64")."""
    kib = math.ceil(n * 10 / 1024) / 10
    return f"{kib:g} KiB" if kib < 1_000_000 else f"{n:,} bytes"


def _con_tamano_real(errores: list[dict], tamanos: dict[str, int]) -> None:
    """The library only sees the first FIEL_MAX_BYTES + 1 bytes we read, so its "too big"
    message cannot know the file's size: say the real one (``Path.stat().st_size``)."""
    maximo = int(settings.FIEL_MAX_BYTES)
    for e in errores:
        if e["codigo"] in tamanos:
            e["mensaje"] = (
                f"{CODIGOS[e['codigo']][:-1]} (máximo {maximo // 1024} KiB; el archivo mide "
                f"{_kib(tamanos[e['codigo']])})."
            )


def _fecha_local(iso: str | None) -> str:
    if not iso:
        return "-"
    return (
        datetime.fromisoformat(iso)
        .astimezone(ZoneInfo(settings.TIME_ZONE))
        .strftime("%d/%m/%Y %H:%M")
    )


def _si_no(valor) -> str:
    return {True: "sí", False: "no", None: "no verificado"}[valor]


class Command(BaseCommand):
    help = (
        "e.firma (FIEL): verificar un certificado y su llave, o crear credenciales de demostración."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcomando", required=True, metavar="{verificar,demo}")

        v = sub.add_parser(
            "verificar",
            help="Verifica un .cer (y opcionalmente su .key y contraseña).",
            description=(
                "Verifica un certificado de e.firma: vigencia, autoridad certificadora de "
                "confianza (las AC de producción del SAT incluidas, y FIEL_CA_DIR), que sea FIEL y "
                "no CSD, la revocación por OCSP (salvo --sin-revocacion) y, con --key y "
                "--password, que la llave abra con la contraseña y corresponda al certificado. Código de "
                "salida 0 solo si es utilizable como e.firma en ese momento; 1 si no; 2 si "
                "los argumentos son inválidos."
            ),
        )
        v.add_argument("--cer", required=True, help="Archivo .cer (DER o PEM).")
        v.add_argument("--key", help="Archivo .key (PKCS#8 cifrado, DER o PEM).")
        v.add_argument(
            "--password",
            help=(
                "Contraseña de la llave. Si se omite con --key, se toma de la variable de "
                "entorno FIEL_PASSWORD o se pide en la terminal."
            ),
        )
        v.add_argument(
            "--at",
            dest="momento",
            metavar="ISO-DATETIME",
            help="Verifica la vigencia en ese momento (p. ej. 2020-06-01T12:00; sin zona = CDMX).",
        )
        v.add_argument("--json", action="store_true", help="Imprime el resultado como JSON.")
        v.add_argument(
            "--sin-revocacion",
            action="store_true",
            help=(
                "No consulta la revocación (OCSP); «revocacion.estado» queda en "
                "«no_consultado». Útil sin red o con --at en el pasado."
            ),
        )

        d = sub.add_parser(
            "demo",
            help="Crea la AC de demostración, el sello de la Ventanilla y e.firmas de prueba.",
            description=(
                "Crea en DIR la AC de demostración (ca/), el sello de la Ventanilla "
                "(ventanilla/) y una e.firma por persona de demostración (personas/RFC.cer|.key, "
                f"contraseña {PASSWORD_DEMO}). Conserva los archivos existentes salvo con --force."
            ),
        )
        d.add_argument("--dir", help="Carpeta destino (por omisión FIEL_DEMO_DIR).")
        d.add_argument("--force", action="store_true", help="Vuelve a crear todo.")

    def handle(self, *args, **options):
        if options["subcomando"] == "verificar":
            return self.verificar(options)
        return self.demo(options)

    # ----------------------------------------------------------------------------------------

    def verificar(self, options):
        cer = _leer(options["cer"], "del certificado")
        key = _leer(options["key"], "de la llave") if options.get("key") else None
        password = options.get("password")
        if key is not None and password is None:
            password = os.environ.get("FIEL_PASSWORD")
            if password is None and sys.stdin.isatty():
                password = getpass.getpass("Contraseña de la clave privada: ")
        momento = None
        if options.get("momento"):
            try:
                momento = datetime.fromisoformat(options["momento"])
            except ValueError:
                raise CommandError(
                    f"--at no es una fecha ISO válida: {options['momento']!r} "
                    "(ejemplo: 2020-06-01T12:00:00-06:00)",
                    returncode=SALIDA_USO,
                ) from None
        res = verificar_fiel(
            cer, key, password, momento=momento, revocacion=not options.get("sin_revocacion")
        )
        password = None  # drop it as soon as possible
        utilizable = res.ok if key is not None else res.certificado_ok
        datos = res.as_dict()
        tamanos = {"certificado_demasiado_grande": Path(options["cer"]).stat().st_size}
        if key is not None:
            tamanos["llave_demasiado_grande"] = Path(options["key"]).stat().st_size
        _con_tamano_real(datos["errores"], tamanos)
        if options["json"]:
            self.stdout.write(json.dumps(datos, ensure_ascii=False, indent=2))
        else:
            self._resumen(datos, utilizable, key is not None)
        res.llave = None
        if not utilizable:
            raise CommandError(
                "La e.firma no es utilizable: "
                + ("; ".join(e["mensaje"] for e in datos["errores"]) or "verificación incompleta."),
                returncode=SALIDA_NO_UTILIZABLE,
            )

    def _resumen(self, d: dict, utilizable: bool, con_llave: bool) -> None:
        w = self.stdout.write
        if d["rfc"]:
            w(
                f"Certificado:          {d['tipo']} de persona {'moral' if d['persona'] == 'moral' else 'física'}"
            )
            w(f"Nombre:               {d['nombre']}")
            w(f"RFC:                  {d['rfc']}")
            if d["rfc_representante"]:
                w(f"RFC representante:    {d['rfc_representante']}")
            if d["curp"]:
                w(f"CURP:                 {d['curp']}")
            if d["curp_representante"]:
                w(f"CURP representante:   {d['curp_representante']}")
            w(f"Número de certificado: {d['numero_certificado']}")
            w(
                f"Vigencia:             {_fecha_local(d['valido_desde'])} a {_fecha_local(d['valido_hasta'])}"
            )
            w(f"Emisor:               {d['emisor']}")
            w(f"Vigente:              {_si_no(d['vigente'])}")
            w(f"Emisor de confianza:  {_si_no(d['cadena_confiable'])}")
            r = d["revocacion"]
            w(
                f"Revocación (OCSP):    {r['estado'].replace('_', ' ')}"
                + (f" ({_fecha_local(r['fecha'])})" if r["fecha"] else "")
                + (f" — {r['fuente']}" if r["fuente"] else "")
            )
            if con_llave:
                w(f"Llave corresponde:    {_si_no(d['llave_corresponde'])}")
        for e in d["errores"]:
            w(self.style.ERROR(f"Error [{e['codigo']}]: {e['mensaje']}"))
        if utilizable:
            que = (
                "e.firma válida"
                if con_llave
                else "certificado de e.firma válido (llave no verificada)"
            )
            w(self.style.SUCCESS(f"Resultado: {que}."))
        else:
            w(self.style.ERROR("Resultado: NO es utilizable como e.firma."))

    # ----------------------------------------------------------------------------------------

    def demo(self, options):
        res = generar_demo(options.get("dir"), force=options["force"])
        w = self.stdout.write
        if res.creados:
            w(self.style.SUCCESS(f"Se crearon {len(res.creados)} archivos en {res.dir}"))
        else:
            w(
                f"Ya existían las credenciales de demostración en {res.dir} (use --force para recrearlas)."
            )
        w(
            f"AC de demostración: {res.ca_cer.parent} (de confianza sólo con DJANGO_DEBUG=True "
            "o FIEL_CONFIAR_AC_DEMO=True; nunca en producción)"
        )
        w(f"Sello de la Ventanilla: {res.sello_cer} / {res.sello_key}")
        w(f"e.firmas de demostración (contraseña de todas las llaves: {PASSWORD_DEMO}):")
        for p in PERSONAS_DEMO:
            cer, key = res.personas[p["rfc"]]
            w(f"  {p['rfc']:13}  {p['nombre']}")
            w(f"      {cer}")
            w(f"      {key}")
