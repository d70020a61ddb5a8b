// Checks what macros/explain_folder.ijm wrote, by values: run by scripts/imagej-e2e.sh in the same ImageJ.
// Arguments: out=DIR labels=DIR label_value=N method=M mode=M
// Prints one line per check, "e2e ok: ..." or "e2e FAIL: ...", and at the end "e2e: N checks, F failed".

var args = "";
var checks = 0;
var failed = 0;

args = getArgument();
out = arg("out");
labels = arg("labels");
value = parseFloat(arg("label_value"));
suffix = "_" + arg("method") + "_" + arg("mode");
setBatchMode(true);

files = getFileList(labels);
Array.sort(files);
names = newArray(0);
for (i = 0; i < files.length; i++)
	if (endsWith(files[i], ".tif")) names = Array.concat(names, files[i]);
check((names.length > 0), "ground-truth label files found: " + names.length);

// every output is whole and in place: no leftovers of the temporary folder
written = getFileList(out);
check((written.length == 2 * names.length + 1), "output holds " + 2 * names.length + 1 + " files (a TIFF and a PNG per image, results.csv), found " + written.length);
check((!File.exists(out + ".xai-clip-partial")), "no temporary folder left");

Table.open(out + "results.csv");
table = "results.csv";
check((Table.headings(table) == "image\tslice\ttarget\tmethod\tmode\tevaluations\tseconds\troi_fraction\tdice\tiou\tdeletion_auc\tinsertion_auc\tpointing_hit"),
	"results.csv has the columns of the XAI-CLIP Results table: " + Table.headings(table));
check((Table.size(table) == names.length), "results.csv has one row per image: " + Table.size(table));

for (i = 0; i < names.length; i++) {
	name = names[i];
	stem = substring(name, 0, lengthOf(name) - 4);
	open(labels + name);
	truth = getImageID();
	w = getWidth();
	h = getHeight();

	// the saliency TIFF: 32-bit, the input's size and calibration, its maximum in the liver
	open(out + stem + suffix + "_saliency.tif");
	saliency = getImageID();
	getPixelSize(unit, pw, ph);
	check((bitDepth() == 32 && getWidth() == w && getHeight() == h), stem + " saliency is 32-bit " + w + "x" + h + ": " + bitDepth() + "-bit " + getWidth() + "x" + getHeight());
	check((unit == "mm" && abs(pw - 3) < 0.01 && abs(ph - 3) < 0.01), stem + " saliency is calibrated in 3 mm pixels: " + pw + " " + unit);
	getStatistics(area, mean, min, max);
	check((max > 0), stem + " saliency has positive values: max " + max);
	n = w * h;
	s = newArray(n);
	inLiver = 0;
	gtArea = 0;
	mx = -1;
	my = -1;
	best = -1e30;
	sumIn = 0;
	sumAll = 0;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			v = getPixel(x, y);
			s[y * w + x] = v;
			if (v > best) { best = v; mx = x; my = y; }
		}
	selectImage(truth);
	gt = newArray(n);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			g = getPixel(x, y) == value;
			gt[y * w + x] = g;
			gtArea += g;
			if (s[y * w + x] > 0) { sumAll += s[y * w + x]; if (g) sumIn += s[y * w + x]; }
		}
	check((gt[my * w + mx]), stem + " saliency maximum at (" + mx + ", " + my + ") lies in the liver");
	check((sumIn / sumAll > 0.5), stem + " most positive saliency lies in the liver: " + d2s(sumIn / sumAll, 3));

	// the Dice in results.csv is the saved map's: its top-|liver| pixels against the liver
	ranks = Array.rankPositions(s);
	hits = 0;
	for (k = n - gtArea; k < n; k++) hits += gt[ranks[k]];
	dice = 2 * hits / (2 * gtArea);
	row = -1;
	for (r = 0; r < Table.size(table); r++) if (Table.getString("image", r, table) == name) row = r;
	check((row >= 0), stem + " has a row in results.csv");
	if (row >= 0) {
		check((abs(Table.get("dice", row, table) - dice) < 0.02), stem + " Dice in results.csv " + Table.get("dice", row, table) + " is the saved map's " + d2s(dice, 4));
		check((Table.get("dice", row, table) > 0.5), stem + " Dice > 0.5: " + Table.get("dice", row, table));
		check((Table.get("pointing_hit", row, table) == 1), stem + " pointing_hit is 1");
		check((Table.getString("target", row, table) == "liver" && Table.getString("method", row, table) + "_" + Table.getString("mode", row, table) == substring(suffix, 1)),
			stem + " row is the liver, " + substring(suffix, 1));
		ev = Table.get("evaluations", row, table);
		check((ev > 20 && ev < w * h / 32), stem + " roi mode evaluated " + ev + " windows, under half of full mode's (" + w + "/4) x (" + h + "/4)");
		f = Table.get("roi_fraction", row, table);
		check((f > 0 && f < 0.5), stem + " roi_fraction in (0, 0.5): " + f);
		check((Table.get("deletion_auc", row, table) < Table.get("insertion_auc", row, table)), stem + " deletion AUC below insertion AUC");
	}

	// the overlay PNG: RGB of the same size, the region outlined in cyan, the liver in green, heat on the liver
	open(out + stem + suffix + "_overlay.png");
	check((bitDepth() == 24 && getWidth() == w && getHeight() == h), stem + " overlay is RGB " + w + "x" + h);
	cyan = 0;
	green = 0;
	warm = 0;
	warmInLiver = 0;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++) {
			c = getPixel(x, y) & 0xffffff;
			if (c == 0x00e6ff) cyan++;
			if (c == 0x3cdc3c) green++;
			if (((c >> 16) & 0xff) - (c & 0xff) > 40) {
				warm++;
				warmInLiver += gt[y * w + x];
			}
		}
	check((cyan > 50 && green > 50), stem + " overlay outlines: " + cyan + " cyan, " + green + " green pixels");
	check((warm > 50 && warmInLiver / warm > 0.5), stem + " overlay heat (red over blue) lies mostly in the liver: " + warmInLiver + " of " + warm + " pixels");
	close("*");
}
print("e2e: " + checks + " checks, " + failed + " failed");

function check(ok, what) {
	checks++;
	if (ok) print("e2e ok: " + what);
	else {
		failed++;
		print("e2e FAIL: " + what);
	}
}

function arg(key) {
	v = call("ij.Macro.getValue", args + " ", key, "");
	if (v == "") exit("imagej-e2e-check: " + key + "=... missing");
	if (key == "out" || key == "labels") if (!endsWith(v, "/")) v = v + "/";
	return v;
}
