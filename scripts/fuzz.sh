#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that read the network and operators' text (docs/fuzzing.md): every @FuzzTest
# of the modules below runs for FUZZ_SECONDS (default 10) with Jazzer, two at a time, each on its corpus under
# src/test/resources. CI runs it after 'mvn -B verify'; FUZZ_SECONDS=600 scripts/fuzz.sh is a longer campaign.
# A finding fails the run and is written next to the corpus as crash-<sha1>: keep it there, as a regression input,
# with the fix. Pass further Maven arguments after the script's name, e.g. -o or -pl bundles/engine -am.
set -euo pipefail
cd "$(dirname "$0")/.."

MODULES=bundles/engine,bundles/transport-tcp,bundles/shell,bundles/netconf-support
mvn -B test -Pfuzz -Dfuzz.seconds="${FUZZ_SECONDS:-10}" -pl "$MODULES" -am "$@"
