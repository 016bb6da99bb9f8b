"""Per-request cost, in process (issue 8): queries, wall and CPU milliseconds of each portal
page and of the signing POST, with the benchmark's settings (``bench.settings_carga``: DEBUG
off, PostgreSQL, Redis sessions and broker) but no HTTP server, so the numbers hold on a busy
machine better than ``make carga``'s (CPU time is what a request costs a core).

    python -m bench.perfil --sembrar              # first time: DB + 40 companies
    python -m bench.perfil                        # table of every page
    python -m bench.perfil --perfil "firmar POST" # plus cProfile of that step (top 30)

Needs PostgreSQL and Redis on 127.0.0.1 (database ``--bd``, Redis DB ``--redis``); nothing
runs a worker: queued tasks stay in that Redis DB, which is flushed at the start.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]


def preparar_entorno(bd: str, redis: int) -> Path:
    from bench.carga import entorno_carga

    dir_carga = RAIZ / "var" / f"perfil-{bd}"
    os.environ.update(entorno_carga(bd, redis, dir_carga))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return dir_carga


def sembrar(bd: str, empresas: int, dir_carga: Path) -> None:
    h = "127.0.0.1"
    subprocess.run(["dropdb", "-h", h, "-U", "postgres", "--if-exists", bd], check=True)
    subprocess.run(["createdb", "-h", h, "-U", "postgres", bd], check=True)
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v0"], cwd=RAIZ, check=True)
    subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=RAIZ, check=True)
    subprocess.run(
        [py, "-m", "bench.sembrar", "--empresas", str(empresas), "--dir", str(dir_carga)],
        cwd=RAIZ,
        check=True,
    )


class Medidor:
    def __init__(self):
        self.filas: dict[str, list[tuple[int, float, float]]] = {}
        self.perfiles: dict[str, cProfile.Profile] = {}
        self.perfilar: set[str] = set()
        self.ver_consultas: set[str] = set()
        self.consultas: dict[str, list[str]] = {}

    def medir(self, etiqueta, fn, *a, **kw):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        perfil = None
        if etiqueta in self.perfilar:
            perfil = self.perfiles.setdefault(etiqueta, cProfile.Profile(time.process_time))
        with CaptureQueriesContext(connection) as q:
            t0, c0 = time.perf_counter(), time.process_time()
            if perfil:
                perfil.enable()
            r = fn(*a, **kw)
            if perfil:
                perfil.disable()
            t1, c1 = time.perf_counter(), time.process_time()
        self.filas.setdefault(etiqueta, []).append((len(q), (t1 - t0) * 1000, (c1 - c0) * 1000))
        if etiqueta in self.ver_consultas:
            self.consultas[etiqueta] = [c["sql"] for c in q.captured_queries]
        return r

    def tabla(self) -> dict:
        salida = {}
        print(f"\n{'paso':28} {'n':>4} {'consultas':>9} {'ms p50':>8} {'CPU ms p50':>10}")
        for k, v in self.filas.items():
            consultas = statistics.median(x[0] for x in v)
            pared = statistics.median(x[1] for x in v)
            cpu = statistics.median(x[2] for x in v)
            salida[k] = {
                "n": len(v),
                "consultas": consultas,
                "ms": round(pared, 1),
                "cpu_ms": round(cpu, 1),
            }
            print(f"{k:28} {len(v):>4} {consultas:>9} {pared:>8.1f} {cpu:>10.1f}")
        return salida


PDF_MINIMO = "PDF mínimo WeasyPrint"
PDF_ACUSE = "acuse PDF (sin sello)"
PDF_SELLADO = "acuse PDF + PAdES"


def medir_pdf(m: Medidor, veces: int) -> None:
    """The last acuse issued (drawn by ReportLab), without and with the PAdES seal, next to
    a one-line WeasyPrint page with the default styles: same process, after warm-up (the
    first render loads fonts), in turns so a busy machine weighs on the three alike."""
    import weasyprint

    from acuses import pdf
    from acuses.models import Documento

    doc = Documento.objects.filter(tipo="acuse").order_by("-pk").first()
    if doc is None:
        raise SystemExit("No hay acuses: corra antes sin --solo-pdf")
    minima = "<html><body><p>Acuse</p></body></html>"
    pasos = {
        PDF_MINIMO: lambda: weasyprint.HTML(string=minima).write_pdf(),
        PDF_ACUSE: lambda: pdf.componer_pdf(doc),
        PDF_SELLADO: lambda: pdf.renderizar_pdf(doc),
    }
    for fn in pasos.values():
        fn()
        fn()
    for _ in range(veces):
        for etiqueta, fn in pasos.items():
            m.medir(etiqueta, fn)


def razones_pdf(resultado: dict) -> dict:
    """The acuse's PDF over the minimal page (medians, wall and CPU), printed and returned."""
    base = resultado[PDF_MINIMO]
    razones = {}
    for etiqueta in (PDF_ACUSE, PDF_SELLADO):
        fila = resultado[etiqueta]
        razones[etiqueta] = {
            "ms": round(fila["ms"] / base["ms"], 1),
            "cpu_ms": round(fila["cpu_ms"] / base["cpu_ms"], 1),
        }
        print(
            f"{etiqueta} / {PDF_MINIMO}: {razones[etiqueta]['ms']}x "
            f"(CPU {razones[etiqueta]['cpu_ms']}x)"
        )
    return razones


