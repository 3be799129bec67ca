#!/usr/bin/env sh
# The benchmark (not part of `mvn verify`): builds the JAR, then runs the connector from it against an
# embedded PostgreSQL (fsync and synchronous_commit on), alternating with a bare Vert.x baseline, and
# prints the table (also in target/benchmark.md). Options, as -D after the script:
#   -Dbench.scale=quick                    a short run (8 s phases, 20 s end to end)
#   -Dbench.db.url=jdbc:postgresql://...   another PostgreSQL (user postgres)
#   -Dbench.wrk-ins-only=true              instead: the INS comparison with wrk alone, three pairs
#   -Dbench.keygen-only=true               instead: the key generator alone, three rounds each of built-in and pool codes
#     -Dbench.compare=DIR                    with a second checkout's JAR (a git worktree), rounds alternating
#     -Dbench.pg-statements=true             with PostgreSQL's statements per call (target/bench/keygen-statements-*)
#   -Dbench.lists=true                     instead: the panel's lists with a million licenses (ListBenchmark)
set -e
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
mvn -B -q -DskipTests test-compile exec:java -Dexec.mainClass=io.github.twocheckout.connector.bench.Benchmark \
  -Dexec.classpathScope=test -Dexec.cleanupDaemonThreads=false "$@"
