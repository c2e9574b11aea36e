package dev.stepflow.app;

import dev.stepflow.auth.TokenSetup;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code serve} prints on stdout once it serves: the address, and the environment that curl,
 * wrangler and the SDK need, ready to paste. wrangler reads {@code CLOUDFLARE_API_BASE_URL}, {@code
 * CLOUDFLARE_API_TOKEN} and {@code CLOUDFLARE_ACCOUNT_ID}; the SDK reads the token and is given the
 * base URL. With TLS, Node's clients also need {@code NODE_EXTRA_CA_CERTS} to trust a self-signed
 * certificate: they trust only the public authorities (and ignore the system's store).
 */
public final class StartBanner {
  /**
   * Accounts are namespaces, made on first use, so any id works; the README's walkthrough uses this
   * one.
   */
  static final String EXAMPLE_ACCOUNT = "acc1";

  private StartBanner() {}

  /**
   * {@code tokens} is empty with {@code --insecure-no-auth}; {@code certificateFile} is the TLS
   * certificate, or null for plain HTTP. {@code dashboardLogin} is the dashboard's URL with the dev
   * token in its fragment ({@link StepflowServer#dashboardLoginUrl}), printed here on stdout for
   * the person who started the server, never logged; without a dev token the plain {@code
   * dashboardUrl} is printed and the page asks for a token.
   */
  public static String text(
      String baseUrl,
      String healthUrl,
      String dashboardUrl,
      Optional<String> dashboardLogin,
      Optional<TokenSetup.Outcome> tokens,
      Path certificateFile) {
    Environment environment = new Environment(baseUrl, certificateFile);
    StringBuilder text =
        new StringBuilder("Stepflow is serving " + baseUrl + "\n")
            .append("Health check: " + healthUrl + "\n")
            .append(
                dashboardLogin
                    .map(login -> "Dashboard (signs in with the dev token): " + login + "\n")
                    .orElse("Dashboard: " + dashboardUrl + " (sign in with an API token)\n"));
    if (tokens.isEmpty()) {
      text.append("wrangler and the SDK need a token; with --insecure-no-auth any is accepted:\n")
          .append(environment.lines("any"));
      return text.toString();
    }
    TokenSetup.Outcome outcome = tokens.get();
    if (outcome.createdDevToken()) {
      text.append("Created an API token with edit rights on every account in ")
          .append(outcome.devTokenFile())
          .append(" (readable only by you).\n");
    }
    if (outcome.devTokenFile() != null) {
      text.append("Use it with curl, wrangler or the SDK:\n")
          .append(environment.lines("$(cat " + outcome.devTokenFile() + ")"));
    } else {
      text.append("API tokens: ")
          .append(outcome.tokensFile())
          .append(" (")
          .append(outcome.tokenCount())
          .append("). Make one with:\n  ")
          .append(TokenSetup.createCommand(outcome.tokensFile()))
          .append("\nUse its secret with curl, wrangler or the SDK:\n")
          .append(environment.lines("SECRET"));
    }
    return text.toString();
  }

  /** The variables to paste, for a base URL and, with TLS, its certificate. */
  private record Environment(String baseUrl, Path certificateFile) {
    String lines(String token) {
      String lines =
          "  export CLOUDFLARE_API_BASE_URL="
              + baseUrl
              + "\n  export CLOUDFLARE_API_TOKEN="
              + token
              + "\n  export CLOUDFLARE_ACCOUNT_ID="
              + EXAMPLE_ACCOUNT
              + "   # any id: accounts are namespaces, made on first use\n";
      if (certificateFile == null) {
        return lines;
      }
      // absolute: wrangler and scripts read it from their own working folders
      return lines
          + "  export NODE_EXTRA_CA_CERTS="
          + certificateFile.toAbsolutePath().normalize()
          + "   # wrangler and the SDK, when the certificate is self-signed\n";
    }
  }
}
