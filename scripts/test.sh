#!/usr/bin/env bash
# The project's tests, as CI runs them: the Maven build (unit tests, SciJava and macro tests, the fuzz tests'
# seeds and findings, the jar and the distribution zips); a short fuzz run of the parsers (3000 inputs each, fixed
# random seed, so the same inputs on every run of the same code; see scripts/fuzz.sh); the end-to-end test in a
# real ImageJ under Xvfb (scripts/imagej-e2e.sh); then, as root, the job-array script on a real single-node SLURM
# (scripts/slurm/test-local-slurm.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
mvn -B -ntp verify
scripts/fuzz.sh --runs 3000
scripts/imagej-e2e.sh
# a real single-node SLURM cluster (starts munge, slurmctld and slurmd; writes /etc/slurm): as root only
if [ "$(id -u)" = 0 ]; then
	scripts/slurm/test-local-slurm.sh
else
	echo "test.sh: the SLURM job-array test needs root (it starts SLURM's daemons); skipped"
fi
