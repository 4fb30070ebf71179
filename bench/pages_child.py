"""The pages of the region ×2, measured in step with the parent's ×1 (`python -m bench`).

The parent starts this process on the ×2 database and, page by page, opens a meter of the page
here and on its own database, then the two take turns request by request (which one first
alternates): both sizes of a page are measured within the same seconds, under the same load of the
machine, so that the ratio ×2 ÷ ×1 is the region's growth and not what else the machine happened to
run. While one side measures, the other waits on its pipe and uses no CPU.

Protocol (JSON lines): the first line out is {"pages": [[label, role, url], …], "dataset", "machine"};
then each line in is {"open": [label, role]} (answered by {"status", "queries"}), {"take": n}
(answered by {}) or {"result": true} (answered by the PageResult of the open page); an empty line
ends it.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    from bench.run import _setup, dataset, machine

    _setup()
    from bench import pages

    pages.pin(int(argv[0]) if argv else None)

    subjects = pages.pick_subjects()
    clients = pages.login_clients(subjects)
    urls = {(label, role): url for label, role, url in pages.page_urls(subjects)}
    out = sys.stdout
    out.write(json.dumps({"pages": [[*k, v] for k, v in urls.items()], "dataset": dataset(), "machine": machine()}))
    out.write("\n")
    out.flush()
    meter = None
    for line in sys.stdin:
        if not line.strip():
            break
        ask = json.loads(line)
        if "open" in ask:
            key = tuple(ask["open"])
            meter = pages.PageMeter(clients[key[1]], key[0], key[1], urls[key])
            answer: dict = {"status": meter.status, "queries": meter.queries}
        elif "take" in ask and meter is not None:
            meter.take(int(ask["take"]))
            answer = {}
        elif meter is not None:
            answer = meter.result(lambda s: print(s, file=sys.stderr)).as_dict()
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
