"""Copy the benchmark result tables into README.md, between ``<!-- NAME.md -->`` and ``<!-- end NAME.md -->``.

    python benchmarks/fill_readme.py [--check]

So the README shows exactly what the scripts printed (``benchmarks/results/NAME.md``). ``--check`` changes
nothing and exits with status 1 when a section differs from its file (naming them).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="say which sections differ from their files; change nothing")
    args = parser.parse_args()
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    stale = []
    for name in re.findall(r"<!-- ([\w.-]+\.md) -->", text):
        table = (ROOT / "benchmarks" / "results" / name).read_text(encoding="utf-8").strip()
        filled = re.sub(rf"(<!-- {re.escape(name)} -->\n).*?(<!-- end {re.escape(name)} -->)",
                        lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
        if filled != text:
            stale.append(name)
        text = filled
    if args.check:
        print("README sections that differ from their results files: " + ", ".join(stale) if stale
              else "every README section matches its results file")
        raise SystemExit(1 if stale else 0)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
