package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class StartFailureTest {

  @Test
  void reasonsLeaveOutAWrapperThatQuotesTheDeeperSentence() {
    SQLException notADatabase =
        new SQLException("[SQLITE_NOTADB] File opened that is not a database file");
    RuntimeException flyway =
        new RuntimeException(
            "Unable to check whether table exists\n----\nMessage    : " + notADatabase.getMessage(),
            notADatabase);

    assertThat(StartFailure.reasons(flyway))
        .isEqualTo("[SQLITE_NOTADB] File opened that is not a database file");
  }

  @Test
  void reasonsKeepAMessageThatQuotesOnlyAFewDeeperWords() {
    IOException denied =
        new IOException(
            "/data/stepflow.db: Permission denied", new IOException("Permission denied"));

    assertThat(StartFailure.reasons(denied)).isEqualTo("/data/stepflow.db: Permission denied");
  }

  @Test
  void reasonsJoinTheChainOnOneLineWithoutRepeats() {
    RuntimeException pool =
        new RuntimeException(
            "Failed to initialize pool: Connection to localhost:5432 refused. Check the port.",
            new SQLException(
                "Connection to localhost:5432 refused. Check the port.",
                new ConnectException("Connection refused")));

    assertThat(StartFailure.reasons(pool))
        .isEqualTo("Connection to localhost:5432 refused. Check the port: Connection refused");
  }

  @Test
  void reasonsNameTheExceptionWhenNoneHasAMessage() {
    assertThat(StartFailure.reasons(new IOException())).isEqualTo("IOException");
  }

  @Test
  void reasonsFoldLineBreaks() {
    assertThat(StartFailure.reasons(new IOException("first line\n  second line")))
        .isEqualTo("first line second line");
  }
}
