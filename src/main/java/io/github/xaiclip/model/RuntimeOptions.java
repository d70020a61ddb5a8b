package io.github.xaiclip.model;

import java.util.Locale;

/** How a model runtime runs models: threads, device, and whether to trust a model's side-effect ops. Immutable. */
public final class RuntimeOptions {

	/** Where models run. */
	public enum Device {
		/** The GPU when the runtime has one, else the CPU. */
		AUTO,
		CPU,
		/** The GPU, or an error saying why there is none. */
		GPU;

		public static Device parse(final String s) {
			for (final Device d : values())
				if (d.name().equalsIgnoreCase(s == null ? "" : s.trim())) return d;
			throw new IllegalArgumentException("device: expected auto, cpu or gpu, got '" + s + "'");
		}

		public String id() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	private final int intraOpThreads, interOpThreads;
	private final Device device;
	private final boolean trusted;

	private RuntimeOptions(final int intra, final int inter, final Device device, final boolean trusted) {
		if (intra < 0) throw new IllegalArgumentException("threads: expected >= 0 (0: the runtime's default), got " + intra);
		if (inter < 0) throw new IllegalArgumentException("inter_op_threads: expected >= 0 (0: the runtime's default), got " + inter);
		this.intraOpThreads = intra;
		this.interOpThreads = inter;
		this.device = java.util.Objects.requireNonNull(device, "device");
		this.trusted = trusted;
	}

	/** The runtime's default threads, device auto, untrusted models refused. */
	public static RuntimeOptions defaults() {
		return new RuntimeOptions(0, 0, Device.AUTO, false);
	}

	/** Threads inside one op (0: the runtime's default, all cores). */
	public RuntimeOptions threads(final int intraOp) {
		return new RuntimeOptions(intraOp, interOpThreads, device, trusted);
	}

	/** Ops run at once (0: the runtime's default). */
	public RuntimeOptions interOpThreads(final int interOp) {
		return new RuntimeOptions(intraOpThreads, interOp, device, trusted);
	}

	public RuntimeOptions device(final Device d) {
		return new RuntimeOptions(intraOpThreads, interOpThreads, d, trusted);
	}

	/** Run models whose graphs reach ops outside the allow-list (file, network, process access). */
	public RuntimeOptions trusted(final boolean t) {
		return new RuntimeOptions(intraOpThreads, interOpThreads, device, t);
	}

	public int intraOpThreads() {
		return intraOpThreads;
	}

	public int interOpThreads() {
		return interOpThreads;
	}

	public Device device() {
		return device;
	}

	public boolean trusted() {
		return trusted;
	}

	@Override
	public boolean equals(final Object o) {
		if (!(o instanceof RuntimeOptions)) return false;
		final RuntimeOptions r = (RuntimeOptions) o;
		return r.intraOpThreads == intraOpThreads && r.interOpThreads == interOpThreads && r.device == device && r.trusted == trusted;
	}

	@Override
	public int hashCode() {
		return ((intraOpThreads * 31 + interOpThreads) * 31 + device.hashCode()) * 2 + (trusted ? 1 : 0);
	}

	@Override
	public String toString() {
		return "threads=" + intraOpThreads + ", inter_op_threads=" + interOpThreads + ", device=" + device.id() + ", trusted=" + trusted;
	}
}
