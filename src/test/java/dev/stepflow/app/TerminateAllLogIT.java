package dev.stepflow.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.stepflow.engine.service.BulkJobRunner;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The log lines of a terminate-all job (a bulk job) name the job, the workflow and the account in
 * words, never a record's toString.
 */
class TerminateAllLogIT {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue();

  private final Logger logger = (Logger) LoggerFactory.getLogger(BulkJobRunner.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void listen() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    logger.detachAppender(logged);
  }

  @Test
  void theJobsEndIsLoggedWithTheWorkflowAndAccountNames() {
    ApiClient api = server.client();
    String workflow = "/client/v4/accounts/ops/workflows/orders";
    assertThat(api.put(workflow, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
        .isEqualTo(200);
    api.post(workflow + "/instances/batch", "[{\"instance_id\":\"a\"},{\"instance_id\":\"b\"}]");
    assertThat(api.put(workflow + "/instances/terminate", null).status()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(logged.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(
                        line ->
                            assertThat(line)
                                .matches(
                                    "Bulk job [0-9a-f-]{36} \\(terminate on workflow 'orders' of"
                                        + " account 'ops'\\) is complete: 2 matched, 2 applied,"
                                        + " 0 skipped, 0 failed, 0 cancelled")));
    assertThat(logged.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains("WorkflowRef["));
  }
}
