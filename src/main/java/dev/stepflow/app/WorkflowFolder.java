package dev.stepflow.app;

import dev.stepflow.engine.runtime.WorkflowRegistry;
import dev.stepflow.workflow.Workflow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The workflow classes of a folder of jars ({@code serve --workflows DIR}): every {@code *.jar}
 * directly in the folder, by file name, each in a class loader of its own whose parent is
 * Stepflow's (so the workflow API and Jackson are shared), registers the classes its {@code
 * META-INF/services/dev.stepflow.workflow.Workflow} lists under their simple names.
 *
 * <p>A jar or class that cannot be used never stops the start: it is skipped and told in one line
 * of {@link #problems()}, and the rest is registered. Only a folder that cannot be read is a {@link
 * StartFailure}, since the user asked for it. Main's {@code serve} loads it before the server
 * starts and closes it (the class loaders of the jars) after the server stopped.
 */
public final class WorkflowFolder implements AutoCloseable {
  static final String SERVICES_FILE = "META-INF/services/" + Workflow.class.getName();

  private final Path folder;
  private final Map<String, String> origins;
  private final List<String> problems;
  private final List<URLClassLoader> loaders;

  private WorkflowFolder(
      Path folder,
      Map<String, String> origins,
      List<String> problems,
      List<URLClassLoader> loaders) {
    this.folder = folder;
    this.origins = origins;
    this.problems = problems;
    this.loaders = loaders;
  }

  /** No folder: nothing registered, nothing to close. */
  public static WorkflowFolder none() {
    return new WorkflowFolder(null, Map.of(), List.of(), List.of());
  }

  /**
   * Registers the workflow classes of the jars in {@code folder} into {@code registry}, whose
   * classes so far count as built-in. A name the registry already has keeps its class.
   *
   * @throws StartFailure when {@code folder} does not exist or is not a readable folder
   */
  public static WorkflowFolder load(Path folder, WorkflowRegistry registry) {
    WorkflowFolder loaded =
        new WorkflowFolder(folder, new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());
    for (Path jar : jarsIn(folder)) {
      loaded.loadJar(jar, registry);
    }
    return loaded;
  }

  private static List<Path> jarsIn(Path folder) {
    if (!Files.isDirectory(folder) || !Files.isReadable(folder)) {
      String what = Files.exists(folder) ? "it is not a readable folder" : "it does not exist";
      throw new StartFailure(
          "Cannot load workflows from "
              + folder
              + " (--workflows or STEPFLOW_WORKFLOWS): "
              + what
              + ". Choose a folder holding your workflow jars.");
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(file -> file.getFileName().toString().endsWith(".jar"))
          .filter(file -> !Files.isDirectory(file))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new StartFailure(
          "Cannot list the workflows folder " + folder + ": " + StartFailure.reasons(e), e);
    }
  }

  private void loadJar(Path jar, WorkflowRegistry registry) {
    String jarName = jar.getFileName().toString();
    // opening reads the zip's central directory: a file that is no jar fails here, told in a line
    try (JarFile file = new JarFile(jar.toFile())) {
      file.size();
    } catch (IOException e) {
      problems.add(
          "Skipped " + jarName + ": not a valid jar file (" + StartFailure.reasons(e) + ")");
      return;
    }
    URLClassLoader loader = new URLClassLoader(new URL[] {url(jar)}, getClass().getClassLoader());
    int before = origins.size();
    int errors = readServices(jarName, loader, registry);
    if (origins.size() > before) {
      loaders.add(loader);
      return;
    }
    if (errors == 0) {
      problems.add(
          "No workflow class in "
              + jarName
              + ": it has no "
              + SERVICES_FILE
              + " naming a class of its own; nothing registered from it");
    }
    closeQuietly(loader);
  }

  /** Registers the workflow classes {@code loader}'s jar lists; returns how many failed. */
  private int readServices(String jarName, URLClassLoader loader, WorkflowRegistry registry) {
    Iterator<ServiceLoader.Provider<Workflow>> providers =
        ServiceLoader.load(Workflow.class, loader).stream().iterator();
    int errors = 0;
    String lastError = null;
    while (true) {
      ServiceLoader.Provider<Workflow> provider;
      try {
        if (!providers.hasNext()) {
          break;
        }
        provider = providers.next();
      } catch (ServiceConfigurationError | LinkageError e) {
        // missing, fails to link, no Workflow, or no public no-arg constructor; the next may load
        String line = "Skipped a workflow class of " + jarName + ": " + describe(e);
        if (line.equals(lastError)) {
          break; // the iterator did not move on (ServiceLoader skips names listed twice)
        }
        problems.add(line);
        lastError = line;
        errors++;
        continue;
      }
      if (provider.type().getClassLoader() == loader && !register(jarName, provider, registry)) {
        errors++;
      }
    }
    return errors;
  }

  private boolean register(
      String jarName, ServiceLoader.Provider<Workflow> provider, WorkflowRegistry registry) {
    Class<? extends Workflow> type = provider.type();
    String name = type.getSimpleName();
    String skipped = "Skipped workflow class " + type.getName() + " of " + jarName + ": ";
    if (registry.contains(name)) {
      String first = origins.getOrDefault(name, "the built-in workflows");
      problems.add(
          skipped + "the name " + name + " is already registered by " + first + "; kept that one");
      return false;
    }
    Supplier<Workflow> factory;
    try {
      factory = WorkflowRegistry.constructorOf(type);
      factory.get();
    } catch (RuntimeException | LinkageError e) {
      problems.add(skipped + "constructing one failed: " + describe(e));
      return false;
    }
    registry.register(name, factory);
    origins.put(name, jarName);
    return true;
  }

  /**
   * One line. ServiceLoader's messages name the class and what is wrong with it; other errors (a
   * static initialiser's, a missing class it needs) are told by their types and messages.
   */
  private static String describe(Throwable e) {
    if (e instanceof ServiceConfigurationError) {
      return StartFailure.reasons(e);
    }
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : ": " + t.getMessage().strip();
      parts.add(t.getClass().getSimpleName() + message);
    }
    return String.join("; caused by ", parts).replaceAll("\\s*\\R\\s*", " ");
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void closeQuietly(URLClassLoader loader) {
    try {
      loader.close();
    } catch (IOException e) {
      // nothing of it is in use; the file handle goes with the process
    }
  }

  /** The classes registered from jars: simple name to the jar's file name. */
  public Map<String, String> registered() {
    return Map.copyOf(origins);
  }

  /** One line per jar or class skipped, and per jar that declared no workflow class. */
  public List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * One line naming every class of {@code registry} and where it came from: a jar of this folder,
   * or built in.
   */
  public String listing(WorkflowRegistry registry) {
    List<String> entries = new ArrayList<>();
    for (String name : registry.names()) {
      entries.add(name + " (" + origins.getOrDefault(name, "built-in") + ")");
    }
    String where = folder == null ? "" : "; jars from " + folder;
    return "Workflow classes: " + String.join(", ", entries) + where;
  }

  /** Closes the class loaders of the jars; call it once no workflow of theirs runs any more. */
  @Override
  public void close() {
    loaders.forEach(WorkflowFolder::closeQuietly);
  }
}
