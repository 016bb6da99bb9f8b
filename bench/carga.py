"""Deadline-day benchmark (issue 8): ``make carga``.

Starts the production stack on 127.0.0.1 (gunicorn with sync workers, PostgreSQL, Redis and a
Celery worker; DEBUG off), seeds N companies that must file the RAOCE with FIELs of the demo
CA, and runs bounded loads against 127.0.0.1 only:

1. the floor: a trivial view (``/ping/``) anonymous and logged in;
2. each portal page (bandeja, catálogo, a wizard step GET and POST, acuses, verification);
3. signing alone: ``--firmas`` drafts filled beforehand, then ``--usuarios`` users POST only
   their signature (signed/s and p95 of that POST);
4. the deadline-day journey: log in with the FIEL, open the bandeja, fill the RAOCE wizard,
   sign it as the browser does (certificate + SHA256withRSA signature computed here, the key
   never sent), download the acuse;
5. the deadline jobs at scale (``bench.trabajos``) as ratios to one set-based UPDATE.

Prints a table and writes everything (p50/p95, requests/s, errors, ratios to the floor, job
ratios, the machine) to ``bench/resultados/carga-<fecha>.json``. Every phase has a duration
and the script stops its processes at the end.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # the load never leaves this machine
PY = sys.executable
NICE_WORKER = 10  # the Celery worker's niceness: requests first, PDFs when a core is idle


def ceder_cpu() -> None:
    """In the worker's child, after ``setsid``: lower its priority. With the kernel's
    autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``, on by default) each
    session is scheduled as one group and ``nice`` only orders processes *inside* a group, so
    the worker's own session got a fair share next to gunicorn's however nice it was (≈ 30 % of
    the CPU during the signing phase); the group's niceness is set in ``/proc/self/autogroup``
    (as ``CPUWeight=`` of a systemd unit or ``cpu_shares`` in compose do for a cgroup)."""
    os.nice(NICE_WORKER)
    try:
        Path("/proc/self/autogroup").write_text(str(NICE_WORKER))
    except OSError:  # no autogroup (kernel option or not Linux): nice alone then
        pass


# ------------------------------------------------------------------------------ HTTP client


class Navegador:
    """A keep-alive HTTP/1.1 client with cookies and Django's CSRF token, like one browser."""

    def __init__(self, puerto: int):
        self.puerto = puerto
        self.cookies: dict[str, str] = {}
        self._con: http.client.HTTPConnection | None = None
        self.ultimo_html = ""

    def _conexion(self) -> http.client.HTTPConnection:
        if self._con is None:
            self._con = http.client.HTTPConnection(HOST, self.puerto, timeout=120)
        return self._con

    def pedir(self, metodo: str, ruta: str, datos: dict | None = None, *, seguir=True):
        """One request (following redirects). Returns (status, body bytes, final path)."""
        for _ in range(6):
            cuerpo = urllib.parse.urlencode(datos or {}, doseq=True) if datos is not None else None
            cabeceras = {"Host": f"{HOST}:{self.puerto}", "Connection": "keep-alive"}
            if self.cookies:
                cabeceras["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if cuerpo is not None:
                cabeceras["Content-Type"] = "application/x-www-form-urlencoded"
                cabeceras["Referer"] = f"http://{HOST}:{self.puerto}{ruta}"
            try:
                con = self._conexion()
                con.request(metodo, ruta, body=cuerpo, headers=cabeceras)
                r = con.getresponse()
                contenido = r.read()
            except (http.client.HTTPException, OSError):
                self._con = None
                raise
            for valor in r.headers.get_all("Set-Cookie") or []:
                nombre, _, resto = valor.partition("=")
                self.cookies[nombre.strip()] = resto.split(";", 1)[0]
            if r.status in (301, 302, 303) and seguir:
                ruta = urllib.parse.urlsplit(r.headers["Location"]).path or "/"
                metodo, datos = "GET", None
                continue
            if r.headers.get("Content-Type", "").startswith("text/html"):
                self.ultimo_html = contenido.decode("utf-8", "replace")
            return r.status, contenido, ruta
        raise RuntimeError(f"demasiadas redirecciones en {ruta}")

    def csrf(self) -> str:
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.ultimo_html)
        return m.group(1) if m else self.cookies.get("csrftoken", "")

    def enviar(self, ruta: str, datos: dict, **kw):
        return self.pedir("POST", ruta, {"csrfmiddlewaretoken": self.csrf(), **datos}, **kw)