def firmar_html(llave, cer: bytes, html: str) -> dict:
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    m = re.search(r'data-cadena="([A-Za-z0-9+/=]*)"', html)
    if not m:
        raise RuntimeError("la página no emitió una cadena para firmar")
    firma = llave.sign(base64.b64decode(m.group(1)), padding.PKCS1v15(), hashes.SHA256())
    return {
        "certificado": base64.b64encode(cer).decode(),
        "firma": base64.b64encode(firma).decode(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--bd", default="ventanilla_perfil")
    ap.add_argument("--redis", type=int, default=7)
    ap.add_argument("--empresas", type=int, default=40)
    ap.add_argument("--sembrar", action="store_true")
    ap.add_argument("--veces", type=int, default=15, help="signed reports (one company each)")
    ap.add_argument("--veces-pdf", type=int, default=11, help="PDF renders of each kind")
    ap.add_argument("--solo-pdf", action="store_true", help="only the PDF part (needs an acuse)")
    ap.add_argument("--perfil", action="append", default=[], help="step to cProfile")
    ap.add_argument("--consultas", action="append", default=[], help="step whose SQL to print")
    ap.add_argument("--volcar", type=Path, help="folder for the .prof files of --perfil")
    ap.add_argument("--json", type=Path)
    o = ap.parse_args()

    dir_carga = preparar_entorno(o.bd, o.redis)
    if o.sembrar:
        sembrar(o.bd, o.empresas, dir_carga)
    subprocess.run(["redis-cli", "-n", str(o.redis), "flushdb"], capture_output=True, check=False)

    import django

    django.setup()
    from cryptography.hazmat.primitives import serialization
    from django.test import Client

    m = Medidor()
    m.perfilar = set(o.perfil)
    m.ver_consultas = set(o.consultas)
    if o.solo_pdf:
        medir_pdf(m, o.veces_pdf)
        return informar(m, o)

    llave = serialization.load_pem_private_key((dir_carga / "llave.pem").read_bytes(), None)
    empresas = json.loads((dir_carga / "empresas.json").read_text())
    from raoce.models import EstatusPrograma, Programa

    # companies whose program is still vigente and without a signed report (re-runnable)
    libres = set(
        Programa.objects.filter(persona__rfc__in=empresas, estatus=EstatusPrograma.VIGENTE)
        .exclude(reportes__solicitud__folio__isnull=False)
        .values_list("persona__rfc", flat=True)
    )
    empresas = [r for r in empresas if r in libres]
    if len(empresas) < o.veces + 1:
        print(f"Quedan {len(empresas)} empresas sin reporte: use --sembrar", file=sys.stderr)
        return 1

    host = {"HTTP_HOST": "127.0.0.1"}

    def cliente(rfc):
        c = Client(**host)
        cer = (dir_carga / "cer" / f"{rfc}.cer").read_bytes()
        html = c.get("/ingresar/").content.decode()
        r = c.post("/ingresar/", firmar_html(llave, cer, html))
        assert r.status_code == 302, r.status_code
        return c, cer

    def get(c, ruta):
        r = c.get(ruta, follow=True)  # as the load client: the catálogo redirects once
        assert r.status_code == 200, (ruta, r.status_code)
        return r

    # warm-up (imports, caches, first connection)
    c0, _ = cliente(empresas[-1])
    for _ in range(2):
        get(c0, "/")
        get(c0, "/tramites/")
    anon = Client(**host)
    for _ in range(20):
        m.medir("ping anónimo", anon.get, "/ping/")
        m.medir("ping con sesión", c0.get, "/ping/")
        m.medir("bandeja", get, c0, "/")
        m.medir("catálogo", get, c0, "/tramites/")
        m.medir("acuses y resoluciones", get, c0, "/acuses/")
        m.medir(
            "verificación",
            get,
            c0,
            "/acuses/verificar/?folio=0201500100220260101000001&codigo=ZZZZZZZZZZZZ",
        )

    vucem_id = 150102
    for rfc in empresas[: o.veces]:
        c, cer = cliente(rfc)
        m.medir("iniciar GET", get, c, f"/tramites/iniciar/{vucem_id}/")
        r = m.medir("paso solicitante POST", c.post, f"/tramites/iniciar/{vucem_id}/", {})
        programas = r["Location"]
        base = programas.rsplit("/paso/", 1)[0]
        html = m.medir("asistente GET", get, c, programas).content.decode()
        grupo = re.search(r'name="grupo" value="([^"]+)"', html).group(1)
        r = m.medir("asistente POST", c.post, programas, {"grupo": grupo})
        assert r.status_code == 302, r.status_code
        datos = {
            "accion": "continuar",
            "ventas_totales": "125000",
            "total_exportaciones": "98000",
            "total_importaciones": "64000",
        }
        r = m.medir("paso datos POST", c.post, f"{base}/paso/datos/", datos)
        assert r.status_code == 302, r.status_code
        html = m.medir("firmar GET", get, c, f"{base}/firmar/").content.decode()
        r = m.medir("firmar POST", c.post, f"{base}/firmar/", firmar_html(llave, cer, html))
        assert r.status_code == 302 and r["Location"].endswith("/registrada/"), r.content[:2000]

    medir_pdf(m, o.veces_pdf)

    return informar(m, o)


def informar(m: Medidor, o) -> int:
    resultado = m.tabla()
    resultado["razones PDF"] = razones_pdf(resultado)
    for etiqueta, perfil in m.perfiles.items():
        s = io.StringIO()
        pstats.Stats(perfil, stream=s).sort_stats("cumulative").print_stats(45)
        pstats.Stats(perfil, stream=s).sort_stats("tottime").print_stats(25)
        print(f"\n== cProfile (CPU): {etiqueta}\n{s.getvalue()}")
        if o.volcar:
            o.volcar.mkdir(parents=True, exist_ok=True)
            perfil.dump_stats(o.volcar / (re.sub(r"\W+", "_", etiqueta) + ".prof"))
    for etiqueta, sqls in m.consultas.items():
        print(f"\n== SQL: {etiqueta} ({len(sqls)})")
        for sql in sqls:
            print("  ", sql[:300])
    if o.json:
        o.json.write_text(json.dumps(resultado, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
