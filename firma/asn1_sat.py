"""The one ASN.1 shim the SAT's certificates need (DESIGN §6), in one place.

asn1crypto (used by pyhanko-certvalidator and pyHanko) types x500UniqueIdentifier (2.5.4.45)
as a BIT STRING, while the SAT encodes the RFC there as a PrintableString, so loading a SAT
certificate into a ValidationContext fails ("tag should have been 3, but 19 was found").
Mapping that attribute as a DirectoryString before any certificate is loaded makes every SAT
chain validate. :func:`aplicar` is idempotent and runs when :mod:`firma.confianza` is imported.
"""

from asn1crypto import x509 as asn1_x509


def aplicar() -> None:
    asn1_x509.NameTypeAndValue._oid_specs["unique_identifier"] = asn1_x509.DirectoryString
