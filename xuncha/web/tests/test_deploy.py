"""Production settings: ``manage.py check --deploy`` is clean, cookies are Secure, HSTS and
the HTTPS redirect are on, and every response carries a strict Content-Security-Policy and
X-Frame-Options: DENY."""

import base64
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

HOST = "xuncha.example.gov.cn"
MARKER = "RESULT "

PROBE = f"""
import json
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="{HOST}")
secure = client.get("/", secure=True)
plain = client.get("/")
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_PROXY_SSL_HEADER", "X_FRAME_OPTIONS", "ALLOWED_HOSTS"]
print("{MARKER}" + json.dumps({{
    "settings": {{name: getattr(settings, name) for name in names}},
    "secure": {{"status": secure.status_code, "headers": dict(secure.headers)}},
    "plain": {{"status": plain.status_code, "headers": dict(plain.headers)}},
}}))
"""


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


class ProductionSettingsTests(SimpleTestCase):
    """The settings module as a production process loads it: a subprocess with only the
    production environment (no XUNCHA_TESTING, no XUNCHA_DEBUG)."""

    def setUp(self):
        var = tempfile.mkdtemp(prefix="xuncha-deploy-")
        self.addCleanup(shutil.rmtree, var, True)
        (Path(var) / "static").mkdir()
        checkpoints = tempfile.mkdtemp(prefix="xuncha-checkpoints-")  # "other storage"
        self.addCleanup(shutil.rmtree, checkpoints, True)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("XUNCHA_", "DJANGO_")) and k not in (
                        "DATABASE_URL", "REDIS_URL")}
        self.env.update({
            "XUNCHA_DEBUG": "0",
            "XUNCHA_SECRET_KEY": secrets.token_urlsafe(64),
            "XUNCHA_FIELD_KEYS": Fernet.generate_key().decode(),
            "XUNCHA_AUDIT_KEYS": "t1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
            "XUNCHA_AUDIT_CHECKPOINT_DIR": checkpoints,
            "XUNCHA_ALLOWED_HOSTS": HOST,
            "XUNCHA_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
            "XUNCHA_PUBLIC_URL": f"https://{HOST}",
            "XUNCHA_VAR_DIR": var,
            "DATABASE_URL": f"sqlite:///{var}/xuncha.sqlite3",
        })

    def manage(self, *args, env=None):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR,
                              env=env or self.env, capture_output=True, text=True, timeout=120)

    def test_check_deploy_is_clean(self):
        result = self.manage("check", "--deploy", "--fail-level", "WARNING")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues", result.stdout)
        self.assertNotIn("WARNING", result.stdout + result.stderr)

    def test_check_deploy_would_catch_a_weak_secret_key(self):
        result = self.manage("check", "--deploy", "--fail-level", "WARNING",
                             env={**self.env, "XUNCHA_SECRET_KEY": "too-short"})
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("security.W009", result.stdout + result.stderr)

    def test_check_deploy_warns_without_the_public_address(self):
        """Notices print links and QR codes to the public site (docs/operations.md)."""
        without = {k: v for k, v in self.env.items() if k != "XUNCHA_PUBLIC_URL"}
        result = self.manage("check", "--deploy", "--fail-level", "WARNING", env=without)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("xuncha.W030", result.stdout + result.stderr)

    def test_check_deploy_requires_field_keys(self):
        without = {k: v for k, v in self.env.items() if k != "XUNCHA_FIELD_KEYS"}
        result = self.manage("check", "--deploy", "--fail-level", "WARNING", env=without)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("xuncha.E001", result.stdout + result.stderr)
        bad = self.manage("check", "--deploy", env={**self.env, "XUNCHA_FIELD_KEYS": "nope"})
        self.assertIn("xuncha.E002", bad.stdout + bad.stderr)

    def test_cookies_hsts_and_https_redirect(self):
        result = self.manage("shell", "--no-imports", "-c", PROBE)
        self.assertEqual(result.returncode, 0, result.stderr)
        line = next(line for line in result.stdout.splitlines() if line.startswith(MARKER))
        probe = json.loads(line[len(MARKER):])
        values = probe["settings"]
        self.assertIs(values["DEBUG"], False)
        self.assertIs(values["SESSION_COOKIE_SECURE"], True)
        self.assertIs(values["CSRF_COOKIE_SECURE"], True)
        self.assertIs(values["SESSION_COOKIE_HTTPONLY"], True)
        self.assertIs(values["SECURE_SSL_REDIRECT"], True)
        self.assertGreaterEqual(values["SECURE_HSTS_SECONDS"], 31536000)
        self.assertIs(values["SECURE_HSTS_INCLUDE_SUBDOMAINS"], True)
        self.assertEqual(values["SECURE_PROXY_SSL_HEADER"], ["HTTP_X_FORWARDED_PROTO", "https"])
        self.assertEqual(values["X_FRAME_OPTIONS"], "DENY")
        self.assertEqual(values["ALLOWED_HOSTS"], [HOST])
        secure = probe["secure"]["headers"]
        self.assertIn("max-age=31536000", secure["Strict-Transport-Security"])
        self.assertIn("includeSubDomains", secure["Strict-Transport-Security"])
        self.assertEqual(secure["X-Frame-Options"], "DENY")
        script_src = csp_directives(secure["Content-Security-Policy"])["script-src"]
        self.assertNotIn("'unsafe-inline'", script_src)
        # Plain HTTP is sent to HTTPS before anything else happens.
        self.assertEqual(probe["plain"]["status"], 301)
        self.assertEqual(probe["plain"]["headers"]["Location"], f"https://{HOST}/")


class SecurityHeaderTests(TestCase):
    def test_pages_carry_a_strict_csp_and_deny_framing(self):
        for url in (reverse("accounts:login"), "/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response["X-Frame-Options"], "DENY")
                directives = csp_directives(response["Content-Security-Policy"])
                self.assertIn("script-src", directives)
                for source in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:"):
                    self.assertNotIn(source, directives["script-src"])
                self.assertEqual(directives["frame-ancestors"], ["'none'"])
                self.assertEqual(directives["object-src"], ["'none'"])
