"""Run every benchmark (or the named ones) and print one table of figures against their goals.

The database is a fresh SQLite file of its own unless DATABASE_URL is set. BENCH_SCALE sets
the size of the city (`make bench`: 100,000; `make bench-quick`: 10,000). The table is also
written to var/bench/results.json.
"""

import datetime as dt
import importlib
import os
import pkgutil
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        db = ROOT / "var" / "bench.sqlite3"
        db.parent.mkdir(exist_ok=True)
        db.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govit.settings")
    # a benchmark database is not production: let the key store make its keys
    os.environ.setdefault("GOVIT_KEYS_AUTOCREATE", "1")
    # the pages are measured for what they do, not for the second sign-in step in front of them
    os.environ.setdefault("GOVIT_OTP_REQUIRED", "0")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main(selected: list[str]) -> int:
    _setup_django()
    import bench
    from bench import results

    selected = [s if s.startswith("bench_") else f"bench_{s}" for s in selected]  # or "evidence"
    names = sorted(
        m.name
        for m in pkgutil.iter_modules(bench.__path__)
        if m.name.startswith("bench_") and (not selected or m.name in selected)
    )  # only the chosen are imported (one may need the bench extra: make bench installs it)
    # the benchmarks that build their own data first; those measured on the generated city
    # (NEEDS_CITY) last, so that the city's projects do not enter the others' counts
    names.sort(
        key=lambda n: (getattr(importlib.import_module(f"bench.{n}"), "NEEDS_CITY", False), n)
    )
    started, failed = time.perf_counter(), []
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}: {module.__doc__.strip().splitlines()[0]}", flush=True)
        try:
            module.run()
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    print()
    print(results.table())
    if failed:
        print(f"benchmarks that failed: {', '.join(failed)}")
    path = results.write(
        {
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started),
            "failed": failed,
        }
    )
    print(f"written to {path.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
