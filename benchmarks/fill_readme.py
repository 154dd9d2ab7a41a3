"""Copy the benchmark result tables into README.md, between ``<!-- NAME.md -->`` and ``<!-- end NAME.md -->``.

    python benchmarks/fill_readme.py

So the README shows exactly what the scripts printed (``benchmarks/results/NAME.md``).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    for name in re.findall(r"<!-- ([\w.-]+\.md) -->", text):
        table = (ROOT / "benchmarks" / "results" / name).read_text(encoding="utf-8").strip()
        text = re.sub(rf"(<!-- {re.escape(name)} -->\n).*?(<!-- end {re.escape(name)} -->)",
                      lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
