#!/bin/sh
# One command: bench/run.sh SIZE [flags of go run ./bench, e.g. -months 13 -pandas=false]
# Builds channelscope, generates a workspace (seed 3, 13 months, SIZE feed
# lines a month) under bench/out, loads all but the last month into the lake,
# then measures the floor, a rerun of the last month stage by stage, peak RSS
# and the pandas peer, and prints the table.
set -eu
cd "$(dirname "$0")/.."
size=${1:-100000}
[ $# -gt 0 ] && shift
# The pandas peer needs Debian's python3-pandas, python3-openpyxl, python3-yaml.
if ! /usr/bin/python3 -c 'import pandas, openpyxl, yaml' 2>/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get install -y -qq python3-pandas python3-openpyxl python3-yaml >&2
	else
		echo "bench/run.sh: pandas missing: apt-get install python3-pandas python3-openpyxl python3-yaml (or pass -pandas=false)" >&2
	fi
fi
# The harness checks itself first: the floor counts every line.
go test -tags bench -count=1 ./bench >&2
exec go run ./bench -size "$size" "$@"
