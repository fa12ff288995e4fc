#!/usr/bin/env bash
# Coverage-guided fuzzing of the entry points that parse untrusted bytes (Jazzer, JUnit @FuzzTest).
# Under plain `mvn test` these tests only replay their seeds (src/test/resources/.../<Test>Inputs/);
# here each explores for its maxDuration (30 s, in the annotation) with JAZZER_FUZZ=1 and prints
# libFuzzer's run count. A crash fails the run and leaves its input beside the seeds, where it stays
# as a regression case once the bug is fixed.
#
#   tools/fuzz.sh                 all targets, one after another (about 30 s + a build each)
#   tools/fuzz.sh WebhookVerifierFuzzTest   one target
#
# The modules must be installed in the local Maven repository first (./mvnw install -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(
  crds:WorkerReportParserFuzzTest
  operator:WebhookVerifierFuzzTest
  worker:AgentProtocolFuzzTest
  devserver:AgentFrameFuzzTest
  devserver:TwirpDecodeFuzzTest
  devserver:SignalFrameFuzzTest
)
if [ $# -gt 0 ]; then
  selected=()
  for t in "${targets[@]}"; do
    for want in "$@"; do [ "${t#*:}" = "$want" ] && selected+=("$t"); done
  done
  targets=("${selected[@]}")
fi

# Coverage of our code and of the parsers it hands the bytes to (protobuf, LiveKit's messages,
# Jackson), so the fuzzer is guided through them too.
export JAZZER_FUZZ=1
export JAZZER_INSTRUMENTATION_INCLUDES='io.agentfleet.**:livekit.**:com.google.protobuf.**:com.fasterxml.jackson.**:io.livekit.**'

mkdir -p target
status=0
for t in "${targets[@]}"; do
  module=${t%%:*} test=${t#*:}
  log=target/fuzz-$test.log
  echo "== $test ($module)"
  if ./mvnw -B -ntp -q ${MAVEN_ARGS_EXTRA:-} -pl "$module" test -Dtest="$test" \
      -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dspotless.check.skip=true >"$log" 2>&1; then
    echo "   $(grep -E '^Done [0-9]+ runs' "$log" | tail -1 || echo 'no run count (see '"$log"')'); no finding"
  else
    status=1
    echo "   FINDING or failure: see $log"
    grep -E 'FuzzTestFinding|crash-|Exception' "$log" | head -5 | sed 's/^/   /'
  fi
done
exit $status
