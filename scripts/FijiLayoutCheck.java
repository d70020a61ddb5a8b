import java.io.File;

import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import ij.IJ;
import ij.ImagePlus;
import io.github.xaiclip.model.ModelRuntimes;

/**
 * Run by scripts/imagej-e2e.sh with the unpacked Fiji.app/jars and the jars Fiji ships itself (ImageJ, ImgLib2,
 * SciJava) on the class path, headless, as Fiji runs a command from a script: SciJava finds the command in the
 * plugin jar, and the TensorFlow runtime, which is not on the class path, loads from Fiji.app/lib/xai-clip.
 * Arguments: the test-data folder.
 */
public class FijiLayoutCheck {

	public static void main(final String[] args) throws Exception {
		final File data = new File(args[0]);
		final ImagePlus image = IJ.openImage(new File(data, "ct-slices/images/ct_z17.tif").getPath());
		try (Context context = new Context()) {
			final CommandService commands = context.service(CommandService.class);
			final CommandInfo info = commands.getCommand("io.github.xaiclip.imagej.ExplainSegmentationCommand");
			if (info == null) throw new AssertionError("SciJava does not find Explain Segmentation in the plugin jar");
			System.out.println("command: " + info.getMenuPath().getMenuString());
			final CommandModule m = commands.run(info, true, "image", image, "seg_model", new File(data, "models/ct-unet"), "target", "liver",
				"roi_source", "prediction", "method", "occlusion", "stride", 8, "mode", "roi", "faithfulness_steps", 0).get();
			if (m.isCanceled()) throw new AssertionError("the command stopped: " + m.getCancelReason());
			final ImagePlus saliency = (ImagePlus) m.getOutput("saliency");
			System.out.println("saliency: " + saliency.getTitle() + ", " + saliency.getBitDepth() + "-bit, max " + saliency.getStatistics().max);
			if (!(saliency.getStatistics().max > 0)) throw new AssertionError("an empty saliency map");
			System.out.println("runtime: " + ModelRuntimes.get().version());
		}
	}
}
