"""The annual-report procedure of RAOCE (trámites 150101/150102, seed 003).

``asistente`` (the wizard, registered with the engine) · ``pasos`` (its capture steps) ·
``forms`` · ``borrador`` (the draft's services and pre-signing checks) · ``programas``
(which programs a report covers) · ``domicilios`` (plant addresses) · ``ventana`` (period
and filing window) · ``importes`` (parse/format of miles de pesos) · ``reglas`` (rule
classes) · ``compromisos`` (export commitments) · ``presentacion`` (effects of signing) ·
``oficios`` (ALTEX/ECEX oficios). What the whole app shares (models, ``plazos``, ``estatus``,
``trabajos``) lives in :mod:`raoce`.
"""
