package dev.stepflow.engine.runtime;

import dev.stepflow.store.EngineStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.BiPredicate;

/**
 * A store for tests that does something of the test's (waits, fails) before the calls it picks,
 * then passes every call on to a real store.
 */
final class InterceptedStore {
  private InterceptedStore() {}

  /** What the store does before it passes a picked call on; it may throw instead. */
  interface Interception {
    void run() throws Exception;
  }

  /** {@code store}, which runs {@code interception} before every call of {@code method}. */
  static EngineStore before(EngineStore store, String method, Interception interception) {
    return before(store, (name, args) -> name.equals(method), interception);
  }

  /** {@code store}, which runs {@code interception} before the calls {@code picks} (name, args). */
  static EngineStore before(
      EngineStore store, BiPredicate<String, Object[]> picks, Interception interception) {
    return (EngineStore)
        Proxy.newProxyInstance(
            EngineStore.class.getClassLoader(),
            new Class<?>[] {EngineStore.class},
            (proxy, called, args) -> {
              if (picks.test(called.getName(), args)) {
                interception.run();
              }
              try {
                return called.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