# ------------------------------------------------------------------------------ signing


class Firmante:
    """Signs what a page issued (``data-cadena``) as static/js/firma.js does."""

    def __init__(self, dir_carga: Path):
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        self._hashes, self._padding = hashes, padding
        self.llave = serialization.load_pem_private_key(
            (dir_carga / "llave.pem").read_bytes(), None
        )
        self.dir = dir_carga

    def datos(self, rfc: str, html: str) -> dict:
        m = re.search(r'data-cadena="([A-Za-z0-9+/=]*)"', html)
        if not m:
            raise RuntimeError("la página no emitió una cadena para firmar")
        cadena = base64.b64decode(m.group(1))
        firma = self.llave.sign(cadena, self._padding.PKCS1v15(), self._hashes.SHA256())
        cer = (self.dir / "cer" / f"{rfc}.cer").read_bytes()
        return {
            "certificado": base64.b64encode(cer).decode(),
            "firma": base64.b64encode(firma).decode(),
        }


# ------------------------------------------------------------------------------ measurement


class Medicion:
    def __init__(self):
        self.tiempos: dict[str, list[float]] = {}
        self.errores: dict[str, int] = {}
        self._lock = threading.Lock()

    def medir(self, etiqueta: str, fn, *a, esperado=(200,), **kw):
        inicio = time.perf_counter()
        try:
            status, cuerpo, ruta = fn(*a, **kw)
            ok = status in esperado
        except Exception:
            status, cuerpo, ruta, ok = 0, b"", "", False
        segundos = time.perf_counter() - inicio
        with self._lock:
            self.tiempos.setdefault(etiqueta, []).append(segundos)
            if not ok:
                self.errores[etiqueta] = self.errores.get(etiqueta, 0) + 1
        return status, cuerpo, ruta

    def resumen(self, etiqueta: str, duracion: float) -> dict:
        t = sorted(self.tiempos.get(etiqueta, []))
        if not t:
            return {"peticiones": 0, "errores": self.errores.get(etiqueta, 0)}
        return {
            "peticiones": len(t),
            "errores": self.errores.get(etiqueta, 0),
            "p50_ms": round(statistics.median(t) * 1000, 1),
            "p95_ms": round(t[min(len(t) - 1, int(len(t) * 0.95))] * 1000, 1),
            "por_segundo": round(len(t) / duracion, 1),
        }


def en_paralelo(hilos: int, duracion: float, trabajo, preparar=None):
    """Run ``trabajo(estado)`` in a loop in ``hilos`` threads for ``duracion`` seconds."""
    fin = time.monotonic() + duracion
    listo = threading.Barrier(hilos + 1)

    def hilo(i):
        estado = preparar(i) if preparar else None
        listo.wait()
        while time.monotonic() < fin:
            if trabajo(estado) is False:
                break

    ts = [threading.Thread(target=hilo, args=(i,), daemon=True) for i in range(hilos)]
    for t in ts:
        t.start()
    listo.wait()
    inicio = time.monotonic()
    for t in ts:
        t.join(duracion + 180)
    return time.monotonic() - inicio


# ------------------------------------------------------------------------------ the stack


