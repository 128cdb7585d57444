# Shared by deploy/testbed/up and deploy/testbed/down (sourced, not run).
# Every path the testbed writes lives under one state directory, overridable for a second copy of
# the files (there is still only one Postfix, Dovecot and web server per machine: the ports are fixed).
STATE="${MAILPROBE_TESTBED_DIR:-/var/lib/mailprobe-testbed}"
HOST=127.0.0.1
DOMAIN=mailprobe.test
SINK_DOMAIN=sink.test
SINK_PORT="${MAILPROBE_TESTBED_SINK_PORT:-2525}"
WEB_PORT="${MAILPROBE_TESTBED_WEB_PORT:-8080}"
# The local OAuth 2.0 authorization server (mock-oauth2-server, run by the tests or by hand; see
# README.md) that Dovecot's oauth2 passdb asks to introspect bearer tokens. Not a daemon of ours:
# Dovecot and the readiness checks do not need it running.
OAUTH_PORT="${MAILPROBE_TESTBED_OAUTH_PORT:-8443}"
OAUTH_ISSUER="https://$HOST:$OAUTH_PORT/testbed"
USERS=(probe1 probe2 probe3)
# Postfix's configuration is the machine's own /etc/postfix (a second Postfix instance needs
# postmulti and a queue of its own; a testbed machine does not run another Postfix).
POSTFIX_DIR=/etc/postfix

# The content filters (see README.md, "Virus and spam filtering"): ClamAV, SpamAssassin and MIMEDefang
# behind Postfix's milter interface, switched by deploy/testbed/filter-mode.
FILTER_MODES=(off reject tag quarantine junk clean)
FILTER_RUN="$STATE/run/filter"   # sockets and pid files of clamd, spamd and the milters
FILTER_DIR="$STATE/filter"       # their configs, ClamAV's local database, the current mode
# MIMEDefang's milter listens on TCP: its UNIX socket would be group-only (defang), and Postfix is
# not in that group.
MIMEDEFANG_PORT="${MAILPROBE_TESTBED_MIMEDEFANG_PORT:-10026}"

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

# ---- readiness checks (deploy/testbed/up) ----------------------------------------------------
# Each speaks one real session with curl, TLS verified against the test CA for the name
# `localhost` (pinned to $HOST), and returns non-zero with curl's error on stderr if it fails.
# Passwords go to curl on its standard input (--config -), never on its command line.

# Runs "$@" until it succeeds or $ready_deadline (a $SECONDS value) passes; then dies naming $1
# and the last error. Retrying is the point: a daemon that has just forked may not serve yet.
await() {
  local what=$1 err
  shift
  until err="$("$@" 2>&1)"; do
    if [ "$SECONDS" -ge "$ready_deadline" ]; then
      die "not ready: $what: ${err:-no answer} (logs in $STATE/log)"
    fi
    sleep 0.2
  done
}

# curl with the test CA, a bounded time and `localhost` pinned to $HOST for port $1.
ready_curl() {
  local port=$1
  shift
  curl --silent --show-error --max-time 15 --cacert "$STATE/tls/ca.crt" --resolve "localhost:$port:$HOST" "$@"
}

# Postfix on port $1: greeting, EHLO, STARTTLS, then AUTH as $2 (password file $3) when given,
# and NOOP.
smtp_session() {
  local port=$1 user=$2 password_file=$3
  if [ -n "$user" ]; then
    printf 'user = "%s:%s"\n' "$user" "$(cat "$password_file")" |
      ready_curl "$port" --config - --ssl-reqd --request NOOP "smtp://localhost:$port/ready.$DOMAIN" >/dev/null
  else
    ready_curl "$port" --ssl-reqd --request NOOP "smtp://localhost:$port/ready.$DOMAIN" >/dev/null
  fi
}

# Dovecot: log in as $2 (password file $3) at URL $1 (imap[s]:// lists folders, pop3[s]:// lists
# messages; neither changes the mailbox); further arguments go to curl (--ssl-reqd for STARTTLS).
mailbox_session() {
  local url=$1 user=$2 password_file=$3 port
  shift 3
  port="${url##*:}"
  port="${port%%/*}"
  printf 'user = "%s:%s"\n' "$user" "$(cat "$password_file")" |
    ready_curl "$port" --config - "$@" "$url" >/dev/null
}

