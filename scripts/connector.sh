#!/usr/bin/env sh
# Runs the connector from the built JAR with the JVM settings its figures were measured with
# (docs/benchmarks.md): the serial collector and a 128 MB heap (its live data under load is 25-50 MB;
# the JVM's default would be G1 and a quarter of the machine's memory), and two malloc arenas (glibc's
# per-thread arenas otherwise add tens of MB of resident memory). JAVA_OPTS replaces the JVM settings;
# arguments go to the connector (--help, simulate ...). Run it from the project folder to use its
# routes/ and config/.
JAR="$(dirname "$0")/../target/twocheckout-license-connector.jar"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--XX:+UseSerialGC -Xmx128m} -jar "$JAR" "$@"
