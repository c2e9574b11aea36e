package dev.stepflow.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a PEM certificate chain and a PEM private key into an in-memory key store for Jetty. The
 * JDK reads PEM certificates itself; a PKCS#8 key ({@code BEGIN PRIVATE KEY}) is a base64 block the
 * JDK decodes once the armour is off. Older key formats are refused with the command that converts
 * them, rather than pulling in a crypto library for a one-time conversion.
 */
final class PemKeyStore {
  /** The key store's password: it never leaves this process, so any fixed value does. */
  static final char[] PASSWORD = "stepflow".toCharArray();

  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final Pattern OTHER_KEY = Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----");
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

  private PemKeyStore() {}

  static KeyStore load(Tls tls) {
    List<? extends Certificate> chain = certificates(tls.certificateFile());
    PrivateKey key = privateKey(tls.privateKeyFile());
    // the key store takes any key with any chain, and Jetty serves it: every handshake then fails
    // at the client ("decrypt error", "bad signature"), far from its cause. So the start checks
    // that the key signs what the first certificate's public key verifies
    if (!belongTogether(key, chain.get(0))) {
      throw new CannotServe(
          "The TLS key file "
              + tls.privateKeyFile()
              + " does not belong to the certificate "
              + tls.certificateFile()
              + " (its first certificate). Give the key that was made with the certificate.");
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("stepflow", key, PASSWORD, chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new CannotServe(
          "Cannot use the TLS key "
              + tls.privateKeyFile()
              + " with the certificate "
              + tls.certificateFile()
              + ": "
              + e.getMessage()
              + ". Give the key that belongs to the certificate.",
          e);
    }
  }

  /** Whether a signature by {@code key} verifies with the certificate's public key. */
  private static boolean belongTogether(PrivateKey key, Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448: the algorithm is the signature's name
        };
    byte[] probe = "stepflow key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // a key of another algorithm than the certificate's, or parameters that do not fit it
      return false;
    }
  }

  private static List<? extends Certificate> certificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<? extends Certificate> chain =
          List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (chain.isEmpty()) {
        throw new CannotServe(
            "The TLS certificate file "
                + file
                + " holds no certificate. Give a PEM file that starts with -----BEGIN"
                + " CERTIFICATE-----.");
      }
      return chain;
    } catch (IOException e) {
      throw new CannotServe(
          "Cannot read the TLS certificate file " + file + ": " + reason(e) + ".", e);
    } catch (GeneralSecurityException e) {
      throw new CannotServe(
          "The TLS certificate file "
              + file
              + " is not a PEM certificate chain ("
              + e.getMessage()
              + "). Give a PEM file that starts with -----BEGIN CERTIFICATE-----.",
          e);
    }
  }

  private static PrivateKey privateKey(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new CannotServe("Cannot read the TLS key file " + file + ": " + reason(e) + ".", e);
    }
    Matcher pkcs8 = PKCS8.matcher(pem);
    if (!pkcs8.find()) {
      Matcher other = OTHER_KEY.matcher(pem);
      if (!other.find()) {
        // a certificate or any other file: there is nothing to convert
        throw new CannotServe(
            "The TLS key file "
                + file
                + " holds no PEM private key. Give the certificate's key as an unencrypted PKCS#8"
                + " PEM file (-----BEGIN PRIVATE KEY-----).");
      }
      // the command names the file given, so that it can be pasted as it is
      throw new CannotServe(
          "The TLS key file "
              + file
              + " holds "
              + other.group(1)
              + "PRIVATE KEY, not an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----). Convert"
              + " it with: openssl pkcs8 -topk8 -nocrypt -in "
              + file
              + " -out key-pkcs8.pem, and give key-pkcs8.pem to --tls-key.");
    }
    byte[] der = Base64.getMimeDecoder().decode(pkcs8.group(1));
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm; try the next
      }
    }
    throw new CannotServe(
        "The TLS key file "
            + file
            + " holds a PKCS#8 key of an algorithm this JDK cannot read; use an RSA, EC or Ed25519"
            + " key.");
  }

  private static String reason(IOException e) {
    return e instanceof java.nio.file.NoSuchFileException
        ? "no such file"
        : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
  }
}
