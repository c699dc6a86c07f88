#!/bin/sh
# Prints the lines that say why tests failed (gtest failures, sanitizer
# reports, the fuzz suite's bad answers) from a build's last ctest run, at
# the end of the output where a CI log's tail shows them.
# Usage: scripts/ctest-failures.sh <build dir>
log="$1/Testing/Temporary/LastTest.log"
failed="$1/Testing/Temporary/LastTestsFailed.log"
[ -f "$log" ] || exit 0
echo "---- why the failed tests failed ($log) ----"
[ -f "$failed" ] && sed 's/^/failed: /' "$failed"
grep -a -E -A4 'Failure$|bad answers|runtime error|ERROR: AddressSanitizer|SUMMARY: |the server stopped answering|Timeout|Exception' "$log" |
  cut -c1-400 | tail -n 80
