# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# Every interface: participants join from their own devices over the workshop Wi-Fi.
HOST   ?= 0.0.0.0
PYTHON ?= python3
BACKLOG ?= 2048

.PHONY: run test browser services-check bench clean services services-stop services-status messages

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

# Embedded default: SQLite (WAL), in-memory channel layer, Celery tasks in-process.
run: export DATABASE_URL =
run: export REDIS_URL =
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py presence_reset
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "Decision Lab on http://127.0.0.1:$(PORT)/  (console: http://127.0.0.1:$(PORT)/console/)"
	@# The demo logins (a random password made on the first run, kept in .demo_password) and join code.
	$(PY) manage.py load_demo
	@echo "Participants join over the network (every interface, port $(PORT)); HOST=127.0.0.1 keeps it to this machine."
	@# A deep listen queue (Twisted's default is 50) and 60 s to finish a handshake (default 5 s): a room of people
	@# opening sockets at once is queued, not reset or dropped.
	$(VENV)/bin/daphne --websocket_connect_timeout 60 -e tcp:port=$(PORT):interface=$(HOST):backlog=$(BACKLOG) config.asgi:application

# Chromium for the browser tests and GNU gettext for the translation test, from Debian's packages (needs root,
# as in CI).
browser:
	@command -v /usr/bin/chromium >/dev/null 2>&1 && command -v msgfmt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext >/dev/null; \
	  else echo "note: chromium or gettext is missing and I am not root: browser and translation tests will be skipped"; fi; }

# After changing a user-facing string: refresh every app's catalogues (de, fr), then translate what is new
# (docs/i18n.md) and compile. The compiled .mo files are committed: `make run` needs no gettext.
MESSAGES_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --ignore=deploy --ignore=frontend/static/vendor
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l de -l fr --no-obsolete $(MESSAGES_IGNORE)
	$(PY) manage.py makemessages -d djangojs -l de -l fr --no-obsolete $(MESSAGES_IGNORE)
	$(PY) manage.py compilemessages --ignore=.venv

# Runs against PostgreSQL, Redis and a real Celery worker when they answer on 127.0.0.1,
# else on the embedded default (config/services_probe.py prints which). Two processes (pytest-xdist): the browser
# tests stay together on one (tests/conftest.py), everything else runs on the other and beside them.
# PYTEST_ARGS="-n 0" runs it on one process.
PYTEST_ARGS ?= -n 2 --dist loadgroup
test: $(VENV)/.installed browser
	@eval "$$($(PY) config/services_probe.py)" && $(PY) -m pytest $(PYTEST_ARGS)

# The services mode on this one box, no containers (deploy/one_box/services.py): PostgreSQL and Redis
# (started if installed and not running), migrations, WEB web processes (default: one per core) behind
# nginx on PORT, a Celery worker and one beat; pids and logs in .services/.
# Plain HTTP (LAB_HTTPS=false) unless set; a secret key is made once in .services/secret_key.
services: $(VENV)/.installed
	@PORT=$(PORT) HOST=$(HOST) WEB=$(WEB) $(PY) deploy/one_box/services.py start

# Stops exactly what `make services` started.
services-stop:
	@$(PY) deploy/one_box/services.py stop

services-status:
	@$(PY) deploy/one_box/services.py status

bench: $(VENV)/.installed
	$(PY) bench/engine/bench_engine.py

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles
