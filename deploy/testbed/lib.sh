# Shared by deploy/testbed/up and deploy/testbed/down (sourced, not run).
# Every path the testbed writes lives under one state directory, overridable for a second copy of
# the files (there is still only one Postfix, Dovecot and web server per machine: the ports are fixed).
STATE="${MAILPROBE_TESTBED_DIR:-/var/lib/mailprobe-testbed}"
HOST=127.0.0.1
DOMAIN=mailprobe.test
SINK_DOMAIN=sink.test
SINK_PORT="${MAILPROBE_TESTBED_SINK_PORT:-2525}"
WEB_PORT="${MAILPROBE_TESTBED_WEB_PORT:-8080}"
USERS=(probe1 probe2 probe3)
# Postfix's configuration is the machine's own /etc/postfix (a second Postfix instance needs
# postmulti and a queue of its own; a testbed machine does not run another Postfix).
POSTFIX_DIR=/etc/postfix

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  as_root=(sudo)
fi

log() { printf 'testbed: %s\n' "$*" >&2; }
die() { printf 'testbed: FAILED: %s\n' "$*" >&2; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp, no extra tool).
port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# Waits up to $2 seconds for port $1 to open (daemons fork before they listen).
wait_port() {
  local port=$1 deadline=$((SECONDS + ${2:-20}))
  until port_open "$port"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# Waits up to $2 seconds for port $1 to close.
wait_port_closed() {
  local port=$1 deadline=$((SECONDS + ${2:-20}))
  while port_open "$port"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}
