# One image for the web (daphne) and worker (celery) processes of the services mode.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY classroom ./classroom
COPY game ./game
COPY facilitator ./facilitator
COPY frontend ./frontend
COPY manage.py ./
RUN pip install --no-cache-dir . && python manage.py collectstatic --noinput -v 0
EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
