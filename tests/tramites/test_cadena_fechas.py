"""Issue 9 item 15: dates read DD/MM/YYYY everywhere, including the cadena original the
browser signs (tramites.services.emision_cadena) and the cadenas the Ventanilla seals."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from firma.cadena import construir_cadena, texto_campo
from tests.firmas import firmar_en
from tramites import services
from tramites.models import Solicitud

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_texto_campo_fechas_dd_mm_aaaa():
    assert texto_campo(dt.date(2026, 3, 2)) == "02/03/2026"
    utc = dt.datetime(2026, 3, 2, 16, 45, 7, tzinfo=zoneinfo.ZoneInfo("UTC"))
    assert texto_campo(utc) == "02/03/2026 10:45:07"  # Mexico City
    assert texto_campo(dt.datetime(2026, 3, 2, 8, 5)) == "02/03/2026 08:05:00"  # naive: as is
    assert texto_campo(None) == "" and texto_campo("2026-03-02") == "2026-03-02"  # text kept
    assert construir_cadena([("a", dt.date(2026, 12, 31)), ("b", 5)]) == "|31/12/2026|5||"


def test_emision_de_la_cadena_dd_mm_aaaa(monkeypatch):
    momento = dt.datetime(2026, 1, 9, 18, 30, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))
    monkeypatch.setattr(timezone, "now", lambda: momento)
    emitida = services.emision_cadena()
    assert re.fullmatch(r"09/01/2026 12:30:01 [0-9A-F]{8}", emitida), emitida


@pytest.mark.django_db
def test_cadena_firmada_en_la_pagina_sin_fechas_iso(cliente, tramite_prueba, credencial_factory):
    """Through the signing page: the browser signs the cadena the server hands it."""
    cliente.post(reverse("tramites:iniciar", args=[tramite_prueba.vucem_id]))
    s = Solicitud.objects.get()
    cliente.post(
        reverse("tramites:paso", args=[s.numero_temporal, "datos"]),
        {"descripcion": "Avena", "cantidad": "12.5"},
    )
    p = s.solicitante
    cred = credencial_factory(rfc=p.rfc, nombre=p.nombre, rfc_representante="VADA800927DJ3")
    r = firmar_en(cliente, reverse("tramites:firmar", args=[s.numero_temporal]), cred)
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.cadena_original and not ISO.search(s.cadena_original), s.cadena_original
    assert re.search(r"\|\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2} [0-9A-F]{8}\|", s.cadena_original)
