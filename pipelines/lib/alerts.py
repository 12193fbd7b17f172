"""Alerts on a failed or stale refresh (README, "Alerts"), through whichever of these `[alerts]` configures:

    [alerts]
    command = "notify-send coachlens"         # run with the summary on standard input (no shell)
    webhook = "https://chat.example.org/hook"  # HTTP POST of a JSON summary
    [alerts.email]                             # SMTP with STARTTLS
    host = "smtp.example.org"
    port = 587
    from = "coachlens@example.org"
    to = ["lead@example.org"]
    user = "coachlens@example.org"             # optional, default `from`
    password_env = "COACHLENS_SMTP_PASSWORD"   # the password is read from this environment variable
    ca_file = "/etc/ssl/private-ca.pem"        # optional: trust a private certificate authority

Every key can also be set as COACHLENS_ALERTS_<KEY> (e.g. COACHLENS_ALERTS_WEBHOOK,
COACHLENS_ALERTS_EMAIL_HOST). A channel that cannot deliver is reported, and the others still send.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import smtplib
import ssl
import subprocess
import urllib.request
from email.message import EmailMessage

KEYS = ("command", "webhook", "email_host", "email_port", "email_from", "email_to", "email_user",
        "email_password_env", "email_ca_file")
TIMEOUT_S = 30


class AlertConfigError(ValueError):
    pass


def _fail(key: str, value, allowed: str):
    raise AlertConfigError(f"config key 'alerts.{key.replace('email_', 'email.')}': {value!r} is not allowed; "
                           f"expected {allowed}")


def _flat(table: dict) -> dict:
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update({f"{key}_{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def _coerce(key: str, value):
    if key == "command":
        parts = list(value) if isinstance(value, (list, tuple)) else shlex.split(str(value))
        if not parts or not all(isinstance(p, str) for p in parts):
            _fail(key, value, "a command line, as text or a list of words")
        return tuple(parts)
    if key == "webhook":
        if not re.match(r"^https?://[^\s/]+", str(value)):
            _fail(key, value, "an http:// or https:// URL")
        return str(value)
    if key == "email_port":
        try:
            port = int(value)
        except (TypeError, ValueError):
            _fail(key, value, "a port number such as 587")
        if not 0 < port < 65536:
            _fail(key, value, "a port number such as 587")
        return port
    if key == "email_to":
        addresses = list(value) if isinstance(value, (list, tuple)) else [a.strip() for a in str(value).split(",")]
        if not addresses or not all("@" in a for a in addresses):
            _fail(key, value, "one or more email addresses")
        return tuple(addresses)
    if key == "email_from":
        if "@" not in str(value):
            _fail(key, value, "an email address")
        return str(value)
    if key == "email_password_env":
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(value)):
            _fail(key, value, "the name of an environment variable that holds the password")
        return str(value)
    return str(value)


def parse_alerts(table: dict, environ) -> tuple:
    """[alerts] of coachlens.toml, then COACHLENS_ALERTS_<KEY>: sorted (key, value) pairs, checked."""
    values = _flat(table or {})
    if "email_password" in values:
        raise AlertConfigError("config key 'alerts.email.password': never put the password in the file; put it in "
                               "an environment variable and name that variable in alerts.email.password_env")
    for key in KEYS:
        if f"COACHLENS_ALERTS_{key.upper()}" in environ:
            values[key] = environ[f"COACHLENS_ALERTS_{key.upper()}"]
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise AlertConfigError(f"unknown config key 'alerts.{unknown[0].replace('email_', 'email.')}'; allowed: "
                               + ", ".join(k.replace("email_", "email.") for k in KEYS))
    out = {k: _coerce(k, v) for k, v in values.items()}
    if any(k.startswith("email_") for k in out):
        missing = [k for k in ("email_host", "email_from", "email_to") if k not in out]
        if missing:
            raise AlertConfigError(f"config key 'alerts.{missing[0].replace('email_', 'email.')}' is required "
                                   "when alerts are sent by email")
    return tuple(sorted(out.items()))


# --- sending -------------------------------------------------------------------------

def _run_command(settings: dict, text: str, payload: dict) -> None:
    proc = subprocess.run(list(settings["command"]), input=text, text=True, capture_output=True, timeout=TIMEOUT_S)
    if proc.returncode != 0:
        raise RuntimeError(f"exited {proc.returncode}: {proc.stderr.strip()[:200]}")


def _post_webhook(settings: dict, text: str, payload: dict) -> None:
    body = json.dumps({**payload, "text": text}).encode("utf-8")
    request = urllib.request.Request(settings["webhook"], data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        if not 200 <= response.status < 300:
            raise RuntimeError(f"HTTP {response.status}")


def _send_email(settings: dict, text: str, payload: dict, environ) -> None:
    message = EmailMessage()
    message["Subject"] = text.splitlines()[0]
    message["From"] = settings["email_from"]
    message["To"] = ", ".join(settings["email_to"])
    message.set_content(text)
    context = ssl.create_default_context(cafile=settings.get("email_ca_file"))
    with smtplib.SMTP(settings["email_host"], settings.get("email_port", 587), timeout=TIMEOUT_S) as smtp:
        smtp.ehlo()
        smtp.starttls(context=context)  # never sends anything in clear text: fails if the server cannot
        smtp.ehlo()
        if "email_password_env" in settings:
            name = settings["email_password_env"]
            if not environ.get(name):
                raise RuntimeError(f"the environment variable {name} (alerts.email.password_env) is not set")
            smtp.login(settings.get("email_user", settings["email_from"]), environ[name])
        smtp.send_message(message)


def send_alerts(alerts: tuple, text: str, payload: dict, environ=None) -> dict:
    """Send `text` (and the JSON `payload` for the webhook) through every configured channel.
    Returns {channel: "sent" | "failed: <why>"}; never raises, so one broken channel does not stop the others."""
    environ = os.environ if environ is None else environ
    settings = dict(alerts)
    channels = {"command": _run_command, "webhook": _post_webhook,
                "email": lambda s, t, p: _send_email(s, t, p, environ)}
    results = {}
    for name, send in channels.items():
        if not any(k == name or k.startswith(f"{name}_") for k in settings):
            continue
        try:
            send(settings, text, payload)
            results[name] = "sent"
        except Exception as exc:  # noqa: BLE001 - reported to the caller, the other channels still send
            results[name] = f"failed: {type(exc).__name__}: {exc}"
    return results


def alert_on(outcome, alerts: tuple, warehouse: str = "", site: str = "", environ=None, log=print) -> dict:
    """Alert when the refresh failed or its data is stale; nothing when it is clean or nothing is configured."""
    environ = os.environ if environ is None else environ
    if outcome.status == "ok" or not alerts or environ.get("COACHLENS_ALERTS_OFF") == "1":
        return {}
    results = send_alerts(alerts, outcome.summary(warehouse, site),
                          {**outcome.as_json(), "warehouse": warehouse, "site": site}, environ)
    for channel, result in results.items():
        log(f"alert by {channel}: {result}")
    return results
