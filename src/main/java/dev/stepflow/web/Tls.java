package dev.stepflow.web;

import java.nio.file.Path;

/**
 * Serving HTTPS: a PEM certificate chain and its PEM private key (PKCS#8, as {@code openssl req
 * -newkey} writes it). With {@code plainHttp} {@link PlainHttp#REFUSE} (the default) the port
 * answers HTTPS only: a plain-HTTP request is answered 400 in the envelope, never redirected (a
 * redirect would invite the client to send its token in clear text again) and never served.
 */
public record Tls(Path certificateFile, Path privateKeyFile, PlainHttp plainHttp) {

  /** What the TLS port does with a connection that speaks plain HTTP. */
  public enum PlainHttp {
    REFUSE,
    SERVE;

    /** The value of {@code --tls-plain-http refuse|serve}. */
    public static PlainHttp named(String name) {
      return switch (name) {
        case "refuse" -> REFUSE;
        case "serve" -> SERVE;
        default ->
            throw new IllegalArgumentException(
                "--tls-plain-http must be refuse or serve (found: " + name + ")");
      };
    }
  }

  public Tls {
    if (certificateFile == null || privateKeyFile == null) {
      throw new IllegalArgumentException(
          "--tls-cert and --tls-key go together: give both, or neither to serve plain HTTP");
    }
    if (plainHttp == null) {
      plainHttp = PlainHttp.REFUSE;
    }
  }
}
