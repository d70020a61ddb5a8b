package io.github.xaiclip.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The texts a CLIP-like model is trained and evaluated with: per class, synonyms put into templates such as
 * {@code "a CT image of the {}"}. Some synonyms and templates are held out of training, so that an evaluation can
 * tell whether the text encoder generalizes to phrasings it never saw. Class 0 (background) has no prompts.
 */
final class Prompts {

	final List<String> classes;
	final List<String> trainedTemplates, heldOutTemplates;
	private final List<List<String>> trainedSynonyms = new ArrayList<>(), heldOutSynonyms = new ArrayList<>();

	/** Prompts for {@code classes} (index 0 is background), no synonyms yet: add them with {@link #synonyms}. */
	Prompts(final List<String> classes, final List<String> trainedTemplates, final List<String> heldOutTemplates) {
		if (trainedTemplates.isEmpty()) throw new IllegalArgumentException("prompts: no training templates");
		for (final String t : concat(trainedTemplates, heldOutTemplates))
			if (!t.contains("{}")) throw new IllegalArgumentException("prompts: template '" + t + "' has no {}");
		this.classes = Collections.unmodifiableList(new ArrayList<>(classes));
		this.trainedTemplates = Collections.unmodifiableList(new ArrayList<>(trainedTemplates));
		this.heldOutTemplates = Collections.unmodifiableList(new ArrayList<>(heldOutTemplates));
		for (int c = 0; c < classes.size(); c++) {
			trainedSynonyms.add(new ArrayList<>());
			heldOutSynonyms.add(new ArrayList<>());
		}
	}

	/** The demo CT's classes ({@link DemoDomain#CT}) with anatomical synonyms; one synonym per organ held out. */
	static Prompts ct() {
		final Prompts p = new Prompts(DemoDomain.CT.classes, Arrays.asList("{}", "the {}", "a CT image of the {}"),
			Arrays.asList("an axial CT slice showing the {}"));
		p.synonyms("liver", Arrays.asList("liver", "hepatic parenchyma", "liver parenchyma"), Arrays.asList("hepatic tissue"));
		p.synonyms("spleen", Arrays.asList("spleen", "splenic tissue"), Arrays.asList("splenic parenchyma"));
		p.synonyms("kidney_right", Arrays.asList("right kidney", "kidney right"), Arrays.asList("right renal"));
		p.synonyms("kidney_left", Arrays.asList("left kidney", "kidney left"), Arrays.asList("left renal"));
		p.synonyms("stomach", Arrays.asList("stomach", "gastric wall"), Arrays.asList("gastric lumen"));
		return p;
	}

	/**
	 * The demo MRI's classes ({@link DemoDomain#MRI}): each structure with its side, in two phrasings. Held out per
	 * structure: one phrasing of known words in another order or with words training never saw (which the text
	 * encoder ignores), and for thalamus and hippocampus an adjective form it never saw ("thalamic", "hippocampal"),
	 * which leaves only the side.
	 */
	static Prompts mri() {
		final Prompts p = new Prompts(DemoDomain.MRI.classes, Arrays.asList("{}", "the {}", "an MRI image of the {}"),
			Arrays.asList("an axial MRI slice showing the {}"));
		for (final String side : new String[] { "left", "right" }) {
			p.synonyms("thalamus_" + side, Arrays.asList(side + " thalamus", "thalamus " + side), Arrays.asList(side + " thalamic nuclei"));
			p.synonyms("caudate_" + side, Arrays.asList(side + " caudate", side + " caudate nucleus"), Arrays.asList("caudate nucleus on the " + side));
			p.synonyms("putamen_" + side, Arrays.asList(side + " putamen", "putamen " + side), Arrays.asList("putamen of the " + side + " hemisphere"));
			p.synonyms("pallidum_" + side, Arrays.asList(side + " pallidum", side + " globus pallidus"), Arrays.asList("globus pallidus " + side));
			p.synonyms("hippocampus_" + side, Arrays.asList(side + " hippocampus", "hippocampus " + side), Arrays.asList(side + " hippocampal formation"));
		}
		return p;
	}

	/** Sets the synonyms of class {@code name}: those used in training and those kept for evaluation only. */
	Prompts synonyms(final String name, final List<String> trained, final List<String> heldOut) {
		final int c = classes.indexOf(name);
		if (c <= 0) throw new IllegalArgumentException("prompts: no class '" + name + "' (or it is the background)");
		if (trained.isEmpty()) throw new IllegalArgumentException("prompts: class '" + name + "' needs a training synonym");
		trainedSynonyms.get(c).clear();
		trainedSynonyms.get(c).addAll(trained);
		heldOutSynonyms.get(c).clear();
		heldOutSynonyms.get(c).addAll(heldOut);
		return this;
	}

	/** The classes that have prompts, in class order. */
	List<Integer> prompted() {
		final List<Integer> out = new ArrayList<>();
		for (int c = 1; c < classes.size(); c++)
			if (!trainedSynonyms.get(c).isEmpty()) out.add(c);
		return out;
	}

	/** Every training synonym of class {@code c} in every training template. */
	List<String> trained(final int c) {
		final List<String> out = new ArrayList<>();
		for (final String s : trainedSynonyms.get(c))
			for (final String t : trainedTemplates)
				out.add(fill(t, s));
		return out;
	}

	/**
	 * The prompts of class {@code c} that training never saw: held-out synonyms in every template, and training
	 * synonyms in the held-out templates.
	 */
	List<String> heldOut(final int c) {
		final List<String> out = new ArrayList<>();
		for (final String s : heldOutSynonyms.get(c))
			for (final String t : concat(trainedTemplates, heldOutTemplates))
				out.add(fill(t, s));
		for (final String s : trainedSynonyms.get(c))
			for (final String t : heldOutTemplates)
				out.add(fill(t, s));
		return out;
	}

	/** A random training prompt of class {@code c}: a training synonym in a training template. */
	String sample(final int c, final Random random) {
		final List<String> s = trainedSynonyms.get(c);
		return fill(trainedTemplates.get(random.nextInt(trainedTemplates.size())), s.get(random.nextInt(s.size())));
	}

	static String fill(final String template, final String prompt) {
		return template.replace("{}", prompt);
	}

	private static List<String> concat(final List<String> a, final List<String> b) {
		final List<String> out = new ArrayList<>(a);
		out.addAll(b);
		return out;
	}
}
