package io.github.xaiclip.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import io.github.xaiclip.image.Nifti;
import io.github.xaiclip.image.Volume;
import io.github.xaiclip.model.ClipBpeTokenizerTest;
import io.github.xaiclip.tf.SavedModelFuzzTest;
import net.imglib2.img.array.ArrayImgs;

/**
 * Writes the seed inputs of the fuzz tests into {@code src/test/resources}, from the real files where they are small
 * enough to fuzz and from small files written the way the project writes them otherwise. The seeds are committed;
 * this documents where they come from and rewrites them when a format changes:
 * {@code mvn -q test-compile exec:exec@bench -Dbench.class=io.github.xaiclip.testing.FuzzSeeds}.
 * <p>
 * Seeds are kept small (a few kB): the fuzzer mutates whole inputs, so every extra byte slows every execution.
 */
public final class FuzzSeeds {

	static final Path RESOURCES = Paths.get("src", "test", "resources", "io", "github", "xaiclip");

	private FuzzSeeds() {}

	public static void main(final String[] args) throws IOException {
		nifti(RESOURCES.resolve("image/NiftiFuzzTestInputs/read"));
		tiff(RESOURCES.resolve("image/TiffFuzzTestInputs/read"));
		dicom(RESOURCES.resolve("image/DicomFuzzTestInputs/read"));
		descriptor(RESOURCES.resolve("model/DescriptorFuzzTestInputs/read"));
		tokenizer(RESOURCES.resolve("model/ClipBpeTokenizerFuzzTestInputs"));
		SavedModelFuzzTest.writeSeeds(RESOURCES.resolve("tf/SavedModelFuzzTestInputs"));
	}

	// ---------------------------------------------------------------------------------------------------- NIfTI

	static void nifti(final Path out) throws IOException {
		Files.createDirectories(out);
		// the bundled CT and label map, cropped, each with its real header (dims patched to the crop)
		final byte[] ct = crop(gunzip(CtSlices.CT), 40, 30, 14, 6, 5, 2, 352);
		Files.write(out.resolve("ct-crop.nii"), ct);
		Files.write(out.resolve("ct-crop.nii.gz"), gzip(ct));
		Files.write(out.resolve("seg-crop.nii"), crop(gunzip(CtSlices.LABELS), 50, 40, 14, 8, 6, 2, 400));
		// written by the project: an oblique float32 volume, and an integer one compressed
		final double c = Math.cos(0.3), s = Math.sin(0.3);
		final double[][] oblique = { { -c * 0.8, s * 0.8, 0, 12.5 }, { -s * 0.8, -c * 0.8, 0, -30 }, { 0, 0, 2.5, 7 }, { 0, 0, 0, 1 } };
		final float[] values = new float[4 * 3 * 2];
		for (int i = 0; i < values.length; i++)
			values[i] = i * 1.5f - 7;
		Nifti.write(new Volume(ArrayImgs.floats(values, 4, 3, 2), new double[] { 0.8, 0.8, 2.5 }, "mm", oblique, oblique, Volume.DataType.FLOAT32),
			out.resolve("written-float32.nii"));
		final float[] labels = new float[5 * 4 * 1];
		for (int i = 0; i < labels.length; i++)
			labels[i] = i % 3;
		Nifti.write(Volume.of(ArrayImgs.floats(labels, 5, 4, 1), new double[] { 1, 1, 3 }, "mm", Volume.DataType.UINT16), out.resolve("written-uint16.nii.gz"));
		Files.write(out.resolve("big-endian-2d-float64.nii"), bigEndian2d());
	}

