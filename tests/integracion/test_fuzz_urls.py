"""Issue 11, item 4: no input of any kind answers 500 (fuzz over the whole URLconf).

On the demo data (``cargar_demo``) plus one draft of every procedure, for each role (anonymous,
solicitante with FIEL, capturista privado, dictaminador, nivel central):

* every URL pattern of the URLconf (the admin, Django's own, aside) with fuzzed path ids:
  zero, huge numbers, unicode, NUL, 2,000 characters, path tricks; GET and an empty POST;
* every page reachable by following the links of each role's pages (real ids), fetched
  with fuzzed query strings on the names of its GET forms plus common ones (``next``,
  ``folio``, ``page``...), and every POST form on it submitted once per fuzzed value (NUL,
  huge, unicode, malformed numbers and dates...) in every text field, with each of its
  submit buttons in turn, and fuzzed file names/contents in its file fields; each form is
  also submitted as shown (its own values) and the page it leads to is crawled too, so the
  wizards are entered past their first step. Forms that discard a draft or log out go last.

Any response of 500 or more fails the test (``/salud/`` may answer 503: a failed health
check is its job). The count of requests and 500s is printed in the terminal summary (see
``pytest_terminal_summary`` in tests/conftest.py), so it shows in the CI log.

Runs on PostgreSQL (marker ``postgres``), where NUL bytes and out-of-range integers used to
raise DataError. Each request runs in a savepoint, rolled back after a 500, so one error does
not poison the test's transaction and hide the next ones.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import traceback
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

VALORES = [
    "\x00",
    "a\x00b",
    "x" * 20000,
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "1,2.3.4",
    "１２３",  # fullwidth digits
    "0x1F",
    "2024-02-30",
    "31/31/2031",
    "99999-12-31",
    "ñÑ¿¡ — 漢字 🚀 \u202e",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "",
    " ",
]
IDS = {
    "int": ["0", "99999999999999999999", "2147483648", "9223372036854775808"],
    "str": ["x", "%00", "a%00b", "ñ", "x" * 2000, "0" * 25, "9" * 40, "..", "%20", "-1"],
    "slug": ["x", "a-" * 800, "0", "-"],
}
CONSULTAS = ["next", "folio", "codigo", "q", "page", "expirada", "metodo", "format", "id"]
MAX_PAGINAS_POR_ROL = 40


class Formularios(HTMLParser):
    """Forms of a page: method, action, fields (name, type, value) and submit buttons."""

    def __init__(self):
        super().__init__()
        self.formularios: list[dict] = []
        self.enlaces: list[str] = []
        self._actual: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.enlaces.append(a["href"])
        elif tag == "form":
            self._actual = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "campos": [],
                "botones": [],
            }
            self.formularios.append(self._actual)
        elif self._actual is not None and tag in ("input", "select", "textarea", "button"):
            nombre = a.get("name")
            tipo = (a.get("type") or ("submit" if tag == "button" else tag)).lower()
            if not nombre:
                return
            if tipo == "submit":
                self._actual["botones"].append((nombre, a.get("value") or ""))
            else:
                self._actual["campos"].append((nombre, tipo, a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._actual = None


class Fuzz:
    def __init__(self):
        self.peticiones = 0
        self.paginas = 0
        self.formularios = 0
        self.errores: list[str] = []
        self._excepcion = ""
        got_request_exception.connect(self._al_fallar, weak=False)

    def _al_fallar(self, sender, request=None, **kwargs):
        self._excepcion = traceback.format_exc(limit=-6)

    def cerrar(self):
        got_request_exception.disconnect(self._al_fallar)

    def pedir(self, client, rol, metodo, ruta, datos=None):
        self.peticiones += 1
        self._excepcion = ""
        punto = transaction.savepoint()
        try:
            if metodo == "get":
                r = client.get(ruta, datos or {})
            else:
                r = client.post(ruta, datos or {})
        finally:
            if connection.needs_rollback or self._excepcion:
                transaction.savepoint_rollback(punto)
                transaction.set_rollback(False)
            else:
                transaction.savepoint_commit(punto)
        if r.status_code >= 500 and not (r.status_code == 503 and ruta.startswith("/salud/")):
            resumen = {k: (str(v)[:40] if not hasattr(v, "name") else f"<archivo {v.name[:40]!r}>")
                       for k, v in (datos or {}).items()}  # fmt: skip
            self.errores.append(
                f"[{rol}] {metodo.upper()} {ruta[:200]} {resumen} -> {r.status_code}\n"
                f"{self._excepcion[-1500:]}"
            )
        return r


def _patrones(resolver=None, prefijo=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin"):
                continue  # Django's admin: its own code and tests
            yield from _patrones(p, prefijo + str(p.pattern))
        elif isinstance(p, URLPattern) and not str(p.pattern).startswith("^static"):
            yield prefijo + str(p.pattern)


def _rutas_con_ids(patron: str) -> list[str]:
    partes = re.split(r"(<[^>]+>)", patron)
    opciones = []
    for parte in partes:
        m = re.fullmatch(r"<(?:(\w+):)?(\w+)>", parte)
        if m:
            opciones.append(IDS.get(m.group(1) or "str", IDS["str"]))
        else:
            opciones.append([parte])
    combinaciones = list(itertools.product(*opciones))
    if len(combinaciones) > 12:  # two ids: pair them up instead of the full product
        combinaciones = combinaciones[:: max(1, len(combinaciones) // 12)]
    return ["/" + "".join(c) for c in combinaciones]


def _clientes():
    """(rol, function that (re)opens the role's session on a client)."""
    from tests.soporte.personas import (
        crear_capturista,
        entrar_como_capturista,
        entrar_como_solicitante,
        entrar_como_staff,
    )
    from vucem.models import Capturista, Persona, Rol, User

    moral = Persona.objects.filter(tipo="moral", usuario__isnull=False).order_by("pk").first()
    solicitante = moral.usuario
    capturista = (
        Capturista.objects.filter(solicitante=moral, activo=True).values_list("usuario", flat=True)
    ).first()
    capturista = (
        User.objects.get(pk=capturista) if capturista else crear_capturista(moral, "fuzz.captura")
    )
    dictaminador = User.objects.filter(groups__name=Rol.DICTAMINADOR).first()
    central = User.objects.filter(groups__name=Rol.NIVEL_CENTRAL).first()
    return [
        ("anonimo", lambda c: c.logout()),
        ("solicitante", lambda c: entrar_como_solicitante(c, solicitante)),
        ("capturista", lambda c: entrar_como_capturista(c, capturista, moral)),
        ("dictaminador", lambda c: entrar_como_staff(c, dictaminador, Rol.DICTAMINADOR)),
        ("nivel_central", lambda c: entrar_como_staff(c, central, Rol.NIVEL_CENTRAL)),
    ], solicitante


def _borradores(client, entrar):
    """One draft of every procedure with a wizard (its pages have the richest forms): the URL
    of each of its steps and of its signing page."""
    from tramites.models import Solicitud, Tramite
    from tramites.wizard import obtener_asistente, tiene_asistente

    entrar(client)
    rutas = []
    for tramite in Tramite.objects.all():
        if not tiene_asistente(tramite):
            continue
        antes = set(Solicitud.objects.values_list("pk", flat=True))
        client.post(f"/tramites/iniciar/{tramite.vucem_id}/")
        for s in Solicitud.objects.exclude(pk__in=antes):
            base = f"/tramites/solicitud/{s.numero_temporal}/"
            pasos = [f"{base}paso/{p.slug}/" for p in obtener_asistente(tramite).pasos]
            rutas += [base, *pasos, f"{base}firmar/"]
    return rutas


def _interna(href: str) -> str | None:
    partes = urlsplit(href)
    if partes.scheme or partes.netloc or not partes.path.startswith("/"):
        return None
    if partes.path.startswith(("/static/", "/admin/", "/media/")):
        return None
    return partes.path + (f"?{partes.query}" if partes.query else "")


def _valor_archivo(valor: str) -> SimpleUploadedFile:
    return SimpleUploadedFile((valor or "vacio")[:200] + ".cer", valor.encode("utf-8", "replace"))


def _fuzz_pagina(fuzz, client, rol, entrar, ruta, html, diferidos):
    """Fuzz the page's query string and POST forms. Returns the pages its forms lead to when
    submitted as shown (their original values), so the crawl goes deeper into the wizards.
    Forms that discard the draft are left in ``diferidos`` for the end."""
    siguientes = []
    parser = Formularios()
    parser.feed(html)
    nombres_get = {n for f in parser.formularios if f["method"] == "get" for n, *_ in f["campos"]}
    for valor in VALORES:
        entrar(client)
        fuzz.pedir(
            client,
            rol,
            "get",
            ruta.split("?")[0],
            dict.fromkeys(nombres_get | set(CONSULTAS), valor),
        )
    vistos = set()
    for form in parser.formularios:
        if form["method"] != "post":
            continue
        destino = _interna(form["action"] or ruta) or ruta
        clave = (destino, tuple(sorted(n for n, *_ in form["campos"])))
        if clave in vistos:
            continue
        if destino.endswith("/descartar/") or destino.startswith("/salir"):
            diferidos.append((rol, entrar, destino, form))
            continue
        vistos.add(clave)
        fuzz.formularios += 1
        botones = form["botones"] or [(None, None)]
        for valor, (boton, valor_boton) in zip(VALORES, itertools.cycle(botones)):
            datos = {}
            for nombre, tipo, original in form["campos"]:
                if nombre == "csrfmiddlewaretoken":
                    continue
                if tipo == "file":
                    datos[nombre] = _valor_archivo(valor)
                elif tipo in ("checkbox", "radio") and original:
                    datos[nombre] = valor if len(valor) < 5 else original
                else:
                    datos[nombre] = valor
            if boton:
                datos[boton] = valor_boton
            entrar(client)
            fuzz.pedir(client, rol, "post", destino, datos)
        for boton, valor_boton in botones:
            datos = {n: v for n, t, v in form["campos"] if t not in ("file", "checkbox", "radio")}
            if boton:
                datos[boton] = valor_boton
            entrar(client)
            r = fuzz.pedir(client, rol, "post", destino, datos)
            if r.status_code in (302, 303) and (siguiente := _interna(r["Location"])):
                siguientes.append(siguiente)
    return siguientes


def _fuzz_diferidos(fuzz, client, diferidos):
    for rol, entrar, destino, form in diferidos:
        for valor in VALORES[:4]:
            entrar(client)
            fuzz.pedir(client, rol, "post", destino, {n: valor for n, *_ in form["campos"]})


def test_ninguna_entrada_produce_un_500(request, tmp_path, settings, fiel_ca):
    from django.core.management import call_command

    settings.RATELIMIT_VERIFICACION = "100000/m"
    settings.AXES_ENABLED = False  # thousands of failed logins are the point here
    # RAOCE filing window open, so its wizard is offered (issue 9 item 7: no draft otherwise)
    settings.RAOCE_FECHA_SIMULADA = dt.date(timezone.localdate().year, 5, 15)
    call_command("cargar_demo", "--fiel-dir", str(tmp_path / "fiel-demo"), stdout=io.StringIO())
    settings.FIEL_CA_DIR = f"{settings.FIEL_CA_DIR}:{tmp_path / 'fiel-demo' / 'ca'}"

    fuzz = Fuzz()
    client = Client(raise_request_exception=False)
    roles, _ = _clientes()
    try:
        # 1. Every pattern with fuzzed ids, GET and an empty POST, for every role.
        for patron in _patrones():
            for ruta in _rutas_con_ids(patron):
                for rol, entrar in roles:
                    entrar(client)
                    fuzz.pedir(client, rol, "get", ruta)
                    entrar(client)
                    fuzz.pedir(client, rol, "post", ruta, {"x": "\x00"})

        # 2. Crawl each role's pages (real ids) and fuzz their query strings and forms.
        semillas = ["/", "/tramites/", "/cupos/consulta/", "/cupos/dictamen/", "/acuses/",
                    "/acuses/verificar/", "/usuarios/capturistas/", "/ingresar/", "/ingresar/rol/"]  # fmt: skip
        borradores = _borradores(client, roles[1][1])
        diferidos: list = []
        for rol, entrar in roles:
            pendientes = list(semillas) + (
                borradores if rol in ("solicitante", "capturista") else []
            )
            visitadas: set[str] = set()
            while pendientes and len(visitadas) < MAX_PAGINAS_POR_ROL:
                ruta = pendientes.pop(0)
                if ruta in visitadas:
                    continue
                visitadas.add(ruta)
                entrar(client)
                r = fuzz.pedir(client, rol, "get", ruta)
                if r.status_code in (301, 302, 303) and (destino := _interna(r["Location"])):
                    if destino not in visitadas:
                        pendientes.insert(0, destino)
                    continue
                if r.status_code != 200 or "html" not in r.get("Content-Type", ""):
                    continue
                html = r.content.decode("utf-8", "replace")
                fuzz.paginas += 1
                parser = Formularios()
                parser.feed(html)
                for href in parser.enlaces:
                    interna = _interna(href)
                    if interna and interna not in visitadas and not interna.startswith("/salir"):
                        pendientes.append(interna)
                for siguiente in _fuzz_pagina(fuzz, client, rol, entrar, ruta, html, diferidos):
                    if siguiente not in visitadas:
                        pendientes.insert(0, siguiente)
        _fuzz_diferidos(fuzz, client, diferidos)
    finally:
        fuzz.cerrar()
        # Printed by pytest_terminal_summary (tests/conftest.py), whatever -s says.
        request.config.fuzz_urls = {
            "peticiones": fuzz.peticiones,
            "errores": len(fuzz.errores),
            "paginas": fuzz.paginas,
            "formularios": fuzz.formularios,
        }
    assert fuzz.peticiones > 1000
    assert not fuzz.errores, (
        f"{len(fuzz.errores)} respuesta(s) 500 de {fuzz.peticiones} peticiones:\n\n"
        + "\n".join(fuzz.errores[:15])
    )
