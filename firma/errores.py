"""FIEL error codes and the exception that carries them.

Each failure is a :class:`FielError` with a stable ``codigo`` (snake_case, for code and tests)
and a specific Spanish ``mensaje`` (for people). See :data:`CODIGOS` for the full list.
"""

from __future__ import annotations

# Stable error codes and their default messages. Some messages get details appended
# (dates, RFCs, the issuer's name); the code never changes.
CODIGOS: dict[str, str] = {
    "certificado_vacio": "El archivo del certificado (.cer) está vacío.",
    "certificado_demasiado_grande": "El archivo del certificado (.cer) es demasiado grande.",
    "certificado_mal_formado": (
        "El archivo del certificado (.cer) está dañado o incompleto; no es un certificado válido."
    ),
    "certificado_pem_incorrecto": (
        "El archivo del certificado es PEM pero no contiene un certificado "
        "(se esperaba «-----BEGIN CERTIFICATE-----»)."
    ),
    "certificado_es_llave": (
        "El archivo que envió como certificado (.cer) contiene una llave privada (.key); "
        "revise que no haya intercambiado los archivos."
    ),
    "certificado_sin_rfc": "El certificado no contiene un RFC; no es una e.firma del SAT.",
    "llave_vacia": "El archivo de la llave privada (.key) está vacío.",
    "llave_demasiado_grande": "El archivo de la llave privada (.key) es demasiado grande.",
    "llave_mal_formada": (
        "El archivo de la llave privada (.key) está dañado o incompleto; no es una llave válida."
    ),
    "llave_pem_incorrecta": (
        "El archivo de la llave privada es PEM pero no contiene una llave privada cifrada "
        "(se esperaba «-----BEGIN ENCRYPTED PRIVATE KEY-----»)."
    ),
    "llave_sin_cifrar": (
        "La llave privada no está protegida con contraseña; use el archivo .key cifrado que "
        "entrega el SAT."
    ),
    "llave_es_certificado": (
        "El archivo que envió como llave privada (.key) es un certificado (.cer); "
        "revise que no haya intercambiado los archivos."
    ),
    "llave_algoritmo_no_soportado": (
        "La llave privada está cifrada con un algoritmo no soportado."
    ),
    "llave_no_rsa": "La llave privada no es RSA; la e.firma del SAT usa llaves RSA.",
    "password_requerida": "Escriba la contraseña de la clave privada.",
    "password_incorrecta": "La contraseña de la clave privada no es válida.",
    "llave_no_corresponde": "El certificado no corresponde con la llave privada.",
    "certificado_vencido": "El certificado está vencido.",
    "certificado_aun_no_vigente": "El certificado aún no es vigente.",
    "emisor_no_confiable": (
        "El certificado no fue emitido por una autoridad certificadora reconocida."
    ),
    "certificado_es_csd": "El certificado es un CSD (sello digital), no una e.firma.",
    "certificado_de_autoridad": (
        "El certificado es de una autoridad certificadora, no de una persona; use el .cer de "
        "su e.firma."
    ),
    "rfc_no_coincide": "El RFC del certificado no corresponde con el RFC de la sesión.",
    "firma_requerida": (
        "No se recibió la firma. Para firmar se necesita JavaScript: actívelo, seleccione su "
        ".cer y su .key, escriba la contraseña y vuelva a intentar."
    ),
    "firma_mal_formada": "La firma recibida está dañada; vuelva a firmar.",
    "firma_invalida": (
        "La firma no corresponde con la cadena original emitida por la Ventanilla o con el "
        "certificado enviado; vuelva a firmar."
    ),
    "firma_reutilizada": (
        "Esta firma ya fue utilizada: cada cadena original se firma una sola vez. Vuelva a "
        "firmar la cadena que se muestra ahora."
    ),
    "reto_caducado": (
        "La cadena original que se firmó ya no es válida (caducó o ya se usó). Se generó una "
        "nueva; vuelva a firmar."
    ),
    "datos_cambiaron": (
        "Los datos de la solicitud cambiaron después de generar la cadena original; revise la "
        "cadena nueva y vuelva a firmar."
    ),
    "revocacion_no_disponible": (
        "No fue posible consultar al SAT si el certificado está revocado (servicio OCSP no "
        "disponible); intente más tarde."
    ),
    "certificado_revocado": "El certificado de la e.firma fue revocado por el SAT.",
    "certificado_desconocido": (
        "El servicio de revocación (OCSP) del SAT no reconoce este certificado; no se acepta."
    ),
    "verificacion_fallida": "No fue posible verificar el certificado; revise el archivo .cer.",
}


class FielError(Exception):
    """A FIEL problem the user can fix. ``codigo`` is stable; ``mensaje`` is Spanish."""

    def __init__(self, codigo: str, mensaje: str | None = None):
        self.codigo = codigo
        self.mensaje = mensaje or CODIGOS.get(codigo, "Error en la e.firma.")
        super().__init__(self.mensaje)

    def __repr__(self) -> str:
        return f"FielError({self.codigo!r}, {self.mensaje!r})"

    def as_dict(self) -> dict[str, str]:
        return {"codigo": self.codigo, "mensaje": self.mensaje}
