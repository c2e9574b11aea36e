package dev.stepflow.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The tokens file: a JSON document an operator can read, holding each token's id, name, accounts
 * ({@code ["*"]} for all), permission and SHA-256, never a secret. Changes are written to a
 * temporary file and renamed over the old one, under a lock file, so a server reading it never sees
 * half a file and two {@code token create} commands never lose one another's token. The file is
 * readable by its owner only: hashes cannot be reversed, but there is no reason to show them.
 */
public final class TokenFile {
  public static final String ALL_ACCOUNTS = "*";
  public static final Pattern ACCOUNT_ID = Pattern.compile("^[a-zA-Z0-9_][a-zA-Z0-9-_]{0,31}$");
  private static final Pattern HEX_64 = Pattern.compile("^[0-9a-f]{64}$");
  private static final Pattern ID = Pattern.compile("^[0-9a-f]{32}$");
  private static final int MAX_NAME = 64;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path path;

  public TokenFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  public boolean exists() {
    return Files.exists(path);
  }

  /** Every token in the file; a file that is not valid fails with the entry and the reason. */
  public List<ApiToken> read() {
    try {
      return parse(JSON.readTree(path.toFile()));
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read tokens file " + path + ": " + e.getMessage());
    }
  }

  /** Applies {@code change} to the tokens, creating the file if needed, and writes the result. */
  public List<ApiToken> update(UnaryOperator<List<ApiToken>> change) {
    Path lockPath = path.resolveSibling(path.getFileName() + ".lock");
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      try (FileChannel lockFile =
              FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = lockFile.lock()) {
        List<ApiToken> next = change.apply(exists() ? read() : List.of());
        write(next);
        return next;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write tokens file " + path, e);
    }
  }

  /**
   * Adds {@code token}. Names must be unique, since {@code token revoke} takes a name: a name in
   * use is refused with an {@link IllegalArgumentException} and the file stays as it was.
   */
  public void add(ApiToken token) {
    update(
        existing -> {
          if (existing.stream().anyMatch(t -> t.name().equals(token.name()))) {
            throw new IllegalArgumentException(
                "A token named '"
                    + token.name()
                    + "' exists already; revoke it or pick another name.");
          }
          List<ApiToken> next = new ArrayList<>(existing);
          next.add(token);
          return next;
        });
  }

  private void write(List<ApiToken> tokens) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode items = root.putArray("tokens");
    for (ApiToken token : tokens) {
      ObjectNode item = items.addObject();
      item.put("id", token.id());
      item.put("name", token.name());
      ArrayNode accounts = item.putArray("accounts");
      if (token.allAccounts()) {
        accounts.add(ALL_ACCOUNTS);
      } else {
        token.accounts().stream().sorted().forEach(accounts::add);
      }
      item.put("permission", token.permission().wireName());
      item.put("sha256", token.sha256());
      item.put("created_on", token.createdOn().toString());
    }
    PrivateFiles.replace(path, JSON.writeValueAsBytes(root));
  }

  private List<ApiToken> parse(JsonNode root) {
    JsonNode items = root.path("tokens");
    if (!items.isArray()) {
      throw invalid("it needs a 'tokens' array");
    }
    List<ApiToken> tokens = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (int i = 0; i < items.size(); i++) {
      ApiToken token = parseToken(items.get(i), i);
      if (!ids.add(token.id())) {
        throw invalid("tokens[" + i + "] repeats id " + token.id());
      }
      tokens.add(token);
    }
    return List.copyOf(tokens);
  }

  private ApiToken parseToken(JsonNode item, int index) {
    String where = "tokens[" + index + "]";
    String id = text(item, "id", where);
    String name = text(item, "name", where);
    String sha256 = text(item, "sha256", where);
    if (!ID.matcher(id).matches()) {
      throw invalid(where + ".id must be 32 lowercase hex characters");
    }
    if (name.isBlank() || name.length() > MAX_NAME) {
      throw invalid(where + ".name must be 1 to " + MAX_NAME + " characters");
    }
    if (!HEX_64.matcher(sha256).matches()) {
      throw invalid(where + ".sha256 must be 64 lowercase hex characters");
    }
    Permission permission;
    try {
      permission = Permission.parse(text(item, "permission", where));
    } catch (IllegalArgumentException e) {
      throw invalid(where + ": " + e.getMessage());
    }
    Instant createdOn;
    try {
      createdOn = Instant.parse(text(item, "created_on", where));
    } catch (RuntimeException e) {
      throw invalid(where + ".created_on must be an ISO-8601 instant");
    }
    return new ApiToken(
        id, name, accounts(item.path("accounts"), where), permission, sha256, createdOn);
  }

  private Set<String> accounts(JsonNode accounts, String where) {
    if (!accounts.isArray() || accounts.isEmpty()) {
      throw invalid(where + ".accounts must be a non-empty array: account ids, or [\"*\"]");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode account : accounts) {
      String id = account.asText("");
      if (id.equals(ALL_ACCOUNTS) && accounts.size() == 1) {
        return Set.of();
      }
      if (!ACCOUNT_ID.matcher(id).matches()) {
        throw invalid(where + ".accounts holds '" + id + "', which is not an account id");
      }
      ids.add(id);
    }
    return ids;
  }

  private String text(JsonNode item, String member, String where) {
    JsonNode value = item.path(member);
    if (!value.isTextual()) {
      throw invalid(where + "." + member + " must be a string");
    }
    return value.asText();
  }

  private IllegalArgumentException invalid(String reason) {
    return new IllegalArgumentException("Tokens file " + path + " is not valid: " + reason);
  }
}
