#!/bin/bash
# A real single-node SLURM cluster on this machine (munge, slurmctld and slurmd on localhost, Debian's slurm-wlm),
# and explain-array.sbatch run on it as a job array of 2 over 4 inputs: every input explained once, all outputs
# complete and correct, merged into one table. Needs root (it installs packages and writes /etc/slurm).
#
#   scripts/slurm/test-local-slurm.sh            (after mvn package)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
jar=$(ls target/XAI_CLIP-*.jar | head -n 1)
[ -f "$jar" ] || { echo "build first: mvn -B -ntp package -DskipTests" >&2; exit 2; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

marker="# written by xai-clip's scripts/slurm/test-local-slurm.sh"
if [ -f /etc/slurm/slurm.conf ] && ! grep -qF "$marker" /etc/slurm/slurm.conf; then
	echo "test-local-slurm: /etc/slurm/slurm.conf exists and is not this test's; not touching a real SLURM set-up" >&2
	exit 2
fi
host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ { print int($2 / 1024) - 1024 }' /proc/meminfo)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /etc/munge
cat > /etc/slurm/slurm.conf <<CONF
$marker
ClusterName=xaiclip-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
[ -f /etc/munge/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null; }
chown -R munge:munge /etc/munge /run/munge 2>/dev/null || true
chmod 400 /etc/munge/munge.key
pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged 2>/dev/null || /usr/sbin/munged --force
pkill -x slurmctld || true
pkill -x slurmd || true
sleep 1
slurmctld
slurmd
for i in $(seq 60); do
	sinfo -h -o %T 2>/dev/null | grep -qE '^idle' && break
	sleep 1
done
sinfo

work=$(mktemp -d)
trap 'rm -rf "$work"; pkill -x slurmd || true; pkill -x slurmctld || true' EXIT
mkdir -p "$work/in"
for name in a b c d; do
	cp test-data/totalseg-abdomen-ct/example_ct_sm.nii.gz "$work/in/ct_$name.nii.gz"
done
start=$(date +%s)
sbatch --wait --array=0-1 --cpus-per-task=1 --mem=3G --chdir="$root" --output="$work/slurm-%A_%a.log" \
	scripts/slurm/explain-array.sbatch "$work/in" "$work/out" --slice 23 --seg-model test-data/models/ct-unet \
	--clip-model test-data/models/ct-clip --prompt liver --target liver \
	--ground-truth test-data/totalseg-abdomen-ct/example_seg.nii.gz --gt-value 5
echo "array of 2 done in $(( $(date +%s) - start )) s"
cat "$work"/slurm-*.log | grep -v '^progress' | grep -v tensorflow || true

fail=0
for name in a b c d; do
	[ -f "$work/out/ct_$name/results.csv" ] || { echo "FAIL: ct_$name has no results.csv"; fail=1; }
done
for s in 0 1; do
	rows=$(($(wc -l < "$work/out/results-shard-$s-of-2.csv") - 1))
	[ "$rows" = 2 ] || { echo "FAIL: shard $s has $rows rows, expected 2"; fail=1; }
done
java -jar "$jar" merge "$work/out" --input "$work/in" || fail=1
[ "$(($(wc -l < "$work/out/results.csv") - 1))" = 4 ] || { echo "FAIL: merged table has not 4 rows"; fail=1; }
# the same slice four times: four identical maps, each with the liver found (saliency Dice > 0.85)
sums=$(for name in a b c d; do md5sum < "$work/out/ct_$name/ct_${name}_liver_occlusion_roi_saliency.tif"; done | sort -u | wc -l)
[ "$sums" = 1 ] || { echo "FAIL: the four maps differ"; fail=1; }
awk -F, 'NR > 1 && $9 < 0.85 { print "FAIL: Dice " $9 " for " $1; bad = 1 } END { exit bad }' "$work/out/results.csv" || fail=1
find "$work/out" -name '*.part' | grep . && { echo "FAIL: partial files left"; fail=1; }
cat "$work/out/results.csv"
[ $fail = 0 ] && echo "SLURM job array test: passed" || echo "SLURM job array test: FAILED"
exit $fail
