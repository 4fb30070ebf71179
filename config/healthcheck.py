"""Container health check: `python -m config.healthcheck` (docker-compose's web service).

It asks the running gunicorn for /health/ the way the reverse proxy does: with the site's own
host name (the first of ALLOWED_HOSTS) and X-Forwarded-Proto: https, so neither the host check nor
the HTTPS redirect of production mode turns a healthy server into a failing check.
Exit code 0 when the answer is 200, 1 otherwise (with one line saying why).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    port = os.environ.get("HEALTHCHECK_PORT", "8000")
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h for h in hosts if h != "*" and not h.startswith(".")), None) or "127.0.0.1"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/health/",
        headers={"Host": host, "X-Forwarded-Proto": "https", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=float(os.environ.get("HEALTHCHECK_TIMEOUT", "5"))) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        print(f"health: нет ответа от 127.0.0.1:{port}: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"health: ответ {status} на /health/ (Host: {host})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
