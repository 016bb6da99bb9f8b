# Ventanilla: imagen para web (gunicorn), worker y beat de Celery. Ver docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango (and HarfBuzz, pulled in by it) plus fonts; shared-mime-info for
# content-type detection of uploads.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (only pyproject.toml: the project installs no package of its own, the code
# runs from /app), so code changes do not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .

ENV STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/var/media \
    FIEL_DEMO_DIR=/app/var/fiel-demo
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput -v 0 \
    && useradd --system --create-home --home-dir /home/ventanilla ventanilla \
    && mkdir -p /app/var/media /app/var/fiel-demo \
    && chown -R ventanilla:ventanilla /app/var

USER ventanilla
EXPOSE 8000
CMD ["gunicorn", "vucem.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
