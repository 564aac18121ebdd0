"""A real OpenID Connect provider for the single sign-on tests: a tiny Django project on django-oauth-toolkit
(its OIDC provider mode), run as a process of its own by tests/oidc_provider/process.py.

Everything it keeps lives in one folder named by OIDC_PROVIDER_DIR: its SQLite database, its RSA signing key
(made at test time) and accounts.json, the people it knows with their passwords, e-mail and groups. Groups are
read from accounts.json on every token and userinfo request, so a test changes a person's groups at the
provider by rewriting that file."""
