#!/usr/bin/env bash
# End-to-end test in real hosts, after `mvn package` (or verify) has built the distributions in target/:
#  1. plain ImageJ 1.x (Debian's imagej, /usr/share/java/ij.jar) under Xvfb: unpack XAI_CLIP-*-imagej.zip into a fresh
#     ImageJ folder, run its macros/XAI-CLIP/explain_folder.ijm on test-data/ct-slices, and check the saved TIFFs, PNGs
#     and results.csv by their values (scripts/imagej-e2e-check.ijm, in the same ImageJ);
#  2. the same macro with a model folder that does not exist: one log line, the macro stops, nothing is written;
#  3. the Fiji layout of XAI_CLIP-*-fiji.zip, headless: with Fiji.app/jars and the jars Fiji ships (ImageJ, ImgLib2,
#     SciJava) on the class path, SciJava runs Explain Segmentation on a CT slice and the TensorFlow runtime loads
#     from Fiji.app/lib/xai-clip (scripts/FijiLayoutCheck.java).
# Needs: java, unzip, xvfb-run (apt-get install imagej xvfb). IJ_JAR overrides the ImageJ jar.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
ij_jar=${IJ_JAR:-/usr/share/java/ij.jar}
limit=${E2E_TIMEOUT:-300}

fail() {
	echo "imagej-e2e: FAIL: $*" >&2
	exit 1
}

for tool in java unzip xvfb-run timeout; do
	command -v "$tool" >/dev/null || fail "$tool not found; install it (apt-get install imagej xvfb unzip)"
done
[ -f "$ij_jar" ] || fail "$ij_jar not found; install Debian's imagej or set IJ_JAR"
imagej_zip=$(ls target/XAI_CLIP-*-imagej.zip 2>/dev/null | head -n 1)
fiji_zip=$(ls target/XAI_CLIP-*-fiji.zip 2>/dev/null | head -n 1)
[ -n "$imagej_zip" ] && [ -n "$fiji_zip" ] || fail "no distribution zips in target/; run mvn -B -ntp package first"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TF_CPP_MIN_LOG_LEVEL=2

# runs ImageJ with a batch macro on a virtual display; on a hang (a dialog waiting for a click) it saves a screenshot
imagej() {
	local log=$1 macro=$2 args=$3
	xvfb-run -a -s "-screen 0 1280x1024x24" bash -c '
		timeout "$1" java -Xmx2g -cp "$2" ij.ImageJ -ijpath "$3" -batch "$4" "$5"
		rc=$?
		if [ "$rc" = 124 ] && command -v import >/dev/null; then import -window root "$6"; fi
		exit "$rc"' imagej "$limit" "$ij_jar" "$work/ImageJ" "$macro" "$args" "$work/hang.png" >"$log" 2>&1
}

echo 'print(getVersion());' >"$work/version.ijm"
echo "imagej-e2e: ImageJ $(java -Djava.awt.headless=true -cp "$ij_jar" ij.ImageJ -batch "$work/version.ijm" 2>/dev/null | tail -n 1) ($ij_jar), $(java -version 2>&1 | head -n 1)"
unzip -q "$imagej_zip" -d "$work"
[ -f "$work/ImageJ/plugins/$(basename "${imagej_zip%-imagej.zip}").jar" ] || fail "the ImageJ zip lacks ImageJ/plugins/XAI_CLIP-*.jar"
[ -f "$work/ImageJ/macros/XAI-CLIP/explain_folder.ijm" ] || fail "the ImageJ zip lacks ImageJ/macros/XAI-CLIP/explain_folder.ijm"

# 1. the folder macro on the committed CT slices
data=$root/test-data
out=$work/out
start=$(date +%s)
imagej "$work/explain.log" "$work/ImageJ/macros/XAI-CLIP/explain_folder.ijm" \
	"input=$data/ct-slices/images output=$out seg_model=$data/models/ct-unet clip_model=$data/models/ct-clip prompt=liver target=liver method=occlusion mode=roi labels=$data/ct-slices/labels label_value=5" \
	|| { cat "$work/explain.log"; [ -f "$work/hang.png" ] && cp "$work/hang.png" target/imagej-e2e-hang.png && echo "screenshot: target/imagej-e2e-hang.png"; fail "explain_folder.ijm did not finish"; }
seconds=$(($(date +%s) - start))
grep -v '^[IW]0000\|^WARNING: All log' "$work/explain.log" | sed 's/^/  /'
grep -q "XAI-CLIP: explained 3 image(s)" "$work/explain.log" || fail "explain_folder.ijm did not explain the 3 slices"
echo "imagej-e2e: explain_folder.ijm explained 3 CT slices in plain ImageJ in ${seconds} s"

