"""Solicitud de asignación de cupo (SE-03-011-1; VUCEM 120401/120402) and its dictamen:
wizard (``asistente``), mechanisms as strategies (``estrategias``, ``registro``), saldo,
attachments, dictamen, forms, views and urls."""
