package com.example.host;

import dev.stepflow.embed.Stepflow;
import java.nio.file.Path;

/** The application's entry point: it serves Stepflow's API for its own workflow class. */
public final class HostApp {
  private HostApp() {}

  public static Stepflow start(Path dataDir, int port) {
    return Stepflow.builder().dataDir(dataDir).port(port).register(Greeting.class).start();
  }

  public static void main(String[] args) throws InterruptedException {
    Stepflow stepflow = start(Path.of(args.length > 0 ? args[0] : "data"), 8787);
    Runtime.getRuntime().addShutdownHook(new Thread(stepflow::close));
    Thread.currentThread().join();
  }
}
