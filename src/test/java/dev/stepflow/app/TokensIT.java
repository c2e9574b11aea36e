package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stepflow.auth.TokenFile;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.StepflowProcess;
import dev.stepflow.testing.StepflowProcess.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens as an operator meets them, through the packaged jar: the dev token of a first start, the
 * {@code token} command against a running server, {@code --insecure-no-auth}, a missing tokens
 * file, and that no secret ever reaches a log.
 */
class TokensIT {
  private static final String WORKFLOWS = "/client/v4/accounts/ops/workflows";

  @TempDir Path dir;

  @Test
  void theFirstStartMakesAnOwnerOnlyDevTokenThatLaterStartsKeep() throws Exception {
    Path data = dir.resolve("data");
    String secret;
    try (StepflowProcess first = StepflowProcess.start(data, dir, "first")) {
      String stdout = Files.readString(first.stdoutFile());
      assertThat(stdout)
          .contains("Created an API token")
          .contains("export CLOUDFLARE_API_BASE_URL=" + first.origin() + "/client/v4\n")
          .contains("export CLOUDFLARE_API_TOKEN=$(cat " + data.resolve("dev-token") + ")")
          .contains("export CLOUDFLARE_ACCOUNT_ID=acc1 ");
      assertThat(Files.readString(first.stderrFile())).contains("(1 token)");
      secret = ApiClient.devToken(data);
      assertThat(secret).startsWith("sfk_").hasSizeGreaterThan(40);
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(data.resolve("dev-token"))))
          .isEqualTo("rw-------");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(data.resolve("tokens.json"))))
          .isEqualTo("rw-------");
      assertThat(Files.readString(data.resolve("tokens.json"))).doesNotContain(secret);
      assertThat(first.client().get(WORKFLOWS).status()).isEqualTo(200);
      first.stop();
    }
    try (StepflowProcess second = StepflowProcess.start(data, dir, "second")) {
      assertThat(ApiClient.devToken(data)).isEqualTo(secret);
      assertThat(Files.readString(second.stdoutFile()))
          .doesNotContain("Created an API token")
          .contains("export CLOUDFLARE_API_TOKEN");
      assertThat(second.client().get(WORKFLOWS).status()).isEqualTo(200);
    }
  }

  @Test
  void tokenCommandsTakeEffectOnARunningServerAndNoSecretIsLogged() throws Exception {
    Path data = dir.resolve("data");
    List<String> secrets = new ArrayList<>();
    try (StepflowProcess server = StepflowProcess.start(data, dir, "server")) {
      secrets.add(ApiClient.devToken(data));
      CommandResult created =
          StepflowProcess.run(
              List.of(
                  "token",
                  "create",
                  "--data",
                  data.toString(),
                  "--name",
                  "ci",
                  "--permission",
                  "read",
                  "--account",
                  "ops"));
      assertThat(created.exitCode()).as(created.stderr()).isZero();
      String secret = created.stdout().strip();
      secrets.add(secret);
      assertThat(created.stdout().lines().toList()).containsExactly(secret);
      assertThat(created.stderr()).contains("read on accounts ops").doesNotContain(secret);

      ApiClient ci = server.client().withToken(secret);
      await().atMost(Duration.ofSeconds(5)).until(() -> ci.get(WORKFLOWS).status() == 200);
      assertThat(
              ci.put(WORKFLOWS + "/w", "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}")
                  .status())
          .isEqualTo(403);
      assertThat(ci.get("/client/v4/accounts/other/workflows").status()).isEqualTo(403);

      CommandResult listed =
          StepflowProcess.run(List.of("token", "list", "--data", data.toString()));
      assertThat(listed.exitCode()).isZero();
      assertThat(listed.stdout()).contains("ci").contains("read").contains("dev");
      // CREATED: ISO-8601 UTC to the second, so every row has the same width
      assertThat(listed.stdout().lines().skip(1))
          .hasSize(2)
          .allSatisfy(
              row ->
                  assertThat(row)
                      .containsPattern(" \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z ")
                      .doesNotContainPattern("T[0-9:]+\\."));
      secrets.forEach(s -> assertThat(listed.stdout()).doesNotContain(s));

      CommandResult duplicate =
          StepflowProcess.run(
              List.of(
                  "token",
                  "create",
                  "--data",
                  data.toString(),
                  "--name",
                  "ci",
                  "--permission",
                  "edit",
                  "--all-accounts"));
      assertThat(duplicate.exitCode()).isEqualTo(1);
      assertThat(duplicate.stdout()).isEmpty();

      CommandResult revoked =
          StepflowProcess.run(List.of("token", "revoke", "--data", data.toString(), "ci"));
      assertThat(revoked.exitCode()).as(revoked.stderr()).isZero();
      await().atMost(Duration.ofSeconds(5)).until(() -> ci.get(WORKFLOWS).status() == 401);

      // failed attempts with look-alike secrets must not be logged either
      String probe = "sfk_probeSecretThatMustNeverBeLogged0000000000";
      secrets.add(probe);
      assertThat(server.client().withToken(probe).get(WORKFLOWS).status()).isEqualTo(401);
      server.stop(); // SIGTERM: logs are complete once it exits
      String log = Files.readString(server.stderrFile());
      secrets.forEach(s -> assertThat(log).doesNotContain(s));
      // stdout is the start banner for whoever started the server: the dev token is in it once, in
      // the dashboard's login link (its fragment never reaches a server or a log), and no other
      // secret is
      String banner = Files.readString(server.stdoutFile());
      String devToken = secrets.getFirst();
      assertThat(banner.lines().filter(line -> line.contains(devToken)).toList())
          .singleElement()
          .asString()
          .contains("/ui/#token=" + devToken);
      secrets.stream().skip(1).forEach(s -> assertThat(banner).doesNotContain(s));
    }
  }

  @Test
  void insecureNoAuthServesWithoutTokensAndWarns() throws Exception {
    try (StepflowProcess open =
        StepflowProcess.start(dir.resolve("data"), dir, "open", List.of("--insecure-no-auth"))) {
      assertThat(open.client().get(WORKFLOWS).status()).isEqualTo(200);
      assertThat(Files.readString(open.stderrFile())).contains("WARNING: --insecure-no-auth");
      assertThat(Files.exists(dir.resolve("data").resolve("dev-token"))).isFalse();
    }
  }

  @Test
  void aMissingTokensFileStopsTheStartWithTheFix() throws Exception {
    Path missing = dir.resolve("nowhere.json");
    CommandResult refused =
        StepflowProcess.run(
            List.of(
                "serve",
                "--port",
                "0",
                "--data",
                dir.resolve("data").toString(),
                "--tokens",
                missing.toString()));
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.stderr()).contains(missing.toString());
    CommandResult hinted = StepflowProcess.run(printedCommand(refused.stderr()));
    assertThat(hinted.exitCode()).as(hinted.stderr()).isZero();
    assertThat(missing).exists();
  }

  @Test
  void aTokensFileThatIsNotValidIsReportedInOneLine() throws Exception {
    Path tokens = dir.resolve("broken.json");
    Files.writeString(tokens, "{\"tokens\":[{\"id\":\"x\"}]}");
    for (List<String> args :
        List.of(
            List.of("token", "list", "--tokens", tokens.toString()),
            List.of(
                "serve",
                "--port",
                "0",
                "--data",
                dir.resolve("data").toString(),
                "--tokens",
                tokens.toString()))) {
      CommandResult refused = StepflowProcess.run(args);
      assertThat(refused.exitCode()).as("%s", args).isEqualTo(2);
      assertThat(refused.stderr().strip())
          .as("%s", args)
          .contains("is not valid")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void anExplicitTokensFileIsUsedAndNoDevTokenIsMade() throws Exception {
    Path tokens = dir.resolve("tokens.json");
    CommandResult created =
        StepflowProcess.run(
            List.of(
                "token",
                "create",
                "--tokens",
                tokens.toString(),
                "--name",
                "ops",
                "--permission",
                "edit",
                "--all-accounts"));
    assertThat(created.exitCode()).as(created.stderr()).isZero();
    try (StepflowProcess server =
        StepflowProcess.start(
            dir.resolve("data"), dir, "explicit", List.of("--tokens", tokens.toString()))) {
      ApiClient ops = server.client().withToken(created.stdout().strip());
      assertThat(
              ops.put(WORKFLOWS + "/w", "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}")
                  .status())
          .isEqualTo(200);
      assertThat(Files.exists(dir.resolve("data").resolve("dev-token"))).isFalse();
      String stdout = Files.readString(server.stdoutFile());
      assertThat(stdout)
          .contains("API tokens: " + tokens + " (1 token)")
          .contains("export CLOUDFLARE_API_BASE_URL=" + server.origin() + "/client/v4\n");
      CommandResult hinted = StepflowProcess.run(printedCommand(stdout));
      assertThat(hinted.exitCode()).as(hinted.stderr()).isZero();
      assertThat(new TokenFile(tokens).read()).hasSize(2);
    }
  }

  /** The {@code stepflow token create ...} command a hint printed, as arguments of the jar. */
  private static List<String> printedCommand(String output) {
    Matcher command = Pattern.compile("stepflow (token create .*)").matcher(output);
    assertThat(command.find()).as(output).isTrue();
    return List.of(command.group(1).strip().split(" "));
  }
}
