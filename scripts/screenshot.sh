#!/usr/bin/env bash
# Rebuilds docs/imagej-screenshot.png: plain ImageJ (Debian's imagej) with the XAI-CLIP plugin of target/, under Xvfb,
# explaining a CT slice from a text prompt (scripts/screenshot.ijm). Needs: mvn package first, imagej, xvfb, imagemagick
# (import), and a window manager for the title bars (openbox, used when installed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
zip=$(ls target/XAI_CLIP-*-imagej.zip | head -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unzip -q "$zip" -d "$work"
export TF_CPP_MIN_LOG_LEVEL=2
rm -f docs/imagej-screenshot.png
timeout 300 xvfb-run -a -s "-screen 0 1500x800x24" bash -c '
	if command -v openbox >/dev/null; then openbox & sleep 1; fi
	java -Xmx2g -cp "$1" ij.ImageJ -ijpath "$2" -macro "$3" "$4"' screenshot "${IJ_JAR:-/usr/share/java/ij.jar}" "$work/ImageJ" \
	"$root/scripts/screenshot.ijm" "$root" || true
[ -f docs/imagej-screenshot.png ] || { echo "screenshot: no docs/imagej-screenshot.png written" >&2; exit 1; }
echo "wrote docs/imagej-screenshot.png"
