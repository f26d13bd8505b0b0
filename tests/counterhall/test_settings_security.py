"""Production transport settings: a year of HSTS without preload, and X-Forwarded-Proto
trusted only when the deployment says a TLS proxy in front sets it (any client could send
the header otherwise). The settings are read in a fresh interpreter with production's
environment (DEBUG off, not under pytest)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from counterhall import settings as s; print(json.dumps({"
    "'hsts': s.SECURE_HSTS_SECONDS, 'preload': s.SECURE_HSTS_PRELOAD,"
    "'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None),"
    "'idle': s.COUNTERHALL_IDLE_MINUTES, 'close': s.SESSION_EXPIRE_AT_BROWSER_CLOSE}))"
)


def production_settings(**env):
    run_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COUNTERHALL_"))}
    run_env.update(env, DJANGO_SECRET_KEY="test-only", DJANGO_DEBUG="0")
    out = subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", SHOW], cwd=ROOT, env=run_env, capture_output=True, check=True
    )
    return json.loads(out.stdout)


def test_production_sends_a_year_of_hsts_without_preload():
    s = production_settings()
    assert s["hsts"] == 365 * 24 * 60 * 60
    assert s["preload"] is False


def test_forwarded_proto_is_trusted_only_behind_a_declared_proxy():
    assert production_settings()["proxy"] is None
    assert production_settings(DJANGO_BEHIND_TLS_PROXY="1")["proxy"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_counter_sessions_end_idle_or_at_browser_close():
    s = production_settings(DJANGO_IDLE_MINUTES="20")
    assert s["idle"] == 20 and s["close"] is True