imagej "$work/check.log" "$root/scripts/imagej-e2e-check.ijm" \
	"out=$out labels=$data/ct-slices/labels label_value=5 method=occlusion mode=roi" \
	|| { cat "$work/check.log"; fail "the check macro did not finish"; }
grep '^e2e' "$work/check.log" | sed 's/^/  /'
grep -q '^e2e: [0-9]* checks, 0 failed' "$work/check.log" || fail "the saved outputs did not pass their checks"

# the comparison macro: full and roi mode of two methods on one slice, one table
imagej "$work/compare.log" "$work/ImageJ/macros/XAI-CLIP/compare_methods.ijm" \
	"image=$data/ct-slices/images/ct_z17.tif output=$work/compare.csv seg_model=$data/models/ct-unet roi_source=prediction target=liver methods=occlusion,lime labels=$data/ct-slices/labels/ct_z17.tif label_value=5 options=[stride=8 superpixels=30 samples=60 faithfulness_steps=0]" \
	|| { cat "$work/compare.log"; fail "compare_methods.ijm did not finish"; }
rows=$(awk -F, 'NR > 1 { printf "%s %s %s|", $4, $5, ($6 > 0 && $9 > 0) ? "ok" : "bad" }' "$work/compare.csv")
[ "$rows" = "occlusion full ok|occlusion roi ok|lime full ok|lime roi ok|" ] || { cat "$work/compare.csv"; fail "compare_methods.ijm: unexpected rows $rows"; }
awk -F, 'NR == 2 { full = $6 } NR == 3 { roi = $6 } END { exit !(roi < full) }' "$work/compare.csv" || fail "roi mode did not evaluate fewer occlusion windows than full mode"
sed 's/^/  /' "$work/compare.csv"
echo "imagej-e2e: compare_methods.ijm wrote one table of full and roi mode for occlusion and LIME"

# 2. a model folder that does not exist: one line that says what to fix, no outputs, no dialog left waiting
bad=$work/bad
imagej "$work/bad.log" "$work/ImageJ/macros/XAI-CLIP/explain_folder.ijm" \
	"input=$data/ct-slices/images output=$bad seg_model=$work/no-such-model clip_model=$data/models/ct-clip prompt=liver target=liver method=occlusion mode=roi" \
	|| { cat "$work/bad.log"; fail "explain_folder.ijm with a missing model did not end"; }
grep -q "^XAI-CLIP: seg_model: $work/no-such-model is not a folder; expected a model folder with xai-clip.yaml$" "$work/bad.log" \
	|| { cat "$work/bad.log"; fail "no one-line message naming seg_model"; }
grep -q "explained .* image(s)" "$work/bad.log" && fail "the macro went on after the error"
written=$(find "$bad" -type f | wc -l)
[ "$written" = 0 ] || fail "a refused run wrote $written file(s)"
echo "imagej-e2e: a missing model folder gives one line and writes nothing"

# 3. the Fiji layout: only Fiji.app/jars (and what Fiji itself ships) on the class path
unzip -q "$fiji_zip" -d "$work/fiji"
fiji=$work/fiji/Fiji.app
[ -n "$(ls "$fiji"/lib/xai-clip/tensorflow-core-api-*.jar 2>/dev/null)" ] || fail "the Fiji zip lacks Fiji.app/lib/xai-clip/tensorflow-core-api-*.jar"
ls "$fiji"/jars | grep -qi tensorflow && fail "TensorFlow jars in Fiji.app/jars would sit on Fiji's class path"
host_jars=$(ls target/lib/ij-*.jar target/lib/imglib2-*.jar target/lib/scijava-common-*.jar target/lib/parsington-*.jar | tr '\n' ':')
java -Djava.awt.headless=true -cp "$fiji/jars/*:$host_jars" "$root/scripts/FijiLayoutCheck.java" "$data" >"$work/fiji.log" 2>&1 \
	|| { cat "$work/fiji.log"; fail "the Fiji layout did not run the command"; }
grep -v '^[IW]0000\|^WARNING: All log\|Ignoring unsupported output' "$work/fiji.log" | sed 's/^/  /'
grep -q "^runtime: TensorFlow" "$work/fiji.log" || fail "the TensorFlow runtime did not load from Fiji.app/lib/xai-clip"
echo "imagej-e2e: Fiji layout: the command runs headless and TensorFlow loads from Fiji.app/lib/xai-clip, off the class path"
echo "imagej-e2e: PASS"
