#!/usr/bin/env bash
# Fuzzes every parser of untrusted bytes with Jazzer, one fuzz test after the other, and prints per target the
# executions, the coverage Jazzer reports (edges and features) and the findings.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     e.g. scripts/fuzz.sh 300, scripts/fuzz.sh 60 image.TiffFuzzTest#read
#   scripts/fuzz.sh --runs N [TARGET...]                 e.g. scripts/fuzz.sh --runs 20000 (what scripts/test.sh runs)
#
# SECONDS_PER_TARGET defaults to 300. With --runs, each target runs N inputs from its committed seeds only, with a
# fixed random seed: the same inputs on every machine for the same code, so that the short run in CI fails only on
# what a change brought, and fails the same way when run again. A finding is an input for which a parser threw anything but its one-line
# user error (or allocated far more than the input, or ran out of heap), or took over 10 s: Jazzer saves it as
# crash-, timeout- or slow-unit-<sha1> beside the seeds, in
# src/test/resources/io/github/xaiclip/<package>/<Class>Inputs/<method>/, where `mvn verify` replays it from then on.
# Fix the parser, give the file a name saying what it is, and commit both.
#
# The corpus that fuzzing grows is kept in target/fuzz/corpus between runs (`mvn clean` forgets it) and is moved to
# .cifuzz-corpus, where Jazzer looks for it, only while fuzzing, so that `mvn verify` replays the committed inputs
# only. Logs: target/fuzz/<target>.log. Runs under nice: the fuzzer takes a whole core.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=
if [ "${1:-}" = --runs ]; then
	runs=$2
	shift 2
	seconds=600 # a bound only: the runs end it
else
	seconds=${1:-300}
	shift || true
fi
all=(image.TiffFuzzTest#read image.DicomFuzzTest#read image.NiftiFuzzTest#read model.DescriptorFuzzTest#read
	model.ClipBpeTokenizerFuzzTest#vocab model.ClipBpeTokenizerFuzzTest#merges model.ClipBpeTokenizerFuzzTest#tokens
	tf.SavedModelFuzzTest#pb tf.SavedModelFuzzTest#pbtxt)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

# Libraries whose code parses the bytes too: instrumented for coverage feedback (the project's classes always are).
instrument() {
	case $1 in
		*Tiff*) echo 'io.github.xaiclip.**,ij.io.**' ;;
		*Dicom*) echo 'io.github.xaiclip.**,ij.io.**,ij.plugin.DICOM*,ij.plugin.DicomDecoder*' ;;
		*Descriptor*) echo 'io.github.xaiclip.**,org.yaml.snakeyaml.**' ;;
		*SavedModel*) echo 'io.github.xaiclip.**,com.google.protobuf.**' ;;
		*) echo 'io.github.xaiclip.**' ;;
	esac
}

# What libFuzzer names the inputs it saves: exceptions and errors, inputs over -timeout, inputs over 10 s.
finding='^(crash|timeout|slow-unit|oom)-'
findings() {
	ls "$1" 2>/dev/null | grep -cE "$finding" || true
}

out=target/fuzz
mkdir -p "$out/corpus"
if [ -e .cifuzz-corpus ]; then
	echo ".cifuzz-corpus exists (an interrupted run?); move it into $out/corpus or remove it first" >&2
	exit 2
fi
if [ -n "$runs" ]; then # from the seeds alone, and forget what it grows
	mkdir .cifuzz-corpus
	trap 'rm -rf .cifuzz-corpus' EXIT
	limits=(-Djazzer.internal.arg.3=-runs="$runs" -Djazzer.internal.arg.4=-seed=1)
else
	mv "$out/corpus" .cifuzz-corpus
	trap 'mv .cifuzz-corpus "$out/corpus"' EXIT
	limits=()
fi

nice -n 19 mvn -B -ntp -q test-compile

printf '%-40s %6s %10s %8s %6s %7s %8s  %s\n' target seconds executions exec/s edges features corpus findings
failed=0
for t in "${targets[@]}"; do
	class=${t%%#*}
	method=${t#*#}
	inputs=src/test/resources/io/github/xaiclip/${class%%.*}/${class#*.}Inputs/$method
	before=$(findings "$inputs")
	log=$out/${class#*.}-$method.log
	# Jazzer's JUnit integration takes libFuzzer's flags from these properties; the last -max_total_time wins
	# over the @FuzzTest(maxDuration) of the test.
	set +e
	JAZZER_FUZZ=1 nice -n 19 mvn -B -ntp surefire:test@fuzz -Dtest="${class#*.}#$method" \
		-Djazzer.instrument="$(instrument "$class")" -Djazzer.internal.arg.0=fuzz \
		-Djazzer.internal.arg.1=-max_total_time="$seconds" -Djazzer.internal.arg.2=-timeout=60 "${limits[@]}" >"$log" 2>&1
	rc=$?
	set -e
	after=$(findings "$inputs")
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
	took=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -1)
	stat=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)
	edges=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$stat")
	features=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$stat")
	corpus=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$stat")
	if [ -z "$runs" ]; then # stopped at a finding: libFuzzer prints no "Done" line, the last status line has the count
		runs=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$stat")
		took='-'
	fi
	found=$((after - before))
	rate='-'
	[ "$took" != '-' ] && [ "${took:-0}" -gt 0 ] && rate=$((runs / took))
	printf '%-40s %6s %10s %8s %6s %7s %8s  %s\n' "$t" "${took:--}" "${runs:--}" "$rate" "${edges:--}" "${features:--}" "${corpus:--}" "$found"
	if [ "$found" -gt 0 ]; then
		failed=1
		ls -t "$inputs" | grep -E "$finding" | head -n "$found" | sed "s|^|    new finding: $inputs/|"
		grep -m1 -E 'FuzzTestFindingException|^== Java Exception' "$log" | sed 's/^/    /' || true
	elif [ $rc -ne 0 ]; then
		failed=1
		echo "    failed without a finding (mvn exit $rc); see $log"
	fi
done
exit $failed
