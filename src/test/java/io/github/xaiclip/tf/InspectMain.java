package io.github.xaiclip.tf;

import java.nio.file.Paths;
import java.util.Collections;

/** Run in a child JVM without TensorFlow's native jar: prints the report and the op check of one signature. */
final class InspectMain {

	private InspectMain() {
	}

	public static void main(String[] args) {
		SavedModelInfo info = SavedModelInspector.inspect(Paths.get(args[0]));
		System.out.print(info.report());
		System.out.println("findings: " + OpSafety.check(info, Collections.singleton("serve"), args[1]));
	}
}
