// Run by scripts/screenshot.sh in ImageJ's window under Xvfb: explains a CT slice with Explain Segmentation... and lays
// out the overlay, the saliency map, the results table and the ROI Manager for docs/imagej-screenshot.png.
// Argument: the repository's folder.
root = getArgument();
data = root + "/test-data/";
open(data + "ct-slices/labels/ct_z17.tif");
rename("ground truth");
open(data + "ct-slices/images/ct_z17.tif");
setMinAndMax(-160, 240); // the CT window, in Hounsfield units
run("Explain Segmentation...", "seg_model=[" + data + "models/ct-unet] target=liver roi_source=text prompt=liver clip_model=[" + data
	+ "models/ct-clip] method=occlusion mode=roi gt_labels=[ground truth] gt_value=5");
selectImage("ground truth");
close();
selectImage("ct_z17.tif");
run("Set... ", "zoom=200");
setLocation(0, 120);
selectImage("ct_z17_occlusion_roi_saliency");
run("Set... ", "zoom=200");
setLocation(265, 120);
selectImage("ct_z17_occlusion_roi_overlay");
run("Set... ", "zoom=400");
setLocation(530, 120);
Table.setLocationAndSize(0, 620, 1040, 150, "XAI-CLIP Results");
selectWindow("ROI Manager");
setLocation(1045, 120);
selectWindow("Log");
setLocation(1045, 420);
selectImage("ct_z17_occlusion_roi_overlay");
wait(2000);
exec("import", "-window", "root", root + "/docs/imagej-screenshot.png");
run("Quit");
