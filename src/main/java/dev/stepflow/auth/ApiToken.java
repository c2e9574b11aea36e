package dev.stepflow.auth;

import java.time.Instant;
import java.util.Set;

/**
 * One API token as the server keeps it: never the secret, only its SHA-256. {@code accounts} empty
 * means every account.
 *
 * @param id a public identifier (shown by {@code token list}, recorded as the actor of changes)
 * @param name what the operator called it
 * @param sha256 lowercase hex of SHA-256 over the token's UTF-8 bytes
 */
public record ApiToken(
    String id,
    String name,
    Set<String> accounts,
    Permission permission,
    String sha256,
    Instant createdOn) {

  public ApiToken {
    accounts = Set.copyOf(accounts);
  }

  public boolean allAccounts() {
    return accounts.isEmpty();
  }

  public boolean mayUse(String accountId) {
    return allAccounts() || accounts.contains(accountId);
  }

  public boolean mayDo(String method) {
    return permission == Permission.EDIT || !Permission.needsEdit(method);
  }
}