	/**
	 * A crop of a plain NIfTI-1 file's data with its header: {@code w x h x d} voxels from {@code (x0, y0, z0)}, data
	 * at {@code offset} (352, or more to keep the start of the header extension).
	 */
	private static byte[] crop(final byte[] nii, final int x0, final int y0, final int z0, final int w, final int h, final int d, final int offset) {
		final ByteBuffer in = ByteBuffer.wrap(nii).order(ByteOrder.LITTLE_ENDIAN);
		final int nx = in.getShort(42), ny = in.getShort(44), bytes = in.getShort(72) / 8, from = (int) in.getFloat(108);
		final ByteBuffer out = ByteBuffer.allocate(offset + w * h * d * bytes).order(ByteOrder.LITTLE_ENDIAN);
		out.put(nii, 0, offset);
		out.putShort(42, (short) w).putShort(44, (short) h).putShort(46, (short) d).putFloat(108, offset);
		if (offset > 352) out.putInt(352, offset - 352); // the extension's esize, shortened with it
		for (int z = 0; z < d; z++)
			for (int y = 0; y < h; y++)
				out.put(nii, from + (((z0 + z) * ny + y0 + y) * nx + x0) * bytes, w * bytes);
		return out.array();
	}

	/** A big-endian 2D float64 image with scaling and a qform only: the header paths the other seeds do not take. */
	private static byte[] bigEndian2d() {
		final int w = 3, h = 2;
		final ByteBuffer b = ByteBuffer.allocate(352 + w * h * 8).order(ByteOrder.BIG_ENDIAN);
		b.putInt(0, 348);
		b.putShort(40, (short) 2).putShort(42, (short) w).putShort(44, (short) h);
		b.putShort(70, (short) 64).putShort(72, (short) 64);
		b.putFloat(76, -1).putFloat(80, 0.5f).putFloat(84, 0.7f).putFloat(88, 1);
		b.putFloat(108, 352).putFloat(112, 2).putFloat(116, -1);
		b.put(123, (byte) 2);
		b.putShort(252, (short) 1);
		b.putFloat(256, 0).putFloat(260, 0).putFloat(264, 1).putFloat(268, 10).putFloat(272, 20).putFloat(276, 30);
		b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1');
		for (int i = 0; i < w * h; i++)
			b.putDouble(352 + 8 * i, i * 0.25 - 1);
		return b.array();
	}

	// ---------------------------------------------------------------------------------------------------- TIFF

