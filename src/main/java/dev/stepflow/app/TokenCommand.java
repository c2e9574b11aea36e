package dev.stepflow.app;

import dev.stepflow.auth.ApiToken;
import dev.stepflow.auth.Permission;
import dev.stepflow.auth.TokenFile;
import dev.stepflow.auth.TokenSecrets;
import dev.stepflow.auth.TokenSetup;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code stepflow token create|list|revoke}: manages the tokens file. A running server picks up the
 * changes within a second. The secret of a new token is printed once, alone on stdout, so a script
 * can capture it; everything else goes to stderr.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Create, list and revoke API tokens.",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand {

  /** Which tokens file: {@code --tokens FILE}, or DATA/tokens.json. */
  static final class FileChoice {
    @Option(
        names = "--data",
        defaultValue = "data",
        description = "Data folder whose tokens.json to use (${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--tokens", description = "Tokens file to use instead of DATA/tokens.json.")
    Path tokens;

    TokenFile file() {
      return new TokenFile(tokens != null ? tokens : TokenSetup.defaultTokensFile(data));
    }

    /** For a command that writes the tokens file: its folder is made, or refused if unusable. */
    void requireWritableFolder() {
      if (tokens != null) {
        WritableFolder.require(tokens.toAbsolutePath().getParent(), "the folder of --tokens");
      } else {
        WritableFolder.require(data, "--data");
      }
    }
  }

  /** Accounts of a new token: named ones, or all. */
  static final class Accounts {
    @Option(
        names = "--account",
        required = true,
        description = "An account the token may use (repeat for several).")
    List<String> ids;

    @Option(
        names = "--all-accounts",
        required = true,
        description = "The token may use every account.")
    boolean all;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a token, print it once, and keep only its hash.")
  static final class Create implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin FileChoice file;

    @Option(names = "--name", required = true, description = "A name to recognise it by.")
    String name;

    @Option(
        names = "--permission",
        required = true,
        description = "read (GET only) or edit (everything).")
    String permission;

    @ArgGroup(multiplicity = "1")
    Accounts accounts;

    @Override
    public Integer call() {
      Permission chosen;
      try {
        chosen = Permission.parse(permission);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      Set<String> ids = new LinkedHashSet<>();
      if (!accounts.all) {
        for (String id : accounts.ids) {
          if (!TokenFile.ACCOUNT_ID.matcher(id).matches()) {
            throw new CommandLine.ParameterException(
                spec.commandLine(), "'" + id + "' is not an account id");
          }
          ids.add(id);
        }
      }
      if (name.isBlank() || name.length() > 64) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--name must be 1 to 64 characters");
      }
      String secret = TokenSecrets.newSecret();
      ApiToken token = TokenSetup.describe(secret, name, ids, chosen, Instant.now());
      file.requireWritableFolder();
      TokenFile tokens = file.file();
      try {
        tokens.add(token);
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 1;
      }
      System.out.println(secret);
      System.err.println(
          "Created token '"
              + name
              + "' (id "
              + token.id()
              + "): "
              + chosen.wireName()
              + " on "
              + (ids.isEmpty() ? "every account" : "accounts " + String.join(", ", ids))
              + ". It is shown only now; "
              + tokens.path()
              + " keeps its hash.");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the tokens.")
  static final class ListTokens implements Callable<Integer> {
    @Mixin FileChoice file;

    @Override
    public Integer call() {
      TokenFile tokens = file.file();
      if (!tokens.exists()) {
        System.err.println("No tokens file at " + tokens.path());
        return 1;
      }
      List<ApiToken> all = tokens.read();
      int nameWidth = Math.max(4, all.stream().mapToInt(t -> t.name().length()).max().orElse(0));
      String row = "%-32s  %-" + nameWidth + "s  %-10s  %-20s  %s%n";
      System.out.printf(row, "ID", "NAME", "PERMISSION", "CREATED", "ACCOUNTS");
      for (ApiToken t : all) {
        System.out.printf(
            row,
            t.id(),
            t.name(),
            t.permission().wireName(),
            t.createdOn().truncatedTo(ChronoUnit.SECONDS),
            t.allAccounts() ? "*" : String.join(",", t.accounts().stream().sorted().toList()));
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Remove a token; a running server refuses it within a second.")
  static final class Revoke implements Callable<Integer> {
    @Mixin FileChoice file;

    @Parameters(paramLabel = "NAME_OR_ID", description = "The token's name or id.")
    String which;

    @Override
    public Integer call() {
      TokenFile tokens = file.file();
      if (!tokens.exists()) {
        System.err.println("No tokens file at " + tokens.path());
        return 1;
      }
      file.requireWritableFolder();
      List<ApiToken> removed = new ArrayList<>();
      tokens.update(
          existing -> {
            List<ApiToken> next = new ArrayList<>();
            for (ApiToken t : existing) {
              (t.name().equals(which) || t.id().equals(which) ? removed : next).add(t);
            }
            return next;
          });
      if (removed.isEmpty()) {
        System.err.println("No token named or with id '" + which + "' in " + tokens.path());
        return 1;
      }
      System.err.println("Revoked token '" + removed.getFirst().name() + "'.");
      return 0;
    }
  }
}
