#!/usr/bin/env sh
# Runs the connector from the built JAR with the JVM settings its figures were measured with
# (docs/benchmarks.md): the serial collector and a 128 MB heap (its live data under load is 25-50 MB;
# the JVM's default would be G1 and a quarter of the machine's memory), and two malloc arenas (glibc's
# per-thread arenas otherwise add tens of MB of resident memory). JAVA_OPTS replaces the JVM settings;
# arguments go to the connector (--help, simulate ...). Run it from the project folder to use its
# routes/ and config/.
#
# Class-data sharing: the first run of the connector writes an archive of the classes it loaded next to
# the JAR when it stops (Ctrl-C or SIGTERM), and every later run maps it, which starts the connector
# about a second and a half sooner on two cores (docs/operations.md). The archive belongs to one JAR and
# one JVM: a newer JAR or java binary writes a new one. CONNECTOR_CDS=off runs without it. Nor is it used
# with an agent or a flight recording from the start (-javaagent, -agentlib, -agentpath,
# -XX:StartFlightRecording): JDK 17 crashes loading an archived class while a class-file hook is set.
JAR="$(dirname "$0")/../target/twocheckout-license-connector.jar"
JSA="${JAR%.jar}.jsa"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
JVM_OPTS="${JAVA_OPTS:--XX:+UseSerialGC -Xmx128m}"
JAVA_BIN="$(command -v java)"
JAVA_REAL="$(readlink -f "$JAVA_BIN" 2>/dev/null || echo "$JAVA_BIN")"

CDS="${CONNECTOR_CDS:-on}"
case " $JVM_OPTS ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} " in
    *-javaagent:* | *-agentlib:* | *-agentpath:* | *StartFlightRecording*) CDS=off ;;
esac
if [ "$CDS" = "off" ]; then
    # shellcheck disable=SC2086
    exec java $JVM_OPTS -jar "$JAR" "$@"
fi
if [ -f "$JSA" ] && [ "$JSA" -nt "$JAR" ] && [ "$JSA" -nt "$JAVA_REAL" ]; then
    # shellcheck disable=SC2086
    exec java -XX:SharedArchiveFile="$JSA" $JVM_OPTS -jar "$JAR" "$@"
fi
if [ "$#" -gt 0 ] || [ ! -w "$(dirname "$JAR")" ]; then
    # A command (--version, simulate ...) loads other classes than the connector: no archive from it.
    # shellcheck disable=SC2086
    exec java $JVM_OPTS -jar "$JAR" "$@"
fi

# No archive yet: this run writes one when it stops. The JVM writes it in place, and a JVM crashes on an
# archive cut short, so it goes to a file of its own, renamed once the JVM has finished writing it. The
# shell stays to do that: it hands Ctrl-C and SIGTERM to the JVM as SIGTERM (a background JVM of a
# non-interactive shell ignores SIGINT), and waits for it to finish.
PART="$JSA.$$.part"
# shellcheck disable=SC2086
java -XX:ArchiveClassesAtExit="$PART" -Xlog:cds=error $JVM_OPTS -jar "$JAR" &
PID=$!
trap 'kill -TERM "$PID" 2>/dev/null' INT TERM
while :; do
    wait "$PID"
    STATUS=$?
    kill -0 "$PID" 2>/dev/null || break # wait returned for a signal the trap handled: the JVM is still stopping
done
# Stopped in order (0, or 143 after SIGTERM): the archive is complete. After a failed start it is not
# worth keeping.
if { [ "$STATUS" -eq 0 ] || [ "$STATUS" -eq 143 ]; } && [ -s "$PART" ]; then
    mv -f "$PART" "$JSA"
else
    rm -f "$PART"
fi
exit "$STATUS"
