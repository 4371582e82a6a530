#!/bin/sh
# Byte-for-byte comparison of every output against the start commit's tree (see dump_outputs.py).
# Usage: benchmarks/compare_outputs.sh BASE_TREE [CASES]
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
base=$1; n=${2:-3000}
py="$here/.venv/bin/python"
out=${TMPDIR:-/tmp}/regelruimte-outputs.$$
"$py" "$here/benchmarks/dump_outputs.py" --root "$base" --cases "$n" "$out.base" &
"$py" "$here/benchmarks/dump_outputs.py" --root "$here" --cases "$n" "$out.new"
wait
if cmp "$out.base" "$out.new"; then echo "byte-identical: $(wc -l < "$out.new") lines"; rm -f "$out.base" "$out.new"
else diff "$out.base" "$out.new" | head -c 3000; echo; echo "DIFFERENT ($out.base $out.new)"; exit 1; fi
