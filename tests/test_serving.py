"""`mlflow models serve` answers an article with its claims (slow: starts a server)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_served_model_returns_claims(tiny_model_dir, tmp_path, monkeypatch):
    import mlflow

    from stance.experiment.tracking import log_stance_model

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.chdir(tmp_path)
    mlflow.set_tracking_uri(uri)
    with mlflow.start_run():
        model_uri = log_stance_model(Path(tiny_model_dir))
    port = free_port()
    mlflow_cli = Path(sys.executable).with_name("mlflow")
    server = subprocess.Popen([str(mlflow_cli), "models", "serve", "-m", model_uri, "--env-manager", "local",
                               "--host", "127.0.0.1", "--port", str(port)],
                              # mlflow starts `uvicorn` by name: the venv's bin must be on PATH
                              env={**os.environ, "MLFLOW_TRACKING_URI": uri,
                                   "PATH": f"{mlflow_cli.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        body = json.dumps({"dataframe_records": [{"text": "Russia accused the US of lying. The Pentagon denied it."}]})
        deadline, response = time.time() + 120, None
        while time.time() < deadline and response is None:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/invocations", body.encode(),
                                                 {"Content-Type": "application/json"})
                response = json.loads(urllib.request.urlopen(request, timeout=10).read())
            except OSError:
                time.sleep(1)
        assert response is not None, "server did not answer within 120 s"
        claims = response["predictions"]
        assert [c["text"] for c in claims] == ["Russia accused the US of lying.", "The Pentagon denied it."]
        assert {c["label"] for c in claims} <= {"ACCUSATION", "DENIAL", "NEUTRAL_REPORT"}
    finally:
        server.terminate()
        server.wait(timeout=30)
