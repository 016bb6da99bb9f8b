"""Identity: users, personas (solicitantes) and who may capture for whom."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc


class Rol(models.TextChoices):
    """Roles of DESIGN §2. Each one is also a Django group of the same name."""

    SOLICITANTE_FISICA = "solicitante_fisica", "Solicitante persona física"
    SOLICITANTE_MORAL = "solicitante_moral", "Solicitante persona moral"
    CAPTURISTA_PRIVADO = "capturista_privado", "Capturista privado"
    CAPTURISTA_GUBERNAMENTAL = "capturista_gubernamental", "Capturista gubernamental"
    DICTAMINADOR = "dictaminador", "Dictaminador"
    NIVEL_CENTRAL = "nivel_central", "Nivel central"


ROLES_SOLICITANTE = {Rol.SOLICITANTE_FISICA, Rol.SOLICITANTE_MORAL}
ROLES_CAPTURISTA = {Rol.CAPTURISTA_PRIVADO, Rol.CAPTURISTA_GUBERNAMENTAL}


def validar_rfc(value: str) -> None:
    """RFC (12 characters persona moral, 13 física) with its check digit (python-stdnum)."""
    try:
        stdnum_rfc.validate(value, validate_check_digits=True)
    except Exception as exc:  # stdnum raises several ValidationError subclasses
        raise ValidationError(f"El RFC «{value}» no es válido.", code="rfc_invalido") from exc


def validar_curp(value: str) -> None:
    try:
        stdnum_curp.validate(value, validate_check_digits=True)
    except Exception as exc:
        raise ValidationError(f"La CURP «{value}» no es válida.", code="curp_invalida") from exc


class Persona(models.Model):
    """A solicitante: persona física or moral identified by its RFC."""

    class Tipo(models.TextChoices):
        FISICA = "fisica", "Persona física"
        MORAL = "moral", "Persona moral"

    rfc = models.CharField("RFC", max_length=13, unique=True, validators=[validar_rfc])
    tipo = models.CharField(max_length=6, choices=Tipo.choices)
    nombre = models.CharField("nombre, denominación o razón social", max_length=254)
    curp = models.CharField("CURP", max_length=18, blank=True, validators=[validar_curp])
    rfc_representante = models.CharField("RFC del representante legal", max_length=13, blank=True)
    curp_representante = models.CharField("CURP del representante legal", max_length=18, blank=True)
    correo = models.EmailField("correo electrónico", blank=True)
    telefono = models.CharField("teléfono", max_length=30, blank=True)
    actividad_economica = models.CharField(
        "actividad económica preponderante", max_length=254, blank=True
    )
    # Domicilio fiscal (read-only in every wizard).
    calle = models.CharField(max_length=120, blank=True)
    numero_exterior = models.CharField("número exterior", max_length=30, blank=True)
    numero_interior = models.CharField("número interior", max_length=30, blank=True)
    colonia = models.CharField(max_length=120, blank=True)
    codigo_postal = models.CharField("código postal", max_length=5, blank=True)
    localidad = models.CharField(max_length=120, blank=True)
    municipio = models.CharField("municipio o alcaldía", max_length=120, blank=True)
    estado = models.CharField(max_length=60, blank=True)
    pais = models.CharField("país", max_length=60, default="ESTADOS UNIDOS MEXICANOS")
    creada = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["nombre"]

    def __str__(self) -> str:
        return f"{self.nombre} ({self.rfc})"

    @property
    def es_moral(self) -> bool:
        return self.tipo == self.Tipo.MORAL

    @property
    def domicilio_fiscal(self) -> str:
        partes = [
            f"{self.calle} {self.numero_exterior}".strip(),
            f"Int. {self.numero_interior}" if self.numero_interior else "",
            f"Col. {self.colonia}" if self.colonia else "",
            f"C.P. {self.codigo_postal}" if self.codigo_postal else "",
            self.municipio,
            self.estado,
            self.pais,
        ]
        return ", ".join(p for p in partes if p)

    @property
    def rol_solicitante(self) -> str:
        return Rol.SOLICITANTE_MORAL if self.es_moral else Rol.SOLICITANTE_FISICA

    def clean(self):
        self.rfc = (self.rfc or "").upper().strip()
        esperado = 12 if self.tipo == self.Tipo.MORAL else 13
        if self.rfc and len(self.rfc) != esperado:
            raise ValidationError(
                {
                    "rfc": f"El RFC de una {self.get_tipo_display().lower()} tiene {esperado} caracteres."
                }
            )


class Domicilio(models.Model):
    """A plant or establishment address of a persona (domicilio de planta)."""

    class Tipo(models.TextChoices):
        LOCAL_COMERCIAL = "local_comercial", "Local Comercial"
        INDUSTRIAS = "industrias", "Industrias, Fábricas y Talleres"
        BODEGA = "bodega", "Bodega"
        TERRENOS_AGROPECUARIOS = "terrenos_agropecuarios", "Terrenos Agropecuarios"
        CASA_HABITACION = "casa_habitacion", "Casa Habitación"
        OFICINA = "oficina", "Oficina"
        OTRO = "otro", "Otro"

    TIPOS_PERMITIDOS_RAOCE = {
        Tipo.LOCAL_COMERCIAL,
        Tipo.INDUSTRIAS,
        Tipo.BODEGA,
        Tipo.TERRENOS_AGROPECUARIOS,
    }

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="domicilios")
    tipo = models.CharField(max_length=30, choices=Tipo.choices)
    calle = models.CharField(max_length=120)
    numero_exterior = models.CharField("número exterior", max_length=30, blank=True)
    colonia = models.CharField(max_length=120, blank=True)
    codigo_postal = models.CharField("código postal", max_length=5, blank=True)
    municipio = models.CharField("municipio o alcaldía", max_length=120, blank=True)
    estado = models.CharField(max_length=60, blank=True)
    localizado = models.BooleanField(default=True, help_text="Validado como localizado por el SAT.")

    class Meta:
        verbose_name = "domicilio de planta"
        verbose_name_plural = "domicilios de planta"

    def __str__(self) -> str:
        return f"{self.get_tipo_display()}: {self.calle} {self.numero_exterior}, {self.municipio}"


class User(AbstractUser):
    """A login. Solicitantes log in with their FIEL (username = RFC, no usable password);
    capturistas and staff log in "sin FIEL" with username + password."""

    persona = models.OneToOneField(
        Persona,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="usuario",
        help_text="La persona (RFC) que este usuario es, cuando entra con su FIEL.",
    )
    representacion_federal = models.CharField(max_length=120, blank=True)
    cargo = models.CharField(
        max_length=150,
        blank=True,
        help_text="Cargo del servidor público (personal), impreso en los oficios que resuelve.",
    )

    def tiene_rol(self, rol: str) -> bool:
        return self.groups.filter(name=rol).exists()

    @property
    def roles(self) -> set[str]:
        return set(self.groups.values_list("name", flat=True))


class Capturista(models.Model):
    """A capturista privado registered by a solicitante: may capture for it, never sign."""

    solicitante = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="capturistas")
    usuario = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="capturas_para"
    )
    activo = models.BooleanField(default=True)
    alta = models.DateTimeField(auto_now_add=True)
    baja = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["solicitante", "usuario"], name="capturista_unico_por_solicitante"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.usuario} captura para {self.solicitante.rfc}"
