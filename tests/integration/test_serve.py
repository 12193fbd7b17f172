"""`coachlens serve` starts the Dagster webserver and daemon on localhost, with the nightly schedule running."""
import json
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import COACHLENS, cli_env

pytestmark = pytest.mark.e2e

QUERY = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
  schedules { name cronSchedule executionTimezone scheduleState { status } } } } }
  instance { daemonHealth { allDaemonStatuses { daemonType healthy } } } }"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_runs_webserver_and_schedule(tmp_path):
    port = free_port()
    proc = subprocess.Popen([COACHLENS, "serve", "--port", str(port)], cwd=tmp_path, env=cli_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 120
        schedules, scheduler_healthy = None, False
        while time.time() < deadline and not (schedules and scheduler_healthy):
            time.sleep(2)
            assert proc.poll() is None, proc.stdout.read()
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql",
                                             data=json.dumps({"query": QUERY}).encode(),
                                             headers={"Content-Type": "application/json"})
                body = json.loads(urllib.request.urlopen(req, timeout=5).read())
                schedules = body["data"]["repositoriesOrError"]["nodes"][0]["schedules"]
                # the instance's own record of daemon heartbeats: this serve's daemon, not any on the machine
                statuses = body["data"]["instance"]["daemonHealth"]["allDaemonStatuses"]
                scheduler_healthy = any(d["daemonType"] == "SCHEDULER" and d["healthy"] for d in statuses)
            except (OSError, KeyError, TypeError, IndexError):
                continue
        assert schedules, "the webserver did not answer within 120 s"
        nightly = next(s for s in schedules if s["name"] == "nightly_refresh")
        assert nightly["cronSchedule"] == "0 2 * * *" and nightly["executionTimezone"] == "UTC"
        assert nightly["scheduleState"]["status"] == "RUNNING"
        assert scheduler_healthy, "the scheduler daemon of this instance sends heartbeats"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
