"""``manage.py cargar_demo``: demo personas, their FIEL users, capturistas and staff.

Idempotent: running it again updates the same rows (and resets the demo passwords). After
its own data it calls ``<app>.demo.cargar(stdout)`` for tramites, cupos and raoce when
those modules exist, so each app loads its own demo data.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from firma.demo import PASSWORD_DEMO, PERSONAS_DEMO
from vucem.models import Capturista, Domicilio, Persona, Rol
from vucem.roles import asegurar_grupos

PASSWORD_STAFF = "Ventanilla.2026"
APPS_CON_DEMO = ("tramites", "cupos", "raoce")

DOMICILIOS_FISCALES = [
    {
        "calle": "BLVD. ADOLFO LÓPEZ MATEOS",
        "numero_exterior": "1520",
        "colonia": "JARDINES DEL MORAL",
        "codigo_postal": "37160",
        "localidad": "LEÓN",
        "municipio": "LEÓN",
        "estado": "GUANAJUATO",
    },
    {
        "calle": "AV. CONSTITUCIÓN",
        "numero_exterior": "2050",
        "colonia": "CENTRO",
        "codigo_postal": "64000",
        "localidad": "MONTERREY",
        "municipio": "MONTERREY",
        "estado": "NUEVO LEÓN",
    },
    {
        "calle": "AV. HIDALGO",
        "numero_exterior": "77",
        "colonia": "GUERRERO",
        "codigo_postal": "06300",
        "localidad": "CIUDAD DE MÉXICO",
        "municipio": "CUAUHTÉMOC",
        "estado": "CIUDAD DE MÉXICO",
    },
    {
        "calle": "AV. DEL MAR",
        "numero_exterior": "1100",
        "colonia": "FRACC. TELLERÍA",
        "codigo_postal": "82140",
        "localidad": "MAZATLÁN",
        "municipio": "MAZATLÁN",
        "estado": "SINALOA",
    },
]
TIPOS_PLANTA = [
    Domicilio.Tipo.INDUSTRIAS,
    Domicilio.Tipo.BODEGA,
    Domicilio.Tipo.LOCAL_COMERCIAL,
    Domicilio.Tipo.INDUSTRIAS,
]


class Command(BaseCommand):
    help = "Carga los datos de demostración (personas, e.firmas, capturistas, personal) de forma idempotente."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fiel-dir",
            help="Carpeta de las e.firmas de demostración (por omisión FIEL_DEMO_DIR).",
        )
        parser.add_argument(
            "--sin-ganchos", action="store_true", help="No llama a <app>.demo.cargar()."
        )

    def handle(self, *args, **options):
        fiel_dir = options.get("fiel_dir") or str(settings.FIEL_DEMO_DIR)
        call_command("fiel", "demo", "--dir", fiel_dir, stdout=self.stdout, stderr=self.stderr)

        with transaction.atomic():
            asegurar_grupos(Group, Permission, ContentType, apps_registry=apps)
            personas = [self._persona(i, datos) for i, datos in enumerate(PERSONAS_DEMO)]
            usuarios = self._usuarios(personas)

        if not options["sin_ganchos"]:
            for app_label in APPS_CON_DEMO:
                self._gancho(app_label)

        self._resumen(personas, usuarios, fiel_dir, PASSWORD_DEMO)

    # -- data ------------------------------------------------------------------------------

    def _persona(self, i, datos):
        User = get_user_model()
        tipo = Persona.Tipo.MORAL if datos["tipo"] == "moral" else Persona.Tipo.FISICA
        persona, _ = Persona.objects.update_or_create(
            rfc=datos["rfc"],
            defaults={
                "tipo": tipo,
                "nombre": datos["nombre"],
                "curp": datos.get("curp", ""),
                "rfc_representante": datos.get("rfc_representante", ""),
                "curp_representante": datos.get("curp_representante", ""),
                "correo": datos.get("correo", ""),
                "telefono": "55 5729 9100",
                "actividad_economica": "Comercio exterior de productos agroalimentarios",
                **DOMICILIOS_FISCALES[i % len(DOMICILIOS_FISCALES)],
            },
        )
        fiscal = DOMICILIOS_FISCALES[i % len(DOMICILIOS_FISCALES)]
        Domicilio.objects.update_or_create(
            persona=persona,
            tipo=TIPOS_PLANTA[i % len(TIPOS_PLANTA)],
            defaults={
                "calle": "CARRETERA FEDERAL KM 12",
                "numero_exterior": "S/N",
                "colonia": "ZONA INDUSTRIAL",
                "codigo_postal": fiscal["codigo_postal"],
                "municipio": fiscal["municipio"],
                "estado": fiscal["estado"],
                "localizado": True,
            },
        )
        user = (
            User.objects.filter(persona=persona).first()
            or User.objects.filter(username=persona.rfc).first()
        )
        if user is None:
            user = User(username=persona.rfc)
        user.persona = persona
        user.first_name = persona.nombre[:150]
        user.email = persona.correo
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=str(persona.rol_solicitante)))
        return persona

    def _usuario(self, username, rol, *, nombre, staff=False, superuser=False, **extra):
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = nombre
        user.email = f"{username}@ventanilla.local"
        user.is_staff = staff or superuser
        user.is_superuser = superuser
        user.is_active = True
        for campo, valor in extra.items():
            setattr(user, campo, valor)
        user.set_password(PASSWORD_STAFF)
        user.save()
        if rol:
            user.groups.add(Group.objects.get(name=str(rol)))
        return user

    def _usuarios(self, personas):
        primera_moral = next(p for p in personas if p.es_moral)
        rf_cdmx = "Representación Federal en la Ciudad de México"
        # (username, description, role, name, extra fields); the first one is the capturista
        # privado of the first persona moral.
        cuentas = [
            (
                "capturista.demo",
                f"Capturista privado de {primera_moral.nombre} ({primera_moral.rfc})",
                Rol.CAPTURISTA_PRIVADO,
                ("MARÍA", "LÓPEZ CAPTURA"),
                {},
            ),
            (
                "gubernamental.demo",
                f"Capturista gubernamental ({rf_cdmx})",
                Rol.CAPTURISTA_GUBERNAMENTAL,
                ("JOSÉ", "RAMÍREZ GOBIERNO"),
                {"representacion_federal": rf_cdmx},
            ),
            (
                "dictaminador.demo",
                "Dictaminador",
                Rol.DICTAMINADOR,
                ("ANA", "TORRES DICTAMEN"),
                {"staff": True, "cargo": "Directora de Cupos y Precios de Exportación"},
            ),
            (
                "central.demo",
                "Nivel central",
                Rol.NIVEL_CENTRAL,
                ("LUIS", "MÉNDEZ CENTRAL"),
                {
                    "staff": True,
                    "cargo": "Director General de Facilitación Comercial y de Comercio Exterior",
                },
            ),
            ("admin", "Superusuario (/admin/)", None, ("Administración", ""), {"superuser": True}),
        ]
        usuarios = [
            (username, descripcion, self._usuario(username, rol, nombre=nombre, **extra))
            for username, descripcion, rol, nombre, extra in cuentas
        ]
        registro, _ = Capturista.objects.get_or_create(
            solicitante=primera_moral, usuario=usuarios[0][2]
        )
        if not registro.activo:
            registro.activo, registro.baja = True, None
            registro.save(update_fields=["activo", "baja"])
        return usuarios

    def _gancho(self, app_label):
        nombre = f"{app_label}.demo"
        try:
            encontrado = importlib.util.find_spec(nombre) is not None
        except ModuleNotFoundError:
            encontrado = False
        if not encontrado:
            return
        modulo = importlib.import_module(nombre)
        cargar = getattr(modulo, "cargar", None)
        if callable(cargar):
            self.stdout.write(f"Cargando datos de demostración de «{app_label}»…")
            cargar(self.stdout)

    # -- summary ---------------------------------------------------------------------------

    def _resumen(self, personas, usuarios, fiel_dir, password_demo):
        w = self.stdout.write
        w("")
        w(self.style.SUCCESS("Datos de demostración listos."))
        w("")
        w(
            f"Ingreso «Con FIEL» ({settings.SITE_URL.rstrip('/')}/ingresar/): seleccione el "
            ".cer y el .key de"
        )
        w(
            f"  {fiel_dir}/personas/<RFC>.cer y <RFC>.key   contraseña de la clave privada: {password_demo}"
        )
        for p in personas:
            w(f"  {p.rfc:<13}  {p.get_tipo_display():<15}  {p.nombre}")
        w("")
        w(f"Ingreso «Sin FIEL» (usuario / contraseña {PASSWORD_STAFF}):")
        for username, descripcion, _ in usuarios:
            w(f"  {username:<20}  {descripcion}")
        w("")
