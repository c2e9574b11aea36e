package dev.stepflow.testing;

import com.fasterxml.jackson.core.TreeNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.workflow.Workflow;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Workflow jars as a user packages them, made at test time: Java sources compiled against the
 * workflow API and Jackson, with a {@code META-INF/services/dev.stepflow.workflow.Workflow} file.
 */
public final class WorkflowJars {
  public static final String SERVICES_FILE = "META-INF/services/" + Workflow.class.getName();

  private WorkflowJars() {}

  /**
   * Compiles {@code sources} (qualified class name to source text) and writes {@code jar} with the
   * classes, except those of {@code leftOut} (to make a class that needs a missing one), and a
   * services file of {@code services} lines (none when empty).
   */
  public static Path build(
      Path jar, Map<String, String> sources, List<String> services, List<String> leftOut)
      throws IOException {
    Path classes = Files.createTempDirectory("workflow-classes");
    try {
      compile(sources, classes);
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
        for (Path file : files(classes).stream().filter(Files::isRegularFile).toList()) {
          String entry = classes.relativize(file).toString().replace('\\', '/');
          String className = entry.replaceAll("\\.class$", "").replace('/', '.');
          if (!leftOut.contains(className)) {
            write(out, entry, Files.readAllBytes(file));
          }
        }
        if (!services.isEmpty()) {
          String text = String.join("\n", services) + "\n";
          write(out, SERVICES_FILE, text.getBytes(StandardCharsets.UTF_8));
        }
      }
      return jar;
    } finally {
      for (Path path : files(classes).reversed()) {
        Files.delete(path);
      }
    }
  }

  /** Every file and folder under {@code root}, parents first. */
  private static List<Path> files(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.sorted().toList();
    }
  }

  /** A jar of one class, listed in its services file. */
  public static Path build(Path jar, String className, String source) throws IOException {
    return build(jar, Map.of(className, source), List.of(className), List.of());
  }

  private static void write(JarOutputStream out, String name, byte[] bytes) throws IOException {
    out.putNextEntry(new JarEntry(name));
    out.write(bytes);
    out.closeEntry();
  }

  private static void compile(Map<String, String> sources, Path classes) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((name, text) -> units.add(new Source(name, text)));
    StringWriter errors = new StringWriter();
    List<String> options =
        List.of("-d", classes.toString(), "-classpath", classPath(), "--release", "21");
    if (!javac.getTask(errors, null, null, options, null, units).call()) {
      throw new IllegalStateException("Test workflow sources do not compile:\n" + errors);
    }
  }

  /** The workflow API and Jackson, wherever the tests load them from. */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (Class<?> type : List.of(Workflow.class, JsonNode.class, TreeNode.class)) {
      try {
        entries.add(
            Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /** A file that is no jar, as a mistaken copy leaves one. */
  public static Path notAJar(Path file) {
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write("this is not a zip archive\n".getBytes(StandardCharsets.UTF_8));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Source extends SimpleJavaFileObject {
    private final String text;

    Source(String className, String text) {
      super(
          URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension),
          Kind.SOURCE);
      this.text = text;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }
}
