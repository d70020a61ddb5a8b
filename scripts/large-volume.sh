#!/bin/bash
# Explains every slice of a CT volume far larger than the Java heap, and reports the peak memory.
#
#   scripts/large-volume.sh [SLICES] [HEAP]        (after mvn package; defaults: 600 slices, 256m)
#
# The volume is the bundled CT resampled to 0.75 mm pixels (488 x 404) with each slice repeated to SLICES slices
# (int16, 0.15 mm apart): about 240 MB on disk and twice that as floats. It is explained with -Xmx HEAP and a
# memory budget of a quarter of it; the region is the model's own prediction of the liver.
set -euo pipefail
cd "$(dirname "$0")/.."
slices=${1:-600}
heap=${2:-256m}
jar=$(ls target/XAI_CLIP-*.jar | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

jshell --class-path "target/classes:$(ls target/lib/*.jar | tr '\n' ':')" -q > /dev/null <<JSH
import java.nio.*;
import java.nio.file.*;
var ct = io.github.xaiclip.image.Nifti.read(Path.of("test-data/totalseg-abdomen-ct/example_ct_sm.nii.gz"));
int f = 4, w = ct.width() * f, h = ct.height() * f, d = $slices, rep = Math.max(1, d / ct.depth());
var hdr = ByteBuffer.allocate(352).order(ByteOrder.LITTLE_ENDIAN);
hdr.putInt(0, 348);
short[] dim = { 3, (short) w, (short) h, (short) d, 1, 1, 1, 1 };
for (int i = 0; i < 8; i++) hdr.putShort(40 + 2 * i, dim[i]);
hdr.putShort(70, (short) 4); hdr.putShort(72, (short) 16);
float[] pix = { 1, 0.75f, 0.75f, 0.15f, 0, 0, 0, 0 };
for (int i = 0; i < 8; i++) hdr.putFloat(76 + 4 * i, pix[i]);
hdr.putFloat(108, 352); hdr.putFloat(112, 1); hdr.put(123, (byte) 2); hdr.putShort(254, (short) 1);
float[][] srow = { { -0.75f, 0, 0, 0 }, { 0, -0.75f, 0, 0 }, { 0, 0, 0.15f, 0 } };
for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) hdr.putFloat(280 + 16 * r + 4 * c, srow[r][c]);
hdr.put(344, (byte) 'n'); hdr.put(345, (byte) '+'); hdr.put(346, (byte) '1');
try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(Path.of("$work/big.nii")), 1 << 20)) {
	out.write(hdr.array());
	var b = ByteBuffer.allocate(2 * w * h).order(ByteOrder.LITTLE_ENDIAN);
	for (int z = 0; z < d; z++) {
		b.clear();
		int sz = Math.min(ct.depth() - 1, z / rep);
		for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) b.putShort((short) ct.get(x / f, y / f, sz));
		out.write(b.array());
	}
}
/exit
JSH
echo "volume: $(du -h "$work/big.nii" | cut -f1) on disk, $slices slices of 488 x 404 (int16), Java heap $heap"
budget=$(( $(numfmt --from=iec "${heap^^}") / 4 / 1048576 ))m
start=$(date +%s)
/usr/bin/time -v java "-Xmx$heap" "-Xlog:gc:file=$work/gc.log" -jar "$jar" explain --image "$work/big.nii" --all-slices --seg-model test-data/models/ct-unet \
	--roi-from-prediction --target liver --window 32 --stride 32 --faithfulness-steps 0 --memory-budget "$budget" --out "$work/out" \
	2> "$work/log" > "$work/table" || { tail -5 "$work/log"; exit 1; }
echo "explained in $(( $(date +%s) - start )) s with --memory-budget $budget"
echo "slices explained: $(( $(wc -l < "$work/out/results.csv") - 1 )), skipped (no liver): $(grep -c '^skipped' "$work/log" || true)"
grep -E "Maximum resident set size" "$work/log"
# the heap in use before each collection, at its highest: what the run really needed of -Xmx
peak=$(grep -oE '[0-9]+M->[0-9]+M' "$work/gc.log" | cut -dM -f1 | sort -n | tail -n 1)
echo "peak Java heap before a collection: ${peak:-?} MB of $heap ($(grep -c 'Pause' "$work/gc.log") collections)"
ls -la "$work/out"
