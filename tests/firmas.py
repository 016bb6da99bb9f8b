"""Signing a draft in tests exactly as the browser does (static/js/firma.js), without a page.

The Ventanilla issues the cadena original; the test signs it with the credential's key in
Python (SHA256withRSA, like node-forge) and hands the service certificate + signature only.
"""

import base64

from firma.testing import firma_navegador
from tramites import services


def firmar_como_navegador(solicitud, cred, *, usuario, rfc_sesion=None, cer=None):
    emitida = services.emision_cadena()
    cadena = services.cadena_para_firma(solicitud, emitida)
    datos = firma_navegador(cred, cadena, cer=cer)
    return services.firmar_solicitud(
        solicitud,
        certificado=base64.b64decode(datos["certificado"]),
        firma=datos["firma"],
        cadena=cadena,
        emitida=emitida,
        usuario=usuario,
        rfc_sesion=rfc_sesion,
    )