# Roundcube, as its users' browsers do: the login page and its _token, the login POST with the
# session cookie (302 to the mail task), the mail view (logged in), and the logout.
roundcube_session() (
  user=$1
  password_file=$2
  url="http://$HOST:$WEB_PORT/"
  jar="$(mktemp)"
  trap 'rm -f "$jar"' EXIT
  rc() { curl --silent --show-error --max-time 15 --cookie "$jar" --cookie-jar "$jar" "$@"; }
  page="$(rc "$url")" || exit 1
  token="$(printf '%s' "$page" | grep -o 'name="_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')"
  [ -n "$token" ] || { echo "the login page at $url has no _token field" >&2; exit 1; }
  answer="$(printf 'data-urlencode = "_user=%s"\ndata-urlencode = "_pass=%s"\n' "$user" "$(cat "$password_file")" |
    rc --config - --output /dev/null --write-out '%{http_code} %{redirect_url}' --data-urlencode "_token=$token" \
      --data _task=login --data _action=login --data _timezone=_default_ --data _url= "${url}?_task=login")" || exit 1
  case "$answer" in
    "302 "*_task=mail*) ;;
    *) echo "the login of $user answered '$answer', not a redirect to the mail task (see $STATE/log/roundcube/errors.log)" >&2
       exit 1 ;;
  esac
  mail="$(rc "${answer#302 }")" || exit 1
  case "$mail" in
    *'"task":"mail"'*) ;;
    *) echo "after the login of $user the mail view is not logged in" >&2; exit 1 ;;
  esac
  request_token="$(printf '%s' "$mail" | grep -o '"request_token":"[^"]*"' | head -1 | sed 's/.*:"//; s/"$//')"
  rc --output /dev/null "${url}?_task=logout&_token=$request_token" || exit 1
)

# ---- the filters' readiness (deploy/testbed/filter-mode) -------------------------------------
# Ready means detecting: clamd finds EICAR in a stream, spamd calls GTUBE spam, every milter
# listens. The EICAR test file is assembled from parts (see up).
eicar_detected() {
  local out
  out="$(printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$' 'EICAR-STANDARD-ANTIVIRUS-' 'TEST-FILE!$H+H*' |
    clamdscan --config-file="$FILTER_DIR/clamav/clamd.conf" --no-summary - 2>&1)" && true
  case "$out" in *"Mailprobe.Testbed.EICAR"*FOUND*) return 0 ;; *) echo "clamdscan: $out" >&2; return 1 ;; esac
}
gtube_is_spam() {
  local out
  out="$(printf 'Subject: readiness\n\nXJS*C4JDBQADN1.NSBN3*2IDNEN*%s*C.34X\n' 'GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL' |
    spamc -U "$FILTER_RUN/spamd/spamd.sock" -c 2>&1)" && { echo "spamc: not spam ($out)" >&2; return 1; }
  case "$out" in [0-9]*/*) return 0 ;; *) echo "spamc: $out" >&2; return 1 ;; esac
}
sockets_there() {
  local s
  for s in clamav/milter-reject.sock clamav/milter-accept.sock spamass/tag.sock spamass/reject.sock; do
    [ -S "$FILTER_RUN/$s" ] || { echo "no socket $FILTER_RUN/$s" >&2; return 1; }
  done
  port_open "$MIMEDEFANG_PORT" || { echo "mimedefang does not listen on $HOST:$MIMEDEFANG_PORT" >&2; return 1; }
}
filters_ready() {
  await "clamd on $FILTER_RUN/clamav/clamd.ctl (finds EICAR)" eicar_detected
  await "spamd on $FILTER_RUN/spamd/spamd.sock (GTUBE is spam)" gtube_is_spam
  await "the milters' sockets under $FILTER_RUN and on $HOST:$MIMEDEFANG_PORT" sockets_there
}
