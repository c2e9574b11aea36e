package dev.stepflow.app;

import dev.stepflow.auth.TokenSetup;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line: {@code stepflow serve [--host H] [--port N] [--data DIR] [--durability D]}. */
@Command(
    name = "stepflow",
    mixinStandardHelpOptions = true,
    version = "Stepflow 0.1.0",
    description = "Self-hosted durable workflows with the Cloudflare Workflows REST API (v4).",
    subcommands = {Main.Serve.class, TokenCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  /** Runs the server in the foreground until the process is stopped. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the API server.")
  static final class Serve implements Callable<Integer> {
    @Option(
        names = "--host",
        defaultValue = "127.0.0.1",
        description = "Address to bind (${DEFAULT-VALUE}).")
    String host;

    @Option(
        names = "--port",
        defaultValue = "8787",
        description = "Port (${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(
        names = "--data",
        defaultValue = "data",
        description = "Data folder (${DEFAULT-VALUE}).")
    Path data;

    @Option(
        names = "--durability",
        defaultValue = "normal",
        description =
            "normal: acknowledged changes survive a crash of the process (default);"
                + " full: they also survive power loss (fsync per commit batch).")
    String durability;

    @Option(
        names = "--max-running",
        defaultValue = "1000",
        description =
            "Instances that may run at once; waiting ones do not count (${DEFAULT-VALUE}).")
    int maxRunning;

    @Option(
        names = "--effects-log",
        description = "File where the built-in workflows log every step attempt (demos, tests).")
    Path effectsLog;

    @Option(
        names = "--tokens",
        description =
            "API tokens file (default: DATA/tokens.json, created with a dev token on the first"
                + " start). Manage it with: stepflow token create|list|revoke.")
    Path tokens;

    @Option(
        names = "--insecure-no-auth",
        description = "Accept every request without an API token. Never on a shared machine.")
    boolean insecureNoAuth;

    @Option(
        names = "--create-rate-per-account",
        defaultValue = "300",
        description = "Instances that may be created per second in one account; 0: no limit.")
    int createRatePerAccount;

    @Option(
        names = "--create-rate-per-workflow",
        defaultValue = "100",
        description = "Instances that may be created per second in one workflow; 0: no limit.")
    int createRatePerWorkflow;

    @Override
    public Integer call() throws InterruptedException {
      Durability chosen =
          switch (durability) {
            case "normal" -> Durability.PROCESS_CRASH;
            case "full" -> Durability.POWER_LOSS;
            default ->
                throw new CommandLine.ParameterException(
                    new CommandLine(this), "--durability must be normal or full");
          };
      if (insecureNoAuth && tokens != null) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "--tokens and --insecure-no-auth exclude each other");
      }
      if (createRatePerAccount < 0 || createRatePerWorkflow < 0) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "creation rates must be 0 (no limit) or more");
      }
      Config config =
          Config.of(host, port, data, chosen)
              .withMaxRunning(maxRunning)
              .withEffectsLog(effectsLog)
              .withAccess(new Config.Access(tokens, insecureNoAuth))
              .withCreationRates(
                  new Config.CreationRates(createRatePerAccount, createRatePerWorkflow));
      StepflowServer server;
      try {
        server = StepflowServer.start(config);
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    stopped.countDown();
                  }));
      System.out.println("Stepflow is serving " + server.baseUrl());
      System.out.println("Health check: http://" + host + ":" + server.port() + "/healthz");
      server.tokens().ifPresentOrElse(Main::describeTokens, Main::warnInsecure);
      System.out.flush();
      stopped.await();
      return 0;
    }
  }

  private static void describeTokens(TokenSetup.Outcome tokens) {
    if (tokens.createdDevToken()) {
      System.out.println(
          "Created an API token with edit rights on every account in "
              + tokens.devTokenFile()
              + " (readable only by you).");
    }
    if (tokens.devTokenFile() != null) {
      System.out.println("Use it with curl, wrangler or the SDK:");
      System.out.println("  export CLOUDFLARE_API_TOKEN=$(cat " + tokens.devTokenFile() + ")");
    } else {
      System.out.println(
          "API tokens: "
              + tokens.tokensFile()
              + " ("
              + tokens.registry().tokens().size()
              + "). Make one with: stepflow token create --name NAME");
    }
  }

  private static void warnInsecure() {
    System.err.println(
        "WARNING: --insecure-no-auth: anyone who can reach this port can read and change every"
            + " account's workflows.");
  }
}
