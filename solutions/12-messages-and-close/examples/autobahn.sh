#!/usr/bin/env bash
# Runs the Autobahn test cases (kosoku, a Python port of the Autobahn
# testsuite, from PyPI) against a WebSocket program, in both roles, and
# prints a summary per case group. Exit status 1 if any case is not OK
# (INFORMATIONAL and UNIMPLEMENTED are allowed).
#
#   autobahn.sh [CRATE [EXAMPLE]]       default: solution-12 autobahn_echo
#
# The example must take `server HOST:PORT` (an echo server) and
# `client ws://HOST:PORT` (the Autobahn client protocol). kosoku goes into
# target/kosoku-venv when missing; reports into target/autobahn/.
set -euo pipefail
crate=${1:-solution-12}
example=${2:-autobahn_echo}
# (There is no group 8 in the suite.)
cases=(-i '1.*' -i '2.*' -i '3.*' -i '4.*' -i '5.*' -i '6.*' -i '7.*'
       -i '9.*' -i '10.*')
root=$(cd "$(dirname "$0")/../../.." && pwd)
venv=$root/target/kosoku-venv
out=$root/target/autobahn
if [ ! -x "$venv/bin/kosoku" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet kosoku
fi
cd "$root"
cargo build --quiet --release -p "$crate" --example "$example"
program=$root/target/release/examples/$example
rm -rf "$out"
mkdir -p "$out"

# A free port from the kernel, used at once (tests use port 0 only; these
# two programs must agree on an address, so one is chosen here).
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Server role: kosoku's fuzzing client drives our echo server.
server_port=$(port)
"$program" server "127.0.0.1:$server_port" >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    (echo >"/dev/tcp/127.0.0.1/$server_port") 2>/dev/null && break
    sleep 0.1
done
"$venv/bin/kosoku" -m fuzzingclient "${cases[@]}" -o "$out/server" \
    "127.0.0.1:$server_port" >"$out/kosoku-server.log" 2>&1 || true
kill "$server" 2>/dev/null || true

# Client role: our client connects to kosoku's fuzzing server.
client_port=$(port)
"$venv/bin/kosoku" -m fuzzingserver "${cases[@]}" -o "$out/client" \
    "127.0.0.1:$client_port" >"$out/kosoku-client.log" 2>&1 &
fuzzer=$!
trap 'kill $fuzzer 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$client_port") 2>/dev/null && break
    sleep 0.1
done
timeout 900 "$program" client "ws://127.0.0.1:$client_port" \
    >"$out/client.log" 2>&1 || true
timeout 60 tail --pid="$fuzzer" -f /dev/null || kill "$fuzzer" 2>/dev/null || true

python3 "$(dirname "$0")/autobahn_summary.py" "$out/server" "$out/client"
