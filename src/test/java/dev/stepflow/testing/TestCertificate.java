package dev.stepflow.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for localhost and 127.0.0.1 and its key, made by openssl in a folder at
 * test time with the README's command, and the SSL context of a client that trusts it. openssl must
 * be on PATH: without it this fails, naming what to install, rather than letting TLS go untested.
 */
public final class TestCertificate {
  private static final long OPENSSL_SECONDS = 60;

  private final Path certificate;
  private final Path key;

  private TestCertificate(Path certificate, Path key) {
    this.certificate = certificate;
    this.key = key;
  }

  /**
   * Makes {@code NAME-cert.pem} and {@code NAME-key.pem} (PKCS#8, unencrypted) in {@code dir}, for
   * the subject {@code CN=cn} and the names localhost and 127.0.0.1.
   */
  public static TestCertificate make(Path dir, String name, String cn) {
    Path certificate = dir.resolve(name + "-cert.pem");
    Path key = dir.resolve(name + "-key.pem");
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        certificate.toString(),
        "-days",
        "30",
        "-subj",
        "/CN=" + cn,
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1");
    return new TestCertificate(certificate, key);
  }

  public Path certificate() {
    return certificate;
  }

  /** The PKCS#8 key, as {@code openssl req -newkey} writes it. */
  public Path key() {
    return key;
  }

  /** The same key in the older format ({@code BEGIN RSA PRIVATE KEY}), written next to it. */
  public Path traditionalRsaKey() {
    Path traditional = key.resolveSibling(key.getFileName() + ".rsa");
    openssl(
        key.getParent(),
        "rsa",
        "-in",
        key.toString(),
        "-traditional",
        "-out",
        traditional.toString());
    return traditional;
  }

  /** An SSL context whose only trusted certificate is this one. */
  public SSLContext trustingContext() {
    try (InputStream in = Files.newInputStream(certificate)) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      int n = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("test-" + n++, c);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + certificate + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code openssl ARGS} in {@code dir}; fails with its output unless it exits 0. */
  public static String openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Path output = dir.resolve("openssl.out");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "The TLS tests make their certificates with openssl, which cannot be run ("
              + e.getMessage()
              + "). Install it (apt-get install openssl) and put it on PATH.",
          e);
    }
    try {
      if (!process.waitFor(OPENSSL_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + OPENSSL_SECONDS + " s");
      }
      String printed = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited " + process.exitValue() + ":\n" + printed);
      }
      return printed;
    } catch (IOException e) {
      throw new IllegalStateException("reading the output of openssl: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException(e);
    }
  }
}
