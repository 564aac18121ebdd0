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
# collectstatic needs settings only: a throwaway key for this one step, never in the image's environment.
RUN pip install --no-cache-dir . && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0
EXPOSE 8000
CMD ["daphne", "--proxy-headers", "--websocket_connect_timeout", "60", "-e", "tcp:port=8000:interface=0.0.0.0:backlog=2048", "config.asgi:application"]
