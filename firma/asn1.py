"""A minimal DER reader.

Only what the firma app needs: walking a certificate's TBS to read the issuer and subject
names (SAT encodes some names as T61String with Latin-1 bytes, which ``cryptography`` refuses
to decode), and sniffing what kind of structure a file holds (certificate, encrypted or plain
private key) so each mistake gets its own message. It never does cryptography.
"""

from __future__ import annotations

from dataclasses import dataclass

TAG_INTEGER = 0x02
TAG_BIT_STRING = 0x03
TAG_OCTET_STRING = 0x04
TAG_OID = 0x06
TAG_UTF8 = 0x0C
TAG_PRINTABLE = 0x13
TAG_T61 = 0x14
TAG_IA5 = 0x16
TAG_UNIVERSAL = 0x1C
TAG_BMP = 0x1E
TAG_SEQUENCE = 0x30
TAG_SET = 0x31
TAG_CONTEXT_0 = 0xA0


class DerError(ValueError):
    """The bytes are not well-formed DER."""


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes
    raw: bytes  # the whole TLV (tag + length + value)

    def children(self) -> list[Tlv]:
        return leer_todos(self.value)


def leer_tlv(data: bytes, pos: int = 0) -> tuple[Tlv, int]:
    """Read one TLV at ``pos``; return it and the position right after it."""
    if pos + 2 > len(data):
        raise DerError("datos incompletos")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DerError("etiquetas de varios bytes no soportadas")
    largo = data[pos + 1]
    inicio = pos + 2
    if largo & 0x80:
        n = largo & 0x7F
        if n == 0 or n > 4:
            raise DerError("longitud no soportada")
        if inicio + n > len(data):
            raise DerError("datos incompletos")
        largo = int.from_bytes(data[inicio : inicio + n], "big")
        inicio += n
    fin = inicio + largo
    if fin > len(data):
        raise DerError("datos incompletos")
    return Tlv(tag, data[inicio:fin], data[pos:fin]), fin


def leer_todos(data: bytes) -> list[Tlv]:
    items, pos = [], 0
    while pos < len(data):
        item, pos = leer_tlv(data, pos)
        items.append(item)
    return items


def leer_unico(data: bytes) -> Tlv:
    """Read a single TLV that must span all of ``data`` (no trailing bytes)."""
    item, fin = leer_tlv(data, 0)
    if fin != len(data):
        raise DerError("bytes sobrantes después de la estructura")
    return item


def decodificar_oid(value: bytes) -> str:
    if not value:
        raise DerError("OID vacío")
    partes: list[int] = []
    n = 0
    for b in value:
        n = (n << 7) | (b & 0x7F)
        if not b & 0x80:
            partes.append(n)
            n = 0
    primero = partes[0]
    if primero < 80:
        cabeza = [primero // 40, primero % 40]
    else:
        cabeza = [2, primero - 80]
    return ".".join(str(p) for p in cabeza + partes[1:])


def decodificar_cadena(tag: int, value: bytes) -> str:
    """Decode a directory string leniently.

    T61String and UTF8String are tried as UTF-8 first and then as Latin-1 (SAT writes Latin-1
    bytes into T61String; a few issuers put Latin-1 into UTF8String too).
    """
    if tag == TAG_BMP:
        return value.decode("utf-16-be", errors="replace")
    if tag == TAG_UNIVERSAL:
        return value.decode("utf-32-be", errors="replace")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def leer_nombre(name_der: bytes) -> list[tuple[str, str]]:
    """Parse an X.501 Name: a SEQUENCE of SETs of (OID, value). Returns [(oid, text), ...]."""
    nombre = leer_unico(name_der)
    if nombre.tag != TAG_SEQUENCE:
        raise DerError("el nombre no es una secuencia")
    atributos = []
    for rdn in nombre.children():
        if rdn.tag != TAG_SET:
            raise DerError("RDN inválido")
        for atv in rdn.children():
            partes = atv.children()
            if atv.tag != TAG_SEQUENCE or len(partes) != 2 or partes[0].tag != TAG_OID:
                raise DerError("atributo inválido")
            atributos.append(
                (
                    decodificar_oid(partes[0].value),
                    decodificar_cadena(partes[1].tag, partes[1].value),
                )
            )
    return atributos


def nombres_del_tbs(tbs_der: bytes) -> tuple[bytes, bytes]:
    """Return the raw DER of (issuer, subject) from a TBSCertificate."""
    campos = leer_unico(tbs_der).children()
    if campos and campos[0].tag == TAG_CONTEXT_0:  # explicit version
        campos = campos[1:]
    # serialNumber, signature, issuer, validity, subject, ...
    if len(campos) < 5:
        raise DerError("TBSCertificate incompleto")
    return campos[2].raw, campos[4].raw


def tipo_de_estructura(data: bytes) -> str:
    """Guess what a DER blob is.

    Returns one of: ``"certificado"``, ``"llave_cifrada"`` (PKCS#8 EncryptedPrivateKeyInfo),
    ``"llave_sin_cifrar"`` (PKCS#8 PrivateKeyInfo or PKCS#1 RSAPrivateKey),
    ``"llave_publica"`` (SubjectPublicKeyInfo), ``"desconocido"``; raises DerError when the
    bytes are not complete DER.
    """
    raiz = leer_unico(data)
    if raiz.tag != TAG_SEQUENCE:
        return "desconocido"
    hijos = raiz.children()
    if not hijos:
        return "desconocido"
    tags = [h.tag for h in hijos]
    if tags[0] == TAG_SEQUENCE:
        nietos = hijos[0].children()
        if len(tags) == 3 and tags[1:] == [TAG_SEQUENCE, TAG_BIT_STRING]:
            if nietos and nietos[0].tag in (TAG_CONTEXT_0, TAG_INTEGER):
                return "certificado"
        if len(tags) == 2 and tags[1] == TAG_OCTET_STRING:
            return "llave_cifrada"
        if len(tags) == 2 and tags[1] == TAG_BIT_STRING:
            return "llave_publica"
        return "desconocido"
    if tags[0] == TAG_INTEGER:
        if len(tags) >= 3 and tags[1] == TAG_SEQUENCE and tags[2] == TAG_OCTET_STRING:
            return "llave_sin_cifrar"  # PKCS#8 PrivateKeyInfo
        if len(tags) >= 9 and all(t == TAG_INTEGER for t in tags[:9]):
            return "llave_sin_cifrar"  # PKCS#1 RSAPrivateKey
    return "desconocido"
