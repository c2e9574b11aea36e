package dev.stepflow.engine.runtime;

import dev.stepflow.workflow.Workflow;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The workflow classes the engine can run, by the name a workflow's {@code class_name} gives. The
 * server registers the built-in ones; an application embedding Stepflow registers its own.
 */
public final class WorkflowRegistry {
  private final Map<String, Supplier<? extends Workflow>> classes = new ConcurrentHashMap<>();

  public WorkflowRegistry register(String className, Supplier<? extends Workflow> factory) {
    classes.put(className, factory);
    return this;
  }

  /**
   * Registers {@code factory} under {@code className}, which must be new: the public builders
   * refuse a second class of the same name instead of replacing the first.
   */
  public WorkflowRegistry add(String className, Supplier<? extends Workflow> factory) {
    Objects.requireNonNull(className, "className");
    Objects.requireNonNull(factory, "factory");
    if (classes.putIfAbsent(className, factory) != null) {
      throw new IllegalArgumentException(
          "A workflow class named " + className + " is registered already");
    }
    return this;
  }

  /**
   * Registers {@code type} under its simple name, a new object per run; one is made now, so a
   * constructor that fails is told at registration.
   */
  public WorkflowRegistry add(Class<? extends Workflow> type) {
    Supplier<Workflow> factory = constructorOf(Objects.requireNonNull(type, "type"));
    factory.get();
    return add(type.getSimpleName(), factory);
  }

  /** Registers this one object, under its class's simple name, for every run. */
  public WorkflowRegistry add(Workflow workflow) {
    Objects.requireNonNull(workflow, "workflow");
    return add(workflow.getClass().getSimpleName(), () -> workflow);
  }

  /** The factory of {@code className}, if registered. */
  public Optional<Supplier<? extends Workflow>> factory(String className) {
    return Optional.ofNullable(classes.get(className));
  }

  public Optional<Workflow> create(String className) {
    return Optional.ofNullable(classes.get(className)).map(Supplier::get);
  }

  public boolean contains(String className) {
    return classes.containsKey(className);
  }

  public List<String> names() {
    return classes.keySet().stream().sorted().toList();
  }

  /**
   * A factory that makes a new {@code type} per run with its public no-argument constructor.
   *
   * @throws IllegalArgumentException when {@code type} has no such constructor
   */
  public static Supplier<Workflow> constructorOf(Class<? extends Workflow> type) {
    Constructor<? extends Workflow> constructor;
    try {
      constructor = type.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new IllegalArgumentException(
          type.getName()
              + " needs a public constructor without arguments (or register a factory for it)",
          e);
    }
    return () -> {
      try {
        return constructor.newInstance();
      } catch (InvocationTargetException e) {
        throw new IllegalStateException(
            "Constructing workflow class " + type.getName() + " failed", e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(
            "Cannot construct workflow class " + type.getName() + ": " + e.getMessage(), e);
      }
    };
  }
}