	static void tiff(final Path out) throws IOException {
		Files.createDirectories(out);
		final Volume ct = CtSlices.ct(), labels = CtSlices.labels();
		final int w = 8, h = 6, x0 = 40, y0 = 30, z = 11;
		// crops of the bundled CT and labels, as ImageJ writes them: calibrated 32-bit, 8-bit, a 16-bit stack, RGB
		final FloatProcessor hu = new FloatProcessor(w, h);
		final ByteProcessor label = new ByteProcessor(w, h);
		final ImageStack stack = new ImageStack(w, h);
		final ColorProcessor rgb = new ColorProcessor(w, h);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				hu.setf(x, y, ct.get(x0 + x, y0 + y, z));
				label.set(x, y, (int) labels.get(x0 + x, y0 + y, z));
				rgb.set(x, y, (int) labels.get(x0 + x, y0 + y, z) * 0x302010);
			}
		for (int s = 0; s < 2; s++) {
			final ShortProcessor slice = new ShortProcessor(w, h);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++)
					slice.set(x, y, (int) ct.get(x0 + x, y0 + y, z + s) + 1024);
			stack.addSlice(slice);
		}
		final ImagePlus calibrated = new ImagePlus("ct", hu), stacked = new ImagePlus("ct", stack);
		for (final ImagePlus imp : new ImagePlus[] { calibrated, stacked }) {
			imp.getCalibration().pixelWidth = imp.getCalibration().pixelHeight = 3;
			imp.getCalibration().pixelDepth = 3;
			imp.getCalibration().setUnit("mm");
		}
		save(calibrated, out.resolve("ct-crop-float32-mm.tif"));
		save(stacked, out.resolve("ct-crop-uint16-stack.tif"));
		save(new ImagePlus("labels", label), out.resolve("labels-crop-uint8.tif"));
		save(new ImagePlus("rgb", rgb), out.resolve("labels-crop-rgb.tif"));
		// by hand, compressed as ImageJ does not write: ZIP (deflate) 16-bit, PackBits 8-bit
		final ByteBuffer px = ByteBuffer.allocate(w * h * 2).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < w * h; i++)
			px.putShort((short) (ct.get(x0 + i % w, y0 + i / w, z) + 1024));
		final Deflater deflater = new Deflater();
		deflater.setInput(px.array());
		deflater.finish();
		final byte[] zip = new byte[1024];
		final int zipped = deflater.deflate(zip);
		deflater.end();
		Files.write(out.resolve("ct-crop-uint16-zip.tif"), tiff(w, h, 16, 8, Arrays.copyOf(zip, zipped)));
		final ByteArrayOutputStream packbits = new ByteArrayOutputStream();
		for (int y = 0; y < h; y++) { // each row: a run of 3 of its first value, then the rest literally
			packbits.write(-2);
			packbits.write((int) labels.get(x0, y0 + y, z));
			packbits.write(w - 4);
			for (int x = 3; x < w; x++)
				packbits.write((int) labels.get(x0 + x, y0 + y, z));
		}
		Files.write(out.resolve("labels-crop-uint8-packbits.tif"), tiff(w, h, 8, 32773, packbits.toByteArray()));
		hostileTiffs(out);
	}

	private static void save(final ImagePlus imp, final Path file) {
		if (!new FileSaver(imp).saveAsTiff(file.toString())) throw new IllegalStateException("could not write " + file);
	}

	/** A little-endian grey TIFF of one strip with one baseline IFD. */
	private static byte[] tiff(final int w, final int h, final int bits, final int compression, final byte[] strip) {
		return tiff(new long[][] { { 256, 3, 1, w }, { 257, 3, 1, h }, { 258, 3, 1, bits }, { 259, 3, 1, compression }, { 262, 3, 1, 1 },
			{ 273, 4, 1, -1 }, { 277, 3, 1, 1 }, { 278, 3, 1, h }, { 279, 4, 1, strip.length } }, strip, 0);
	}

	/**
	 * A little-endian TIFF: the header, one IFD of {@code {tag, type, count, value}} entries (value -1: the offset
	 * of the strip), the offset of the next IFD, the strip.
	 */
	private static byte[] tiff(final long[][] entries, final byte[] strip, final long nextIfd) {
		final int ifd = 8, data = ifd + 2 + entries.length * 12 + 4;
		final ByteBuffer b = ByteBuffer.allocate(data + strip.length).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd).putShort((short) entries.length);
		for (final long[] e : entries) {
			b.putShort((short) e[0]).putShort((short) e[1]).putInt((int) e[2]);
			final long value = e[3] == -1 ? data : e[3];
			if (e[1] == 3 && e[2] == 1) b.putShort((short) value).putShort((short) 0);
			else b.putInt((int) value);
		}
		b.putInt((int) nextIfd).put(strip);
		return b.array();
	}

	/**
	 * Hostile TIFFs of a few hundred bytes, written by hand for ways ImageJ's decoder trusts the file that fuzzing did
	 * not reach in its first runs: a directory chain that loops, a strip length far beyond the file, a compressed
	 * image claiming far more pixels than its data can hold, ImageJ's own metadata header claiming nearly 2^31 slice
	 * labels (ImageJ allocates them all), and a BigTIFF, which ImageJ 1.x would read as a classic TIFF.
	 */
	public static void hostileTiffs(final Path out) throws IOException {
		final byte[] strip = { -2, 4, 4, 4, 4, 4 };
		final long[][] base = { { 256, 3, 1, 8 }, { 257, 3, 1, 6 }, { 258, 3, 1, 8 }, { 259, 3, 1, 32773 }, { 262, 3, 1, 1 }, { 273, 4, 1, -1 },
			{ 277, 3, 1, 1 }, { 278, 3, 1, 6 }, { 279, 4, 1, strip.length } };
		Files.write(out.resolve("hostile-directory-loop.tif"), tiff(base, strip, 8));
		final long[][] longStrip = base.clone();
		longStrip[8] = new long[] { 279, 4, 1, Integer.MAX_VALUE };
		Files.write(out.resolve("hostile-strip-2gb.tif"), tiff(longStrip, strip, 0));
		final long[][] huge = base.clone();
		huge[0] = new long[] { 256, 4, 1, 30000 };
		huge[1] = new long[] { 257, 4, 1, 30000 };
		Files.write(out.resolve("hostile-compressed-30000x30000.tif"), tiff(huge, strip, 0));
		// after the strip: ImageJ's metadata byte counts (a 12-byte header, one 2-byte label), then its header: "IJIJ",
		// then type "labl" with 2^31 - 256 entries
		final int at = 8 + 2 + 11 * 12 + 4 + strip.length;
		final ByteBuffer meta = ByteBuffer.allocate(strip.length + 8 + 12 + 2).order(ByteOrder.LITTLE_ENDIAN).put(strip).putInt(12).putInt(2)
			.putInt(0x494a494a).putInt(0x6c61626c).putInt(0x7fffff00);
		final long[][] labels = Arrays.copyOf(base, 11);
		labels[9] = new long[] { 50838, 4, 2, at };
		labels[10] = new long[] { 50839, 1, 14, at + 8 };
		Files.write(out.resolve("hostile-imagej-metadata-2g-labels.tif"), tiff(labels, meta.array(), 0));
		Files.write(out.resolve("hostile-bigtiff.tif"), bigTiff(8, 6, new byte[48]));
	}

	/** An uncompressed little-endian 8-bit BigTIFF (version 43, 64-bit offsets) of one strip. */
	private static byte[] bigTiff(final int w, final int h, final byte[] pixels) {
		final long[][] entries = { { 256, 3, 1, w }, { 257, 3, 1, h }, { 258, 3, 1, 8 }, { 259, 3, 1, 1 }, { 262, 3, 1, 1 }, { 273, 16, 1, -1 },
			{ 277, 3, 1, 1 }, { 278, 3, 1, h }, { 279, 16, 1, pixels.length } };
		final int ifd = 16, data = ifd + 8 + entries.length * 20 + 8;
		final ByteBuffer b = ByteBuffer.allocate(data + pixels.length).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(ifd).putLong(entries.length);
		for (final long[] e : entries)
			b.putShort((short) e[0]).putShort((short) e[1]).putLong(e[2]).putLong(e[3] == -1 ? data : e[3]);
		return b.putLong(0).put(pixels).array();
	}

	// ---------------------------------------------------------------------------------------------------- DICOM

	private static final String STUDY = "1.2.826.0.1.3680043.2.1125.1", SERIES = STUDY + ".2";

	static void dicom(final Path out) throws IOException {
		Files.createDirectories(out);
		final Volume crop = ctCrop(8, 6);
		// a crop of the bundled CT in the three transfer syntaxes ImageJ reads, one with sequences of both kinds
		Files.write(out.resolve("ct-crop-explicit-little.dcm"), DicomWriter.slice(crop, 0, STUDY, SERIES, -1024, DicomWriter.Syntax.EXPLICIT_LITTLE, false));
		Files.write(out.resolve("ct-crop-implicit-little-sequences.dcm"),
			DicomWriter.slice(crop, 0, STUDY, SERIES, -1024, DicomWriter.Syntax.IMPLICIT_LITTLE, true));
		Files.write(out.resolve("ct-crop-explicit-big.dcm"), DicomWriter.slice(crop, 0, STUDY, SERIES, -1024, DicomWriter.Syntax.EXPLICIT_BIG, false));
		hostileDicoms(out);
	}

	/** A w x h crop of slice 11 of the bundled CT, in mm. */
	public static Volume ctCrop(final int w, final int h) {
		final Volume ct = CtSlices.ct();
		final float[] values = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				values[y * w + x] = ct.get(40 + x, 30 + y, 11);
		return Volume.of(ArrayImgs.floats(values, w, h, 1), new double[] { 0.8, 0.8, 2.5 }, "mm", Volume.DataType.INT16);
	}

	/**
	 * Hostile DICOM files, written by hand from a real one for ways ImageJ's reader trusts the file: a value claiming
	 * more bytes than the file holds, in an element ImageJ skips and in one it allocates (2 GB: out of memory), and a
	 * header claiming 1000 frames of 30000 x 30000 pixels over 96 bytes of pixel data (ImageJ allocates until it runs
	 * out of memory).
	 */
	public static void hostileDicoms(final Path out) throws IOException {
		final byte[] real = DicomWriter.slice(ctCrop(8, 6), 0, STUDY, SERIES, -1024, DicomWriter.Syntax.EXPLICIT_LITTLE, false);
		// the pixel data element: (7FE0,0010) OW, 2 reserved bytes, a 32-bit length
		final int pixels = indexOf(real, new byte[] { (byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W' });
		final byte[] skipped = real.clone();
		ByteBuffer.wrap(skipped).order(ByteOrder.LITTLE_ENDIAN).put(pixels + 4, (byte) 'O').put(pixels + 5, (byte) 'B').putShort(pixels + 2, (short) 0x0011)
			.putInt(pixels + 8, 0x7ffffff0); // (7FE0,0011) OB, which ImageJ skips
		Files.write(out.resolve("hostile-skipped-value-past-the-end.dcm"), skipped);
		final int modality = indexOf(real, new byte[] { 0x08, 0x00, 0x60, 0x00, 'C', 'S' });
		final byte[] allocated = real.clone(); // (0008,0060) as an implicit element of 2 GB, which ImageJ reads as a string
		ByteBuffer.wrap(allocated).order(ByteOrder.LITTLE_ENDIAN).put(modality + 4, (byte) 0).put(modality + 5, (byte) 0).putShort(modality + 6, (short) 0x7fff);
		Files.write(out.resolve("hostile-string-value-2gb-oom.dcm"), allocated);
		// Rows and Columns 30000, 1000 frames: (0028,0008) IS "1000" in place of the rescale slope's "1 " (its length 2 -> 4 needs 2 more bytes)
		final int rows = indexOf(real, new byte[] { 0x28, 0x00, 0x10, 0x00, 'U', 'S' }), cols = indexOf(real, new byte[] { 0x28, 0x00, 0x11, 0x00, 'U', 'S' });
		final byte[] huge = real.clone();
		ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putShort(rows + 8, (short) 30000).putShort(cols + 8, (short) 30000);
		final int slope = indexOf(huge, new byte[] { 0x28, 0x00, 0x53, 0x10, 'D', 'S' });
		final ByteBuffer frames = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x0028).putShort((short) 0x0008)
			.put(new byte[] { 'I', 'S' }).putShort((short) 4).put(new byte[] { '1', '0', '0', '0' });
		final byte[] withFrames = new byte[huge.length + 2];
		System.arraycopy(huge, 0, withFrames, 0, slope);
		System.arraycopy(frames.array(), 0, withFrames, slope, 12);
		System.arraycopy(huge, slope + 10, withFrames, slope + 12, huge.length - slope - 10);
		Files.write(out.resolve("hostile-30000x30000x1000-over-96-bytes.dcm"), withFrames);
	}

	private static int indexOf(final byte[] data, final byte[] what) {
		for (int i = 0; i + what.length <= data.length; i++)
			if (Arrays.equals(data, i, i + what.length, what, 0, what.length)) return i;
		throw new IllegalStateException("not found");
	}

	// ---------------------------------------------------------------------------------------------------- model descriptor

	static void descriptor(final Path out) throws IOException {
		Files.createDirectories(out);
		Files.copy(CtSlices.UNET.resolve("xai-clip.yaml"), out.resolve("ct-unet.yaml"), StandardCopyOption.REPLACE_EXISTING);
		Files.copy(CtSlices.CLIP.resolve("xai-clip.yaml"), out.resolve("ct-clip.yaml"), StandardCopyOption.REPLACE_EXISTING);
		// every optional key, block and flow style, comments, a quoted scalar
		Files.writeString(out.resolve("segmentation-all-keys.yaml"), String.join("\n", "kind: segmentation", "format: tensorflow-saved-model",
			"tags: [serve, gpu]", "signature: \"predict\"", "input:", "  name: image", "  axes: bcyx", "  size: [128, 96]   # width, height",
			"  channels: 3", "preprocessing: {type: scale_range, min: 0.5, max: 99.5}", "output: {name: logits, axes: bcyx, activation: softmax}",
			"classes:", "  - background", "  - liver", "  - 'spleen'", "pixel_size: 0.8", "receptive_field: {radius: 20, stride: 2}", ""));
		Files.writeString(out.resolve("vision-language-clip-bpe.yaml"), String.join("\n", "kind: vision-language", "format: tensorflow-saved-model",
			"image: {signature: encode_image, input: image, output: patch_embeddings}", "text:", "  signature: encode_text", "  input: tokens",
			"  output: text_embeddings", "tokenizer: {type: clip-bpe, vocab: vocab.json, merges: merges.txt, length: 77}",
			"prompt_templates: [\"{}\", \"a CT image of the {}\"]", "preprocessing: {type: percentile, low: 1, high: 99.8}",
			"input: {axes: byxc, size: {multiple_of: 16}, channels: 1}", "pixel_size: [0.7, 0.7]", ""));
		// anchors and aliases, a scalar preprocessing, a document marker
		Files.writeString(out.resolve("anchors.yaml"), String.join("\n", "---", "kind: segmentation", "format: tensorflow-saved-model",
			"input: &in {name: x, axes: byxc, size: {multiple_of: 8}, channels: 1}", "preprocessing: zero_mean_unit_variance",
			"output: {name: y, axes: byxc, activation: sigmoid}", "classes: &c [lesion]", "...", ""));
	}

	// ---------------------------------------------------------------------------------------------------- BPE tokenizer

	static void tokenizer(final Path out) throws IOException {
		final Path vocab = Files.createDirectories(out.resolve("vocab")), merges = Files.createDirectories(out.resolve("merges")),
			tokens = Files.createDirectories(out.resolve("tokens"));
		final Map<String, Integer> v = ClipBpeTokenizerTest.testVocabulary();
		// as Python's json.dump writes it, and pretty-printed with a byte order mark and the characters themselves
		Files.writeString(vocab.resolve("test-vocab.json"), ClipBpeTokenizerTest.json(v));
		final StringBuilder pretty = new StringBuilder("\uFEFF{\n");
		for (final Map.Entry<String, Integer> e : v.entrySet())
			pretty.append(pretty.length() > 3 ? ",\n" : "").append("  \"").append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\""))
				.append("\": ").append(e.getValue());
		Files.writeString(vocab.resolve("test-vocab-pretty-bom.json"), pretty.append("\n}\n").toString());
		// CLIP's header line, and Hugging Face's with Windows line ends and a blank line
		Files.writeString(merges.resolve("test-merges.txt"), ClipBpeTokenizerTest.mergesText());
		Files.writeString(merges.resolve("test-merges-crlf.txt"),
			ClipBpeTokenizerTest.mergesText().replace("#version: 0.2", "#version: 0.2 - Trained by `huggingface/tokenizers`").replace("\n", "\r\n") + "\r\n");
		Files.writeString(tokens.resolve("prompt.txt"), "a CT image of the liver");
		Files.writeString(tokens.resolve("mixed.txt"), "Live livers' \u00e9t\u00e9 &amp; 42 \u201cquoted\u201d <|endoftext|> x");
		Files.writeString(tokens.resolve("references-sigma.txt"), "&#x3A3;&#931;&#128;&lt &nbsp;\u03a3\u0391\u03a3 O\u03a3. \t\u3000 end");
		final ByteArrayOutputStream utf16 = new ByteArrayOutputStream();
		utf16.write(0xfe);
		utf16.write(0xff);
		for (final char c : "liver \ud800 kidney\udc00".toCharArray()) { // by hand: an encoder would replace the lone surrogates
			utf16.write(c >> 8);
			utf16.write(c & 0xff);
		}
		Files.write(tokens.resolve("utf16-lone-surrogates.txt"), utf16.toByteArray());
	}

	// ---------------------------------------------------------------------------------------------------- helpers

	static byte[] gunzip(final Path file) throws IOException {
		try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
			return in.readAllBytes();
		}
	}

	static byte[] gzip(final byte[] data) throws IOException {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream z = new GZIPOutputStream(out)) {
			z.write(data);
		}
		return out.toByteArray();
	}
}
