"""Starts the test OpenID provider (tests/oidc_provider/) as a real process on a free port of 127.0.0.1."""
import json
import os
import subprocess
import sys
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.processes import ARTIFACTS, ROOT, free_port, stop_process, wait_until


class OidcProvider:
    """`manage.py runserver` of the provider project, with an RSA key made now and the people given."""

    def __init__(self, directory: Path, accounts: dict, *, client_id: str, client_secret: str, redirect_uri: str):
        self.dir, self.client_id, self.client_secret = directory, client_id, client_secret
        self.redirect_uri, self.proc = redirect_uri, None
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.base}/o"
        self.set_accounts(accounts)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (self.dir / "signing_key.pem").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
                    "OIDC_PROVIDER_DIR": str(self.dir)}
        for name in ("DATABASE_URL", "REDIS_URL"):
            self.env.pop(name, None)

    def set_accounts(self, accounts: dict) -> None:
        """Who the provider knows ({username: {password, email, groups}}); groups take effect at the next login."""
        self.accounts = accounts
        (self.dir / "accounts.json").write_text(json.dumps(accounts))

    def set_groups(self, username: str, groups: list[str]) -> None:
        accounts = {**self.accounts, username: {**self.accounts[username], "groups": groups}}
        self.set_accounts(accounts)

    def start(self, timeout: float = 60.0) -> "OidcProvider":
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"oidc-provider-{os.getpid()}.log"
        self.log = open(self.log_path, "w")
        subprocess.run([sys.executable, "-m", "tests.oidc_provider.seed", self.client_id, self.client_secret,
                        self.redirect_uri], cwd=ROOT, env=self.env, check=True, stdout=self.log,
                       stderr=subprocess.STDOUT, timeout=120)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, text=True)
        discovery = f"{self.issuer}/.well-known/openid-configuration"
        ready = wait_until(lambda: self.proc.poll() is not None or _answers(discovery), timeout)
        if not ready or self.proc.poll() is not None:
            self.stop()
            raise RuntimeError(f"the test OpenID provider did not start: see {self.log_path}")
        return self

    def stop(self) -> None:
        stop_process(self.proc)
        if getattr(self, "log", None):
            self.log.close()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False
