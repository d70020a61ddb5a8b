package io.github.xaiclip.model;

/**
 * A model descriptor ({@code xai-clip.yaml}) that cannot be used. The message is one line: the file, the field
 * path where there is one, and what was expected, e.g.
 * {@code models/liver/xai-clip.yaml: output.activation: expected one of none, sigmoid, softmax, got 'relu'}.
 */
public class DescriptorException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	public DescriptorException(final String message) {
		super(message);
	}
}
