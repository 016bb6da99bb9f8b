"""Celery application. Tasks live in each app's ``tasks.py``; beat jobs in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vucem.settings")

app = Celery("vucem")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
