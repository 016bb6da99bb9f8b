"""PostgreSQL backend of the portal (``DATABASES["default"]["ENGINE"] = "vucem.bd"``)."""