class Pila:
    """gunicorn + Celery worker with the benchmark settings; stopped on exit."""

    def __init__(self, puerto: int, entorno: dict, workers: int):
        self.puerto, self.entorno, self.workers = puerto, entorno, workers
        self.procesos: list[subprocess.Popen] = []

    def manage(self, *args):
        subprocess.run([PY, "manage.py", *args], cwd=RAIZ, env=self.entorno, check=True)

    def arrancar(self, bitacora: Path):
        salida = bitacora.open("ab")
        self.procesos.append(
            subprocess.Popen(
                [
                    PY,
                    "-m",
                    "gunicorn",
                    "vucem.wsgi",
                    "-b",
                    f"{HOST}:{self.puerto}",
                    "-w",
                    str(self.workers),
                    "--timeout",
                    "120",
                    "--log-level",
                    "warning",
                ],
                cwd=RAIZ,
                env=self.entorno,
                stdout=salida,
                stderr=salida,
                start_new_session=True,
            )
        )
        self.procesos.append(
            subprocess.Popen(
                [
                    PY,
                    "-m",
                    "celery",
                    "-A",
                    "vucem",
                    "worker",
                    "-l",
                    "warning",
                    "-c",
                    "1",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=RAIZ,
                env=self.entorno,
                stdout=salida,
                stderr=salida,
                start_new_session=True,
                # As in production (README, «Despliegue»): the worker yields the cores to the
                # requests; on the peak the PDFs queue and are made as soon as a core is idle.
                preexec_fn=ceder_cpu,
            )
        )
        for _ in range(120):
            try:
                if Navegador(self.puerto).pedir("GET", "/ping/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            raise RuntimeError(f"gunicorn no respondió; vea {bitacora}")
        # The worker, at its low priority, must have finished starting before the first
        # phase is timed (its start-up is CPU the phase would pay for).
        for _ in range(30):
            ping = subprocess.run(
                [PY, "-m", "celery", "-A", "vucem", "inspect", "ping", "--timeout", "2"],
                cwd=RAIZ,
                env=self.entorno,
                capture_output=True,
            )
            if ping.returncode == 0:
                return
            time.sleep(1)
        raise RuntimeError(f"el worker de Celery no respondió; vea {bitacora}")

    def detener(self):
        for p in self.procesos:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in self.procesos:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def entorno_carga(bd: str, redis_bd: int, dir_carga: Path) -> dict:
    entorno = dict(os.environ)
    entorno.update(
        DJANGO_SETTINGS_MODULE="bench.settings_carga",
        DJANGO_DEBUG="False",
        DJANGO_SECRET_KEY=entorno.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"postgres://postgres@{HOST}:5432/{bd}",
        REDIS_URL=f"redis://{HOST}:6379/{redis_bd}",
        CELERY_BROKER_URL=f"redis://{HOST}:6379/{redis_bd}",
        CELERY_RESULT_BACKEND=f"redis://{HOST}:6379/{redis_bd}",
        CELERY_TASK_ALWAYS_EAGER="False",
        EMAIL_URL="dummymail://",
        # the page's cost is measured, not its per-address limit (30/m in production)
        RATELIMIT_VERIFICACION="1000000/m",
        # plain HTTP on 127.0.0.1: no HTTPS redirect, cookies without the secure flag
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_SECURE_PROXY_SSL_HEADER="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        DJANGO_SECURE_HSTS_SECONDS="0",
        # FIELs of the demo CA (no OCSP responder on this machine: revocation not consulted)
        FIEL_CONFIAR_AC_DEMO="True",
        FIEL_REVOCACION="no-consultar",
        STATIC_ROOT=str(dir_carga / "static"),
        MEDIA_ROOT=str(dir_carga / "media"),
        FIEL_DEMO_DIR=str(dir_carga / "fiel-demo"),
        VENTANILLA_SELLO_CER=str(dir_carga / "fiel-demo" / "ventanilla" / "sello.cer"),
        VENTANILLA_SELLO_KEY=str(dir_carga / "fiel-demo" / "ventanilla" / "sello.key"),
        PYTHONPATH=str(RAIZ),
    )
    return entorno


def crear_bd(bd: str, redis_bd: int = 6) -> None:
    subprocess.run(["dropdb", "-h", HOST, "-U", "postgres", "--if-exists", bd], check=True)
    subprocess.run(["createdb", "-h", HOST, "-U", "postgres", bd], check=True)
    subprocess.run(
        ["redis-cli", "-h", HOST, "-n", str(redis_bd), "flushdb"], check=False, capture_output=True
    )


# ------------------------------------------------------------------------------ journeys


def entrar_con_fiel(nav: Navegador, firmante: Firmante, rfc: str, m: Medicion) -> bool:
    m.medir("ingresar GET", nav.pedir, "GET", "/ingresar/")
    datos = firmante.datos(rfc, nav.ultimo_html)
    status, _, ruta = m.medir("ingresar FIEL POST", nav.enviar, "/ingresar/", datos)
    return status == 200 and not ruta.startswith("/ingresar/")


def llenar_reporte(nav, m: Medicion, vucem_id: int) -> str | None:
    """The RAOCE wizard up to its signing page; the draft's base path, or None."""
    m.medir("iniciar RAOCE", nav.pedir, "GET", f"/tramites/iniciar/{vucem_id}/")
    m.medir("paso solicitante POST", nav.enviar, f"/tramites/iniciar/{vucem_id}/", {})
    mt = re.search(r"/tramites/solicitud/(\d{9})/", nav.ultimo_html)
    if not mt:
        return None
    temporal = mt.group(1)
    base = f"/tramites/solicitud/{temporal}"
    programas = f"{base}/paso/programas/"
    m.medir("paso programas GET", nav.pedir, "GET", programas)
    grupo = re.search(r'name="grupo" value="([^"]+)"', nav.ultimo_html)
    if not grupo:
        return None
    m.medir("paso programas POST", nav.enviar, programas, {"grupo": grupo.group(1)})
    m.medir(
        "paso datos POST",
        nav.enviar,
        f"{base}/paso/datos/",
        {
            "accion": "continuar",
            "ventas_totales": "125000",
            "total_exportaciones": "98000",
            "total_importaciones": "64000",
        },
    )
    m.medir("firmar GET", nav.pedir, "GET", f"{base}/firmar/")
    return base


def reporte_anual(nav, firmante, rfc, m: Medicion, vucem_id: int) -> bool:
    """The RAOCE wizard as a company fills it on deadline day, signed, acuse downloaded."""
    m.medir("bandeja", nav.pedir, "GET", "/")
    base = llenar_reporte(nav, m, vucem_id)
    if base is None:
        return False
    datos = firmante.datos(rfc, nav.ultimo_html)
    status, _, ruta = m.medir("firmar POST", nav.enviar, f"{base}/firmar/", datos)
    if not ruta.endswith("/registrada/"):
        with m._lock:
            m.errores["firmar POST"] = m.errores.get("firmar POST", 0) + 1
        return False
    m.medir("acuses lista", nav.pedir, "GET", "/acuses/")
    doc = re.search(r'href="(/acuses/\d+/descargar/)"', nav.ultimo_html)
    if doc:
        descargar_acuse(nav, m, doc.group(1))
    return True


def descargar_acuse(nav: Navegador, m: Medicion, ruta: str) -> None:
    """As the browser does: while the worker makes the PDF the page answers 202 and reloads
    itself after ``Retry-After`` seconds. "acuse PDF" is each request; "acuse listo" the wait
    from the first request to the PDF's bytes."""
    inicio = time.perf_counter()
    for _ in range(120):
        status, _, _ = m.medir("acuse PDF", nav.pedir, "GET", ruta, esperado=(200, 202))
        if status != 202:
            break
        time.sleep(2)
    with m._lock:
        m.tiempos.setdefault("acuse listo", []).append(time.perf_counter() - inicio)
        if status != 200:
            m.errores["acuse listo"] = m.errores.get("acuse listo", 0) + 1


# ------------------------------------------------------------------------------ main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--empresas", type=int, default=600)
    ap.add_argument("--usuarios", type=int, default=20, help="concurrent companies signing")
    ap.add_argument("--concurrencia", type=int, default=10, help="for the page phases")
    ap.add_argument("--duracion", type=float, default=20, help="seconds per phase")
    ap.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    ap.add_argument("--puerto", type=int, default=8765)
    ap.add_argument("--bd", default="ventanilla_carga")
    ap.add_argument("--redis", type=int, default=6, help="Redis DB (flushed at the start)")
    ap.add_argument("--programas", type=int, default=100_000, help="rows for the job timings")
    ap.add_argument("--borradores", type=int, default=20_000)
    ap.add_argument("--sin-trabajos", action="store_true")
    ap.add_argument(
        "--firmas", type=int, default=300, help="drafts signed in the signing-alone phase (0: skip)"
    )
    ap.add_argument("--salida", type=Path)
    o = ap.parse_args()

    dir_carga = RAIZ / "var" / "carga"
    entorno = entorno_carga(o.bd, o.redis, dir_carga)
    pila = Pila(o.puerto, entorno, o.workers)
    print(f"== Preparando {o.bd} con {o.empresas} empresas …", flush=True)
    crear_bd(o.bd, o.redis)
    pila.manage("migrate", "--noinput", "-v0")
    pila.manage("collectstatic", "--noinput", "-v0")
    subprocess.run(
        [PY, "-m", "bench.sembrar", "--empresas", str(o.empresas), "--dir", str(dir_carga)],
        cwd=RAIZ,
        env=entorno,
        check=True,
    )
    empresas = json.loads((dir_carga / "empresas.json").read_text())
    firmante = Firmante(dir_carga)
    resultados: dict = {"fases": {}}
    pila.arrancar(dir_carga / "servidor.log")
    try:
        m = Medicion()
        disponibles = list(empresas)
        lock = threading.Lock()

        def tomar():
            with lock:
                return disponibles.pop() if disponibles else None

        # -- 1. floor -------------------------------------------------------------------
        def sesion(i):
            nav = Navegador(o.puerto)
            entrar_con_fiel(nav, firmante, empresas[-1 - i], Medicion())
            return nav

        d = en_paralelo(
            o.concurrencia,
            o.duracion,
            lambda n: m.medir("ping anónimo", n.pedir, "GET", "/ping/"),
            lambda i: Navegador(o.puerto),
        )
        resultados["fases"]["ping anónimo"] = m.resumen("ping anónimo", d)
        d = en_paralelo(
            o.concurrencia,
            o.duracion,
            lambda n: m.medir("ping con sesión", n.pedir, "GET", "/ping/"),
            sesion,
        )
        resultados["fases"]["ping con sesión"] = m.resumen("ping con sesión", d)

        # -- 2. pages ---------------------------------------------------------------------
        paginas = {
            "bandeja": "/",
            "catálogo": "/tramites/",
            "acuses y resoluciones": "/acuses/",
            "verificación": "/acuses/verificar/?folio=0201500100220260101000001&codigo=ZZZZZZZZZZZZ",
        }
        for nombre, ruta in paginas.items():
            d = en_paralelo(
                o.concurrencia,
                o.duracion,
                lambda n, r=ruta, e=nombre: m.medir(e, n.pedir, "GET", r),
                sesion,
            )
            resultados["fases"][nombre] = m.resumen(nombre, d)
        vucem_id = 150102

        def asistente(i):
            nav = sesion(i)
            nav.pedir("GET", f"/tramites/iniciar/{vucem_id}/")
            nav.enviar(f"/tramites/iniciar/{vucem_id}/", {})
            mt = re.search(r"/tramites/solicitud/(\d{9})/", nav.ultimo_html)
            return nav, f"/tramites/solicitud/{mt.group(1)}/paso/programas/" if mt else "/"

        def paso_get_post(estado):
            nav, ruta = estado
            m.medir("asistente GET", nav.pedir, "GET", ruta)
            grupo = re.search(r'name="grupo" value="([^"]+)"', nav.ultimo_html)
            m.medir(
                "asistente POST",
                nav.enviar,
                ruta,
                {"grupo": grupo.group(1) if grupo else ""},
                seguir=False,
                esperado=(302,),
            )

        d = en_paralelo(o.concurrencia, o.duracion, paso_get_post, asistente)
        for e in ("asistente GET", "asistente POST"):
            resultados["fases"][e] = m.resumen(e, d)

        # -- 2b. signing alone: drafts filled beforehand (up to their signing page), then
        # ``--usuarios`` users POST only their signature; signed/s = signatures / elapsed.
        if o.firmas:
            listos: list = []

            def preparar_firma(_):
                rfc = tomar()
                if rfc is None:
                    return False
                nav = Navegador(o.puerto)
                if entrar_con_fiel(nav, firmante, rfc, Medicion()):
                    base = llenar_reporte(nav, Medicion(), vucem_id)
                    if base is not None:
                        with lock:
                            listos.append((nav, base, firmante.datos(rfc, nav.ultimo_html)))
                            return len(listos) < o.firmas
                return None

            en_paralelo(o.concurrencia, 1800, preparar_firma)
            mf = Medicion()

            def solo_firmar(_):
                with lock:
                    item = listos.pop() if listos else None
                if item is None:
                    return False
                nav, base, datos = item
                mf.medir(
                    "firma sola POST",
                    nav.enviar,
                    f"{base}/firmar/",
                    datos,
                    seguir=False,
                    esperado=(302,),  # signed: redirect to the acuse page (errors: 200)
                )

            d = en_paralelo(o.usuarios, 1800, solo_firmar)
            fase = mf.resumen("firma sola POST", d)
            resultados["fases"]["firma sola POST"] = fase
            firmadas = fase.get("peticiones", 0) - fase.get("errores", 0)
            resultados["firma sola"] = {
                "usuarios": o.usuarios,
                "firmas": firmadas,
                "firmados por segundo": round(firmadas / d, 1),
                "p50_ms": fase.get("p50_ms"),
                "p95_ms": fase.get("p95_ms"),
            }

        # -- 3. deadline-day journey ------------------------------------------------------
        mj = Medicion()
        completos = []

        def jornada(_):
            rfc = tomar()
            if rfc is None:
                return False
            nav = Navegador(o.puerto)
            if entrar_con_fiel(nav, firmante, rfc, mj) and reporte_anual(
                nav, firmante, rfc, mj, vucem_id
            ):
                completos.append(rfc)

        d = en_paralelo(o.usuarios, o.duracion * 3, jornada)
        resultados["jornada"] = {e: mj.resumen(e, d) for e in sorted(mj.tiempos)}
        resultados["jornada"]["reportes firmados"] = len(completos)
        resultados["jornada"]["firmados por segundo"] = round(len(completos) / d, 2)
    finally:
        pila.detener()

    piso = resultados["fases"]["ping con sesión"]["p50_ms"]
    anon = resultados["fases"]["ping anónimo"]
    resultados["razones"] = {
        "con sesión / anónimo (peticiones/s)": round(
            anon["por_segundo"] / max(resultados["fases"]["ping con sesión"]["por_segundo"], 0.1), 2
        ),
        **{
            f"{k} / piso (p50)": round(v["p50_ms"] / piso, 2)
            for k, v in resultados["fases"].items()
            if "p50_ms" in v and not k.startswith("ping")
        },
    }
    if not o.sin_trabajos:
        salida = subprocess.run(
            [
                PY,
                "-m",
                "bench.trabajos",
                "--programas",
                str(o.programas),
                "--borradores",
                str(o.borradores),
            ],
            cwd=RAIZ,
            env=entorno,
            check=True,
            capture_output=True,
            text=True,
        )
        resultados["trabajos"] = json.loads(salida.stdout.strip().splitlines()[-1])
    resultados["maquina"] = {
        "nucleos": os.cpu_count(),
        "python": platform.python_version(),
        "sistema": platform.platform(),
        "cpu": _cpu(),
        "gunicorn_workers": o.workers,
        "fecha": dt.datetime.now().isoformat(timespec="seconds"),
        "parametros": {k: str(v) for k, v in vars(o).items()},
    }
    destino = o.salida or RAIZ / "bench" / "resultados" / f"carga-{dt.date.today():%Y%m%d}.json"
    destino.parent.mkdir(parents=True, exist_ok=True)
    destino.write_text(json.dumps(resultados, ensure_ascii=False, indent=2))
    imprimir(resultados)
    print(f"\nResultados en {destino}")
    return 0


def _cpu() -> str:
    try:
        for linea in Path("/proc/cpuinfo").read_text().splitlines():
            if linea.startswith("model name"):
                return linea.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def imprimir(r: dict) -> None:
    print(f"\n{'fase':32} {'pet.':>6} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} {'pet/s':>7}")
    for grupo in ("fases", "jornada"):
        for k, v in r.get(grupo, {}).items():
            if isinstance(v, dict) and v.get("peticiones"):
                print(
                    f"{k:32} {v['peticiones']:>6} {v['errores']:>4} {v['p50_ms']:>8} {v['p95_ms']:>8} {v['por_segundo']:>7}"
                )
    print()
    for k, v in r.get("razones", {}).items():
        print(f"{k:48} {v}")
    for k, v in r.get("trabajos", {}).items():
        print(f"{k:48} {v}")
    if f := r.get("firma sola"):
        print(
            f"{'firma sola (' + str(f['usuarios']) + ' usuarios)':48} {f['firmas']} firmas, "
            f"{f['firmados por segundo']}/s, p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms"
        )
    j = r.get("jornada", {})
    print(
        f"{'reportes firmados':48} {j.get('reportes firmados')} ({j.get('firmados por segundo')}/s)"
    )


if __name__ == "__main__":
    sys.exit(main())
