package dev.stepflow.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

/**
 * Finds the tokens a server start uses. With {@code --tokens FILE} that file must exist. Otherwise
 * the tokens file is {@code DATA/tokens.json}; when it does not exist yet, this is a first start,
 * and one edit token for every account is created so the server is usable at once: its secret goes
 * to {@code DATA/dev-token}, readable only by its owner, and only its hash to the tokens file.
 */
public final class TokenSetup {
  public static final String DEFAULT_FILE = "tokens.json";
  public static final String DEV_TOKEN_FILE = "dev-token";
  public static final String DEV_TOKEN_NAME = "dev";

  /**
   * What a start found.
   *
   * @param createdDevToken whether this start created the dev token
   * @param devTokenFile {@code DATA/dev-token} when it exists and belongs to the tokens in use
   */
  public record Outcome(
      TokenRegistry registry, Path tokensFile, boolean createdDevToken, Path devTokenFile) {

    /** "1 token", "3 tokens": how many tokens the file holds now. */
    public String tokenCount() {
      int count = registry.tokens().size();
      return count == 1 ? "1 token" : count + " tokens";
    }
  }

  private TokenSetup() {}

  /** A {@code token create} command line that works as printed, for hints. */
  public static String createCommand(Path tokensFile) {
    return "stepflow token create --tokens "
        + tokensFile
        + " --name NAME --permission edit --all-accounts";
  }

  public static Path defaultTokensFile(Path dataDir) {
    return dataDir.resolve(DEFAULT_FILE);
  }

  /**
   * Refuses, without writing anything, the tokens a start could not use: a {@code --tokens} file
   * that does not exist, a tokens file that is not valid. A server start checks before it opens the
   * store, and {@link #prepare}s after.
   */
  public static void check(Path dataDir, Path explicitTokensFile) {
    TokenFile file =
        explicitTokensFile != null
            ? existing(explicitTokensFile)
            : new TokenFile(defaultTokensFile(dataDir));
    if (file.exists()) {
      file.read();
    }
  }

  public static Outcome prepare(Path dataDir, Path explicitTokensFile) {
    if (explicitTokensFile != null) {
      TokenFile file = existing(explicitTokensFile);
      return new Outcome(TokenRegistry.open(file), explicitTokensFile, false, null);
    }
    TokenFile file = new TokenFile(defaultTokensFile(dataDir));
    Path devToken = dataDir.resolve(DEV_TOKEN_FILE);
    boolean created = false;
    if (!file.exists()) {
      createDevToken(file, devToken);
      created = true;
    }
    return new Outcome(
        TokenRegistry.open(file), file.path(), created, Files.exists(devToken) ? devToken : null);
  }

  private static TokenFile existing(Path explicitTokensFile) {
    TokenFile file = new TokenFile(explicitTokensFile);
    if (!file.exists()) {
      throw new IllegalArgumentException(
          "Tokens file "
              + explicitTokensFile
              + " does not exist. Create a token into it with: "
              + createCommand(explicitTokensFile));
    }
    return file;
  }

  /** The secret goes to disk first: a crash before the hash is written just makes a new one. */
  private static void createDevToken(TokenFile file, Path devToken) {
    String secret = TokenSecrets.newSecret();
    try {
      PrivateFiles.replace(devToken, (secret + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + devToken, e);
    }
    ApiToken token = describe(secret, DEV_TOKEN_NAME, Set.of(), Permission.EDIT, Instant.now());
    file.add(token);
  }

  /** The stored form of a new secret. */
  public static ApiToken describe(
      String secret, String name, Set<String> accounts, Permission permission, Instant now) {
    return new ApiToken(
        TokenSecrets.newId(), name, accounts, permission, TokenSecrets.sha256Hex(secret), now);
  }
}
