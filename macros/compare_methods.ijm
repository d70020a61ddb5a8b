// XAI-CLIP: each method over the whole image (full) and only around the region (roi), on one image, in one table —
// Plugins>XAI-CLIP>Compare Explanations... — saved as CSV.
//
// Arguments, for the command line (ImageJ -batch compare_methods.ijm "...") or runMacro():
//   image=FILE output=FILE.csv seg_model=DIR target=CLASS
// optional:
//   roi_source=text|prediction|none      where the region comes from (default text, with clip_model=DIR prompt=TEXT)
//   methods=occlusion,rise,lime          the methods to compare (default all three)
//   labels=FILE label_value=N            ground truth for Dice, IoU and the pointing game
//   options=[...]                        more options of Compare Explanations..., e.g. options=[masks=200 samples=200]
// Run from the menu without arguments, it compares on the active image and asks for the rest in a dialog.
// The CSV is written under a temporary name and renamed into place once whole.

args = getArgument();
if (args == "") {
	if (nImages == 0) exit("compare_methods: no image is open; open the image to explain first (File>Open...)");
	Dialog.create("XAI-CLIP: compare methods on " + getTitle());
	Dialog.addDirectory("seg_model", "");
	Dialog.addString("target", "liver", 20);
	Dialog.addChoice("roi_source", newArray("text", "prediction"), "text");
	Dialog.addDirectory("clip_model", "");
	Dialog.addString("prompt", "liver", 20);
	Dialog.addString("methods", "occlusion,rise,lime", 20);
	Dialog.addString("options", "", 40);
	Dialog.addFile("output", getDirectory("home") + "xai-clip-comparison.csv");
	Dialog.show();
	segModel = Dialog.getString();
	target = Dialog.getString();
	roiSource = Dialog.getChoice();
	clipModel = Dialog.getString();
	prompt = Dialog.getString();
	methods = Dialog.getString();
	options = Dialog.getString();
	output = Dialog.getString();
	image = getImageID();
	truth = "";
} else {
	path = value("image", "");
	output = value("output", "");
	segModel = value("seg_model", "");
	target = value("target", "");
	roiSource = value("roi_source", "text");
	clipModel = value("clip_model", "");
	prompt = value("prompt", "");
	methods = value("methods", "occlusion,rise,lime");
	labels = value("labels", "");
	labelValue = value("label_value", "0");
	options = value("options", "");
	if (path == "" || !File.exists(path)) exit("compare_methods: image=" + path + " not found; expected an image file");
	if (output == "") exit("compare_methods: output missing; expected the CSV file to write");
	setBatchMode(true);
	truth = "";
	if (labels != "") {
		open(labels);
		rename("ground truth");
		truth = " gt_labels=[ground truth] gt_value=" + labelValue;
	}
	open(path);
	image = getImageID();
}

table = "XAI-CLIP Results";
if (isOpen(table)) Table.reset(table);
selectImage(image);
run("Compare Explanations...", "seg_model=[" + segModel + "] target=[" + target + "] roi_source=" + roiSource + " clip_model=[" + clipModel
	+ "] prompt=[" + prompt + "] methods=[" + methods + "]" + truth + " " + options);
tmp = File.getParent(output) + File.separator + ".xai-clip-" + File.getName(output);
Table.save(tmp, table);
if (!File.rename(tmp, output)) exit("compare_methods: cannot move " + tmp + " to " + output);
print("XAI-CLIP: compared " + methods + " in full and roi mode; " + Table.size(table) + " rows in " + output);

// The value of key=... in the arguments (brackets for values with spaces), or the default.
function value(key, default) {
	return call("ij.Macro.getValue", getArgument() + " ", key, default);
}
