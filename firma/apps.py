from django.apps import AppConfig


class FirmaConfig(AppConfig):
    verbose_name = "Firma electrónica"
    name = "firma"
    default_auto_field = "django.db.models.BigAutoField"
