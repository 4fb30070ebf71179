"""The pages of the region ×2, measured in step with the parent's ×1 (`python -m bench`).

The parent starts this process on the ×2 database and, page by page, measures a page on its own
database and then asks this one for the same page (or the other way round, alternately): both sizes
of a page are measured within the same seconds, under the same load of the machine, so that the
ratio ×2 ÷ ×1 is the region's growth and not what else the machine happened to run. While one side
measures, the other waits on its pipe and uses no CPU.

Protocol (JSON lines): the first line out is {"pages": [[label, role, url], …], "dataset", "machine"};
then each line in {"page": label, "role": role} answers one PageResult line; an empty line ends it.
"""

from __future__ import annotations

import json
import sys


def main(argv: list[str]) -> int:
    from bench.run import _setup, dataset, machine

    repeat = int(argv[0]) if argv else 20
    _setup()
    from bench import pages

    subjects = pages.pick_subjects()
    clients = pages.login_clients(subjects)
    urls = {(label, role): url for label, role, url in pages.page_urls(subjects)}
    out = sys.stdout
    out.write(json.dumps({"pages": [[*k, v] for k, v in urls.items()], "dataset": dataset(), "machine": machine()}))
    out.write("\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            break
        ask = json.loads(line)
        key = (ask["page"], ask["role"])
        result = pages.measure_page(
            clients[ask["role"]], *key, urls[key], repeat=repeat, log=lambda s: print(s, file=sys.stderr)
        )
        out.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
