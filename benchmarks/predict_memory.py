"""Peak memory and time of `sentiment predict --input` by chunk size (--batch-size), on long reviews.

    python benchmarks/predict_memory.py [--out FILE]

The 25,000 IMDB training reviews (about 230 words each; the longest texts of the datasets) are written to a
CSV file once; then each chunk size predicts the whole file with the shipped polarity model, each in a new
Python process, which reports its own peak resident memory (``ru_maxrss``) and the seconds its
``predict_file`` call took. The process starts with numpy, pandas and the package imported, so the figures
include what any run of the command holds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import datasets  # noqa: E402

from sentiment.data import read_labelled  # noqa: E402

SIZES = (1000, 2000, 5000, 10_000)
CODE = """
import json, resource, sys, time
from sentiment import load
from sentiment.commands import predict_file
pipe = load()
start = time.perf_counter()
rows, _ = predict_file(pipe, sys.argv[1], sys.argv[2], chunksize=int(sys.argv[3]))
seconds = time.perf_counter() - start
print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", help="where to write the table (default: benchmarks/results/predict_memory.md)")
    args = parser.parse_args()
    import pandas as pd

    texts, _ = read_labelled(datasets.ROOT / "imdb" / "train.csv.gz")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "reviews.csv"
        pd.DataFrame({"text": texts}).to_csv(source, index=False)
        rows = []
        for size in SIZES:
            result = subprocess.run([sys.executable, "-c", CODE, str(source), str(Path(folder) / "out.csv"), str(size)],
                                    capture_output=True, text=True, check=True)
            rows.append({"size": size, **json.loads(result.stdout.strip().splitlines()[-1])})
            print(rows[-1], file=sys.stderr)
    lines = [f"`predict --input` of the {rows[0]['rows']:,} IMDB training reviews with the shipped polarity model, "
             "one new process per chunk size:", "",
             "| rows per chunk (--batch-size) | peak memory (MB) | seconds | reviews/s |", "|---|---|---|---|"]
    lines += [f"| {r['size']:,} | {r['peak_mb']:.0f} | {r['seconds']:.1f} | {r['rows'] / r['seconds']:,.0f} |"
              for r in rows]
    table = "\n".join(lines)
    print(table)
    datasets.results_file(args.out, "predict_memory.md", complete=True).write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
