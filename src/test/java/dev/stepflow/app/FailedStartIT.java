package dev.stepflow.app;

import static dev.stepflow.app.StartMistakesIT.assertToldInOneLine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stepflow.domain.Instance;
import dev.stepflow.domain.InstanceRef;
import dev.stepflow.domain.Status;
import dev.stepflow.domain.StatusChange;
import dev.stepflow.store.jdbc.JdbcInstanceStore;
import dev.stepflow.store.sqlite.SqliteDatabase;
import dev.stepflow.store.sqlite.SqliteDatabase.Durability;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.StepflowProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails changes nothing, through the packaged jar: the port is taken, so the start
 * ends with one line and exit 2 before its engine claims the queued instance that waits in the data
 * folder.
 */
class FailedStartIT {
  private static final String WF = "/client/v4/accounts/acc1/workflows/queued";
  private static final InstanceRef QUEUED = new InstanceRef("acc1", "queued", "waits-1");

  @TempDir Path dir;

  /** What the store holds about the instance: the row and its status history. */
  private record Stored(Instance instance, List<StatusChange> history) {}

  private static Stored read(Path data) {
    try (SqliteDatabase db = SqliteDatabase.open(data, Durability.PROCESS_CRASH)) {
      JdbcInstanceStore store = new JdbcInstanceStore(db);
      return new Stored(store.findInstance(QUEUED).orElseThrow(), store.history(QUEUED));
    }
  }

  /** A server that runs nothing leaves an instance queued, and stops. */
  private void queueAnInstance(Path data) throws Exception {
    try (StepflowProcess holder =
        StepflowProcess.start(data, dir, "holder", List.of("--max-running", "0"))) {
      ApiClient api = holder.client();
      assertThat(api.put(WF, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}").status())
          .isEqualTo(200);
      String params = "{\"steps\":[{\"do\":\"work\",\"output\":1}]}";
      assertThat(
              api.post(
                      WF + "/instances",
                      "{\"instance_id\":\"" + QUEUED.instanceId() + "\",\"params\":" + params + "}")
                  .status())
          .isEqualTo(200);
      holder.stop();
    }
  }

  @Test
  void aTakenPortFailsTheStartBeforeTheEngineClaimsAQueuedInstance() throws Exception {
    Path data = dir.resolve("data");
    queueAnInstance(data);
    Stored before = read(data);
    assertThat(before.instance().status()).isEqualTo(Status.QUEUED);

    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      assertToldInOneLine(
          StepflowProcess.run(
              List.of(
                  "serve",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(port),
                  "--data",
                  data.toString())),
          "Cannot listen on 127.0.0.1:"
              + port
              + ": the port is in use (by another Stepflow server or another program). Stop it or"
              + " choose another --port (0 picks a free one).");
    }

    Stored after = read(data);
    assertThat(after.instance().status()).isEqualTo(Status.QUEUED);
    assertThat(after.instance().startedOn()).isNull();
    assertThat(after.history()).isEqualTo(before.history());
  }
}
