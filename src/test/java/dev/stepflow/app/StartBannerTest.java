package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.auth.TokenSetup;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code serve} prints once it serves, over plain HTTP and over TLS. */
class StartBannerTest {
  private static final Optional<TokenSetup.Outcome> DEV_TOKEN =
      Optional.of(
          new TokenSetup.Outcome(
              null, Path.of("data/tokens.json"), true, Path.of("data/dev-token")));

  @Test
  void plainHttpTellsTheAddressAndTheEnvironmentWithoutACertificate() {
    String text =
        StartBanner.text(
            "http://127.0.0.1:8787/client/v4",
            "http://127.0.0.1:8787/healthz",
            "http://127.0.0.1:8787/ui/",
            Optional.of("http://127.0.0.1:8787/ui/#token=sf_secret"),
            DEV_TOKEN,
            null);

    assertThat(text.lines())
        .containsExactly(
            "Stepflow is serving http://127.0.0.1:8787/client/v4",
            "Health check: http://127.0.0.1:8787/healthz",
            "Dashboard (signs in with the dev token): http://127.0.0.1:8787/ui/#token=sf_secret",
            "Created an API token with edit rights on every account in data/dev-token (readable"
                + " only by you).",
            "Use it with curl, wrangler or the SDK:",
            "  export CLOUDFLARE_API_BASE_URL=http://127.0.0.1:8787/client/v4",
            "  export CLOUDFLARE_API_TOKEN=$(cat data/dev-token)",
            "  export CLOUDFLARE_ACCOUNT_ID=acc1   # any id: accounts are namespaces, made on first"
                + " use");
  }

  @Test
  void tlsAddsHowNodeClientsTrustTheCertificateByItsAbsolutePath() {
    Path certificate = Path.of("tls/cert.pem");
    String text =
        StartBanner.text(
            "https://127.0.0.1:8787/client/v4",
            "https://127.0.0.1:8787/healthz",
            "https://127.0.0.1:8787/ui/",
            Optional.of("https://127.0.0.1:8787/ui/#token=sf_secret"),
            DEV_TOKEN,
            certificate);

    assertThat(text.lines())
        .containsExactly(
            "Stepflow is serving https://127.0.0.1:8787/client/v4",
            "Health check: https://127.0.0.1:8787/healthz",
            "Dashboard (signs in with the dev token): https://127.0.0.1:8787/ui/#token=sf_secret",
            "Created an API token with edit rights on every account in data/dev-token (readable"
                + " only by you).",
            "Use it with curl, wrangler or the SDK:",
            "  export CLOUDFLARE_API_BASE_URL=https://127.0.0.1:8787/client/v4",
            "  export CLOUDFLARE_API_TOKEN=$(cat data/dev-token)",
            "  export CLOUDFLARE_ACCOUNT_ID=acc1   # any id: accounts are namespaces, made on first"
                + " use",
            "  export NODE_EXTRA_CA_CERTS="
                + certificate.toAbsolutePath()
                + "   # wrangler and the SDK, when the certificate is self-signed");
  }

  @Test
  void withoutAuthenticationTheCertificateLineFollowsTheAnyToken() {
    String text =
        StartBanner.text(
            "https://127.0.0.1:8787/client/v4",
            "https://127.0.0.1:8787/healthz",
            "https://127.0.0.1:8787/ui/",
            Optional.empty(),
            Optional.empty(),
            Path.of("/etc/stepflow/cert.pem"));

    assertThat(text)
        .endsWith(
            "  export CLOUDFLARE_API_TOKEN=any\n"
                + "  export CLOUDFLARE_ACCOUNT_ID=acc1   # any id: accounts are namespaces, made on"
                + " first use\n"
                + "  export NODE_EXTRA_CA_CERTS=/etc/stepflow/cert.pem   # wrangler and the SDK,"
                + " when the certificate is self-signed\n");
  }

  @Test
  void withoutADevTokenTheDashboardLineAsksForAToken() {
    String text =
        StartBanner.text(
            "http://127.0.0.1:8787/client/v4",
            "http://127.0.0.1:8787/healthz",
            "http://127.0.0.1:8787/ui/",
            Optional.empty(),
            Optional.empty(),
            null);

    assertThat(text.lines())
        .contains("Dashboard: http://127.0.0.1:8787/ui/ (sign in with an API token)")
        .noneMatch(line -> line.contains("#token="));
  }
}
