#!/usr/bin/env bash
# Records what the target answers into tests/slt/*.slt (or the files given):
# expected rows, and the TDengine error code of each `statement error`.
# Run against a real server: `source "$env"; tests/slt/complete.sh`.
set -euo pipefail
cd "$(dirname "$0")/../.."
files=("$@")
[[ ${#files[@]} -gt 0 ]] || files=(tests/slt/*.slt)
# An unmatched pattern makes the runner write the actual message.
sed -i 's/^statement error.*$/statement error <record>/; s/^query error.*$/query error <record>/' "${files[@]}"
for f in "${files[@]}"; do
  SLT_COMPLETE=1 cargo test -q -p taos-orm-suite --test slt -- --exact "${f##*/}" >/dev/null || true
done
# Keep only the code: messages carry the statement text and differ in detail.
sed -i -E 's/^(statement|query) error \\?\[(0x[0-9a-f]{4})\\?\].*$/\1 error \2/' "${files[@]}"
grep -n '<record>' "${files[@]}" && { echo "some errors were not recorded" >&2; exit 1; } || true
