#@ File (label = "Image", style = "open") image_file
#@ File (label = "Segmentation model", style = "directory") seg_model
#@ String (label = "Target class", value = "liver") target
#@ String (label = "Region from", choices = {"text", "prediction", "none"}, value = "text") roi_source
#@ File (label = "Vision-language model", style = "directory", required = false) clip_model
#@ String (label = "Text prompt", value = "liver", required = false) prompt
#@ String (label = "Method", choices = {"occlusion", "rise", "lime"}, value = "occlusion") method
#@ String (label = "Mode", choices = {"roi", "full"}, value = "roi") mode
#@ File (label = "Output folder", style = "directory") output
#@ CommandService command
#@ LogService log

// XAI-CLIP without a display: explains one image with Plugins>XAI-CLIP>Explain Segmentation... through SciJava's
// command service and saves the saliency map, the overlay and the table row. In Fiji (jar in Fiji.app/jars):
//
//   ./ImageJ-linux64 --headless --console --run macros/explain_headless.groovy \
//     'image_file="ct.tif",seg_model="models/ct-unet",target="liver",roi_source="text",clip_model="models/ct-clip",prompt="liver",method="occlusion",mode="roi",output="out"'
//
// The command takes the same parameters as in the menu and in macros (see the README); any of them can be added to
// the run(...) call below as a further name, value pair.

import ij.IJ
import io.github.xaiclip.imagej.ExplainSegmentationCommand
import io.github.xaiclip.imagej.ResultsTables

import java.nio.file.Files
import java.nio.file.StandardCopyOption

// writes a file under a hidden temporary name and moves it into place once whole
def place = { File file, Closure write ->
	def tmp = new File(file.parentFile, "." + file.name)
	write(tmp.path)
	Files.move(tmp.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
}

def imp = IJ.openImage(image_file.path)
if (imp == null) {
	log.error("XAI-CLIP: image_file: " + image_file + " cannot be opened as an image")
	return
}
def module = command.run(ExplainSegmentationCommand, true,
	"image", imp, "seg_model", seg_model, "target", target, "roi_source", roi_source, "clip_model", clip_model, "prompt", prompt,
	"method", method, "mode", mode, "slices", "all").get()
if (module.isCanceled()) {
	// the reason says which parameter to fix; it has been logged once already
	return
}
output.mkdirs()
def saliency = module.getOutput("saliency")
def overlay = module.getOutput("overlay")
place(new File(output, saliency.title + ".tif")) { path -> IJ.saveAsTiff(saliency, path) }
place(new File(output, overlay.title + ".png")) { path -> IJ.saveAs(overlay, "PNG", path) }
place(new File(output, "results.csv")) { path -> ResultsTables.get().saveAs(path) }
log.info("XAI-CLIP: " + saliency.title + " and " + overlay.title + " saved in " + output)
