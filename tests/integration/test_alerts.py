"""Alerts on a failed or stale refresh (README, "Alerts"), received by servers this test starts on localhost:
a command fed the summary on stdin, an HTTP webhook, and an SMTP server that requires STARTTLS and a login."""
from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import socket
import subprocess
import sys
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import refresh
from tests.integration.loading import write_landing

pytestmark = pytest.mark.e2e
PASSWORD = "s3cret-from-the-environment"
BAD = b"session_id,participant,coach,scheduled_start,duration_minutes\nS1,P1,K1,2024-01-05 10:00,60\n"
BAD_PROBLEM = "sessions/zz_bad.csv: missing required column status: export it again with this column"


class Webhook:
    def __init__(self):
        self.posts: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts.append({"path": self.path, "type": self.headers["Content-Type"], "json": json.loads(body)})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def self_signed_cert(folder):
    """A certificate for localhost / 127.0.0.1 and its key, made for this test (the client trusts it as its CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """aiosmtpd with STARTTLS required before AUTH and MAIL, and one accepted login."""

    def __init__(self, folder):
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.messages, self.logins = [], []
        self.cert, key = self_signed_cert(folder)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(self.cert, key)
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                outer.messages.append({"tls": session.ssl is not None, "from": envelope.mail_from,
                                       "to": envelope.rcpt_tos, "message": message_from_bytes(envelope.content)})
                return "250 OK"

        def authenticate(server, session, envelope, mechanism, auth_data):
            outer.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=auth_data.password.decode() == PASSWORD)

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=tls,
                                     require_starttls=True, authenticator=authenticate, auth_require_tls=True)
        self.controller.start()


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alert-servers")
    hook, mail = Webhook(), Mailbox(folder)
    yield folder, hook, mail
    hook.server.shutdown()
    mail.controller.stop()


@pytest.fixture
def configured(servers, tmp_path):
    """A working folder whose coachlens.toml sends alerts to the three local receivers."""
    folder, hook, mail = servers
    hook.posts.clear(), mail.messages.clear(), mail.logins.clear()
    received = tmp_path / "command-stdin.txt"
    command = [sys.executable, "-c", f"import sys; open({str(received)!r}, 'w').write(sys.stdin.read())"]
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "coachlens.toml").write_text(f"""
[alerts]
command = {json.dumps(command)}
webhook = "{hook.url}"
[alerts.email]
host = "localhost"
port = {mail.port}
from = "coachlens@example.org"
to = ["lead@example.org", "ops@example.org"]
password_env = "TEST_SMTP_PASSWORD"
ca_file = "{mail.cert}"
""", encoding="utf-8")
    return tmp_path, received, hook, mail


def test_a_failed_refresh_alerts_by_command_webhook_and_email(configured):
    tmp, received, hook, mail = configured
    landing = write_landing(tmp / "landing")
    (landing / "sessions" / "zz_bad.csv").write_bytes(BAD)
    proc = refresh(landing, tmp / "out", as_of=dt.date(2024, 6, 30), check=False, TEST_SMTP_PASSWORD=PASSWORD)
    assert proc.returncode == 1, proc.stderr
    for channel in ("command", "webhook", "email"):
        assert f"alert by {channel}: sent" in proc.stderr

    text = received.read_text(encoding="utf-8")
    assert text.startswith("coachlens refresh FAILED") and BAD_PROBLEM in text

    [post] = hook.posts
    assert post["path"] == "/hook" and post["type"] == "application/json"
    assert post["json"]["status"] == "failed" and post["json"]["problems"][0].startswith(BAD_PROBLEM)
    assert post["json"]["text"] == text and post["json"]["warehouse"].endswith("warehouse.duckdb")

    [mail_in] = mail.messages
    assert mail_in["tls"] and mail.logins == [("coachlens@example.org", PASSWORD)]
    assert mail_in["from"] == "coachlens@example.org" and mail_in["to"] == ["lead@example.org", "ops@example.org"]
    assert mail_in["message"]["Subject"].startswith("coachlens refresh FAILED")
    assert BAD_PROBLEM in mail_in["message"].get_payload(decode=True).decode("utf-8")


def test_a_clean_refresh_sends_nothing_and_a_stale_one_alerts(configured):
    tmp, received, hook, mail = configured
    landing = write_landing(tmp / "landing")
    proc = refresh(landing, tmp / "out", as_of=dt.date(2024, 6, 30), TEST_SMTP_PASSWORD=PASSWORD)
    assert "alert by" not in proc.stderr
    assert not received.exists() and hook.posts == [] and mail.messages == []

    # the same files again, with sessions allowed to be at most 0.36 seconds old: stale
    proc = refresh(landing, tmp / "out", as_of=dt.date(2024, 6, 30), check=False, TEST_SMTP_PASSWORD=PASSWORD,
                   COACHLENS_FRESHNESS_SESSIONS="0.0001")
    assert proc.returncode == 4, proc.stderr
    text = received.read_text(encoding="utf-8")
    assert text.startswith("coachlens refresh finished with STALE data") and "sessions: newest file" in text
    assert [p["json"]["status"] for p in hook.posts] == ["stale"]
    assert len(mail.messages) == 1 and "STALE" in mail.messages[0]["message"]["Subject"]


SCHEDULED_RUN = """
import dagster as dg
from pipelines.definitions import defs
from pipelines.defs.alerts import refresh_failure_alert

with dg.DagsterInstance.ephemeral() as instance:
    result = defs.resolve_job_def("refresh").execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    [failure] = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    context = dg.build_run_status_sensor_context(
        sensor_name="refresh_failure_alert", dagster_event=failure.dagster_event, dagster_instance=instance,
        dagster_run=run).for_run_failure()
    refresh_failure_alert(context)
"""


def test_the_schedule_alerts_through_its_run_failure_sensor(configured):
    """The job the schedule runs, failing in a Dagster process of its own (as the daemon's run would, and
    free of whatever earlier tests left in this one); the sensor the daemon evaluates sends the alert."""
    tmp, received, hook, mail = configured
    landing = write_landing(tmp / "landing")
    (landing / "sessions" / "zz_bad.csv").write_bytes(BAD)
    out = tmp / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHLENS_")}
    env.update({f"COACHLENS_{key}": str(value) for key, value in {
        "LANDING": landing, "WAREHOUSE": out / "warehouse.duckdb", "SITE": out / "site", "AS_OF": "2024-06-30",
        "PSEUDONYM_SALT": "test-salt", "PROGRESS": "0", "ALERTS_EMAIL_HOST": "localhost"}.items()})
    env["TEST_SMTP_PASSWORD"] = PASSWORD
    proc = subprocess.run([sys.executable, "-c", SCHEDULED_RUN], cwd=out, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-4000:]  # its coachlens.toml (in cwd) configures the alerts
    assert BAD_PROBLEM in received.read_text(encoding="utf-8")
    assert [p["json"]["status"] for p in hook.posts] == ["failed"] and len(mail.messages) == 1
    # and the failed run published its manifest where leads look, as the command does
    assert "sessions/zz_bad.csv" in (out / "site" / "operations.html").read_text(encoding="utf-8")
