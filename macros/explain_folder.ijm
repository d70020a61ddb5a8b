// XAI-CLIP: explain every image in a folder and save the results.
//
// For each image (TIFF, DICOM, PNG, ... that ImageJ opens) in the input folder: Plugins>XAI-CLIP>Explain Segmentation...
// on every slice, then in the output folder
//   <name>_<method>_<mode>_saliency.tif   the 32-bit saliency map, calibrated like the image
//   <name>_<method>_<mode>_overlay.png    the image in grey, the saliency in heat colours, the region outlined
//   results.csv                           the "XAI-CLIP Results" table of every image done so far
// Each file is written under a temporary name (in <output>/.xai-clip-partial/) and renamed into place once whole, so
// a run that stops (Esc, an error) leaves only complete files, for the images that were finished.
//
// Arguments, for the command line (ImageJ -batch explain_folder.ijm "...") or runMacro():
//   input=DIR output=DIR seg_model=DIR clip_model=DIR prompt=TEXT target=CLASS method=occlusion|rise|lime mode=roi|full
// optional:
//   roi_source=text|prediction|none   where the region comes from (default text; prediction and none need no clip_model)
//   labels=DIR label_value=N          ground truth: label images of the same names; N the target's label (0: non-zero)
//   options=[...]                     more options of Explain Segmentation..., e.g. options=[stride=8 faithfulness_steps=0]
// Values with spaces go in brackets: prompt=[left kidney]. Run from the menu without arguments, it asks in a dialog.

args = getArgument();
if (args == "") {
	Dialog.create("XAI-CLIP: explain a folder");
	Dialog.addDirectory("input", "");
	Dialog.addDirectory("output", "");
	Dialog.addDirectory("seg_model", "");
	Dialog.addDirectory("clip_model", "");
	Dialog.addString("prompt", "liver", 20);
	Dialog.addString("target", "liver", 20);
	Dialog.addChoice("method", newArray("occlusion", "rise", "lime"), "occlusion");
	Dialog.addChoice("mode", newArray("roi", "full"), "roi");
	Dialog.addChoice("roi_source", newArray("text", "prediction", "none"), "text");
	Dialog.addDirectory("labels", "");
	Dialog.addNumber("label_value", 0);
	Dialog.addString("options", "", 40);
	Dialog.show();
	input = Dialog.getString();
	output = Dialog.getString();
	segModel = Dialog.getString();
	clipModel = Dialog.getString();
	prompt = Dialog.getString();
	target = Dialog.getString();
	method = Dialog.getChoice();
	mode = Dialog.getChoice();
	roiSource = Dialog.getChoice();
	labels = Dialog.getString();
	labelValue = Dialog.getNumber();
	options = Dialog.getString();
} else {
	input = value(args, "input", "");
	output = value(args, "output", "");
	segModel = value(args, "seg_model", "");
	clipModel = value(args, "clip_model", "");
	prompt = value(args, "prompt", "");
	target = value(args, "target", "");
	method = value(args, "method", "occlusion");
	mode = value(args, "mode", "roi");
	roiSource = value(args, "roi_source", "text");
	labels = value(args, "labels", "");
	labelValue = parseFloat(value(args, "label_value", "0"));
	options = value(args, "options", "");
}
if (input == "" || !File.isDirectory(input)) exit("explain_folder: input=" + input + " is not a folder; expected the folder of images to explain");
if (output == "") exit("explain_folder: output missing; expected the folder to write the results to");
if (labels != "" && !File.isDirectory(labels)) exit("explain_folder: labels=" + labels + " is not a folder; expected the ground-truth label images");
input = folder(input);
output = folder(output);
if (labels != "") labels = folder(labels);

table = "XAI-CLIP Results";
partial = output + ".xai-clip-partial" + File.separator;
File.makeDirectory(output);
File.makeDirectory(partial);
if (!File.isDirectory(partial)) exit("explain_folder: cannot write to " + output);
setBatchMode(true);
if (isOpen(table)) Table.reset(table);

files = getFileList(input);
Array.sort(files);
done = 0;
for (i = 0; i < files.length; i++) {
	name = files[i];
	if (endsWith(name, "/") || startsWith(name, ".") || !isImage(name)) continue;
	open(input + name);
	image = getImageID();
	title = getTitle();
	stem = File.nameWithoutExtension;
	truth = "";
	if (labels != "") {
		if (!File.exists(labels + name)) exit("explain_folder: no ground truth " + labels + name + " for " + input + name);
		open(labels + name);
		rename("truth of " + title);
		truth = " gt_labels=[truth of " + title + "] gt_value=" + labelValue;
		selectImage(image);
	}
	print("XAI-CLIP: " + name + " (" + (done + 1) + ")");
	run("Explain Segmentation...", "seg_model=[" + segModel + "] target=[" + target + "] roi_source=" + roiSource + " prompt=[" + prompt
		+ "] clip_model=[" + clipModel + "] method=" + method + " mode=" + mode + " slices=all" + truth + " " + options);
	base = stem + "_" + method + "_" + mode;
	selectImage(base + "_saliency");
	saveWhole(partial + base + "_saliency.tif", output + base + "_saliency.tif", "Tiff");
	selectImage(base + "_overlay");
	saveWhole(partial + base + "_overlay.png", output + base + "_overlay.png", "PNG");
	Table.save(partial + "results.csv", table);
	moveIntoPlace(partial + "results.csv", output + "results.csv");
	close("*");
	done++;
}
removed = File.delete(partial);
setBatchMode(false);
print("XAI-CLIP: explained " + done + " image(s) of " + input + "; results in " + output);

// The value of key=... in the arguments (brackets for values with spaces), or the default.
function value(args, key, default) {
	return call("ij.Macro.getValue", args + " ", key, default);
}

function folder(path) {
	if (!endsWith(path, "/") && !endsWith(path, File.separator)) path = path + File.separator;
	return path;
}

function isImage(name) {
	n = toLowerCase(name);
	exts = newArray(".tif", ".tiff", ".dcm", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".pgm", ".fits", ".nrrd", ".zip");
	for (e = 0; e < exts.length; e++)
		if (endsWith(n, exts[e])) return true;
	return false;
}

// Saves the active image to tmp, then moves it to path: a file appears under its name only when whole.
function saveWhole(tmp, path, format) {
	saveAs(format, tmp);
	moveIntoPlace(tmp, path);
}

function moveIntoPlace(tmp, path) {
	if (File.rename(tmp, path)) return; // replaces an older file at once where the system allows (Linux, macOS)
	if (File.exists(path)) deleted = File.delete(path);
	if (!File.rename(tmp, path)) exit("explain_folder: cannot move " + tmp + " to " + path);
}
