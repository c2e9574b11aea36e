package dev.stepflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.stepflow.api.model.BulkAction;
import dev.stepflow.api.model.BulkFilter;
import dev.stepflow.api.model.BulkItemOutcome;
import dev.stepflow.api.model.BulkJob;
import dev.stepflow.api.model.BulkJobItem;
import dev.stepflow.api.model.BulkJobRequest;
import dev.stepflow.api.model.BulkJobState;
import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java client's bulk job calls against a real server whose instances stay queued. */
class StepflowClientBulkIT {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue();
  private static StepflowClient client;

  @BeforeAll
  static void connect() {
    client =
        StepflowClient.builder()
            .baseUrl(server.client().origin() + "/client/v4")
            .apiToken(ApiClient.devToken(server.dataDir()))
            .accountId("client-bulk")
            .timeout(Duration.ofSeconds(10))
            .build();
    client.putWorkflow("sweep", "Scripted", "s");
    for (int i = 0; i < 5; i++) {
      client.createInstance("sweep", CreateInstance.withId("s" + i));
    }
    client.pause("sweep", "s0");
  }

  @AfterAll
  static void close() {
    client.close();
  }

  @Test
  void aJobIsStartedFollowedAndItsItemsPagedThroughTheClient() {
    BulkJob started =
        client.startBulkJob(
            "sweep",
            new BulkJobRequest(BulkAction.PAUSE)
                .filter(new BulkFilter().status(List.of(InstanceStatus.QUEUED)))
                .reason("client test"));
    assertThat(started.getMatched()).isEqualTo(4);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> client.getBulkJob("sweep", started.getId()).getState() != BulkJobState.RUNNING);
    BulkJob done = client.getBulkJob("sweep", started.getId());
    assertThat(done.getState()).isEqualTo(BulkJobState.COMPLETE);
    assertThat(done.getApplied()).isEqualTo(4);
    assertThat(done.getReason()).isEqualTo("client test");

    List<BulkJobItem> items = new ArrayList<>();
    String cursor = null;
    do {
      BulkItemPage page =
          client.listBulkJobItems("sweep", started.getId(), BulkItemOutcome.APPLIED, cursor);
      items.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null);
    assertThat(items)
        .extracting(BulkJobItem::getInstanceId)
        .containsExactly("s1", "s2", "s3", "s4");
    assertThat(client.cancelBulkJob("sweep", started.getId()).getState())
        .as("an ended job stays as it is")
        .isEqualTo(BulkJobState.COMPLETE);
  }

  @Test
  void anUnknownJobIsTheServersNotFound() {
    assertThatThrownBy(() -> client.getBulkJob("sweep", "nope"))
        .isInstanceOfSatisfying(
            StepflowApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.firstCode()).isEqualTo(10410);
            });
  }
}
