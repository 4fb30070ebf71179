# «Наставник» production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 NASTAVNIK_VAR_DIR=/var/lib/nastavnik
RUN apt-get update && apt-get install -y --no-install-recommends gettext libreoffice-writer-nogui libreoffice-calc-nogui \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt -e .
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN python manage.py compilemessages --ignore=node_modules -v 0 \
    && NASTAVNIK_MODE=production ALLOWED_HOSTS=build SECRET_KEY=build-only-not-used-at-run-time-0123456789abcdefghijklmnop \
       python manage.py collectstatic --noinput -v 0
RUN useradd --system --home /app nastavnik && mkdir -p /var/lib/nastavnik && chown -R nastavnik /var/lib/nastavnik
USER nastavnik
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
