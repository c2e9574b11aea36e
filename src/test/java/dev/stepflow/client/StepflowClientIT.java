package dev.stepflow.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stepflow.api.model.EventSent;
import dev.stepflow.api.model.InstanceCreated;
import dev.stepflow.api.model.InstanceDetails;
import dev.stepflow.api.model.InstanceStatus;
import dev.stepflow.api.model.InstanceSummary;
import dev.stepflow.api.model.RestartFrom;
import dev.stepflow.api.model.RollbackOutcome;
import dev.stepflow.api.model.StepDetail;
import dev.stepflow.api.model.Workflow;
import dev.stepflow.api.model.WorkflowPutResult;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java client against a real Stepflow on a real port: every operation, paging, status changes
 * reaching their statuses, events, and the errors the server answers with.
 */
class StepflowClientIT {
  @RegisterExtension static final TestServer server = new TestServer();
  private static final String ACCOUNT = "client-it";
  private static final Duration SETTLE = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static StepflowClient client;

  @BeforeAll
  static void connect() {
    client =
        StepflowClient.builder()
            .baseUrl(baseUrl())
            .apiToken(token())
            .accountId(ACCOUNT)
            .timeout(Duration.ofSeconds(10))
            .build();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static String baseUrl() {
    return server.client().origin() + "/client/v4";
  }

  private static String token() {
    return ApiClient.devToken(server.dataDir());
  }

  private static String scripted(String name) {
    client.putWorkflow(name, "Scripted", "client-it");
    return name;
  }

  private static Map<String, Object> steps(Object... steps) {
    return Map.of("steps", List.of(steps));
  }

  private static Map<String, Object> waitFor(String type) {
    return Map.of("waitForEvent", "approval", "type", type, "timeout_ms", 60_000);
  }

  private static InstanceStatus awaitStatus(String wf, String id, InstanceStatus expected) {
    return await()
        .atMost(SETTLE)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> client.getInstance(wf, id).getStatus(), s -> s == expected);
  }

  @Test
  void putWorkflowReturnsTheBindingAndGetShowsIt() {
    WorkflowPutResult put = client.putWorkflow("wf-put", "Scripted", "shop");

    Workflow got = client.getWorkflow("wf-put");
    assertThat(put.getName()).isEqualTo("wf-put");
    assertThat(put.getVersionId()).isNotNull();
    assertThat(got.getId()).isEqualTo(put.getId());
    assertThat(got.getClassName()).isEqualTo("Scripted");
    assertThat(got.getScriptName()).isEqualTo("shop");
  }

  @Test
  void listWorkflowsPagesByNumber() {
    List.of("wf-list-1", "wf-list-2", "wf-list-3").forEach(StepflowClientIT::scripted);

    List<String> names = new ArrayList<>();
    for (int page = 1; ; page++) {
      List<Workflow> items = client.listWorkflows(page, 2);
      if (items.isEmpty()) {
        break;
      }
      assertThat(items).hasSizeLessThanOrEqualTo(2);
      items.forEach(w -> names.add(w.getName()));
    }
    assertThat(names).doesNotHaveDuplicates().contains("wf-list-1", "wf-list-2", "wf-list-3");
    assertThat(client.listWorkflows()).extracting(Workflow::getName).contains("wf-list-1");
  }

  @Test
  void deleteWorkflowMakesItUnknown() {
    scripted("wf-delete");

    client.deleteWorkflow("wf-delete");

    assertThatThrownBy(() -> client.getWorkflow("wf-delete"))
        .isInstanceOfSatisfying(
            StepflowApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.firstCode()).isEqualTo(10200);
            });
  }

  @Test
  void createWithIdKeepsTheIdAndTheParams() throws IOException {
    String wf = scripted("wf-create-id");
    JsonNode params = JSON.readTree("{\"steps\":[],\"note\":\"hi\"}");

    InstanceCreated created =
        client.createInstance(wf, CreateInstance.withId("with-id").withParams(params));

    assertThat(created.getId()).isEqualTo("with-id");
    assertThat(created.getStatus()).isEqualTo(InstanceStatus.QUEUED);
    JsonNode stored = JSON.valueToTree(client.getInstance(wf, "with-id").getParams());
    assertThat(stored).isEqualTo(params);
  }

  @Test
  void createWithoutIdGetsAGeneratedOne() {
    String wf = scripted("wf-create-gen");

    InstanceCreated created = client.createInstance(wf, CreateInstance.withGeneratedId());

    assertThat(created.getId())
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    awaitStatus(wf, created.getId(), InstanceStatus.COMPLETE);
  }

  @Test
  void createBatchCreatesEveryInstance() {
    String wf = scripted("wf-batch");

    List<InstanceCreated> created =
        client.createBatch(
            wf,
            List.of(
                CreateInstance.withId("batch-1"),
                CreateInstance.withId("batch-2").withParams(steps()),
                CreateInstance.withGeneratedId()));

    assertThat(created).hasSize(3);
    assertThat(created.get(0).getId()).isEqualTo("batch-1");
    assertThat(created.get(1).getId()).isEqualTo("batch-2");
    created.forEach(c -> assertThat(client.getInstance(wf, c.getId()).getStatus()).isNotNull());
  }

  @Test
  void deleteInstanceMakesItUnknown() {
    String wf = scripted("wf-delete-instance");
    client.createInstance(wf, CreateInstance.withId("gone-1"));
    awaitStatus(wf, "gone-1", InstanceStatus.COMPLETE);

    client.deleteInstance(wf, "gone-1");

    assertThatThrownBy(() -> client.getInstance(wf, "gone-1"))
        .isInstanceOfSatisfying(
            StepflowApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void listInstancesWalksEveryPageByCursorSeeingEachInstanceOnce() {
    String wf = scripted("wf-paging");
    List<String> ids = IntStream.rangeClosed(1, 5).mapToObj(i -> "page-" + i).toList();
    ids.forEach(id -> client.createInstance(wf, CreateInstance.withId(id)));
    InstanceQuery query = InstanceQuery.all().withPerPage(2);

    List<Integer> sizes = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    InstancePage page = client.listInstances(wf, query);
    while (true) {
      sizes.add(page.items().size());
      page.items().forEach(item -> seen.add(item.getId()));
      if (!page.hasNext()) {
        break;
      }
      page = client.listInstances(wf, query.withCursor(page.nextCursor()));
    }

    assertThat(sizes).containsExactly(2, 2, 1);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(client.streamInstances(wf, query).map(InstanceSummary::getId))
        .containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void listInstancesFiltersByStatusAndOrders() {
    String wf = scripted("wf-filter");
    client.createInstance(wf, CreateInstance.withId("filter-done"));
    client.createInstance(wf, CreateInstance.withId("filter-wait").withParams(steps(waitFor("x"))));
    awaitStatus(wf, "filter-done", InstanceStatus.COMPLETE);
    awaitStatus(wf, "filter-wait", InstanceStatus.WAITING);

    InstancePage waiting =
        client.listInstances(wf, InstanceQuery.all().withStatus(InstanceStatus.WAITING));
    List<String> newestFirst =
        client
            .streamInstances(wf, InstanceQuery.all().withDirection(InstanceQuery.Direction.DESC))
            .map(InstanceSummary::getId)
            .toList();

    assertThat(waiting.items()).extracting(InstanceSummary::getId).containsExactly("filter-wait");
    assertThat(waiting.hasNext()).isFalse();
    assertThat(newestFirst).containsExactly("filter-wait", "filter-done");
  }

  @Test
  void listInstancesFiltersByCreationTime() {
    String wf = scripted("wf-created");
    client.createInstance(wf, CreateInstance.withId("created-1"));
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

    InstancePage around =
        client.listInstances(
            wf, InstanceQuery.all().withCreatedBetween(now.minusHours(1), now.plusHours(1)));
    InstancePage later =
        client.listInstances(
            wf, InstanceQuery.all().withCreatedBetween(now.plusHours(1), now.plusHours(2)));

    assertThat(around.items()).extracting(InstanceSummary::getId).containsExactly("created-1");
    assertThat(later.items()).isEmpty();
  }

  @Test
  void pauseHoldsASleepingInstanceAndResumeLetsItGoOn() {
    String wf = scripted("wf-pause");
    client.createInstance(
        wf,
        CreateInstance.withId("pause-1").withParams(steps(Map.of("sleep", "nap", "ms", 60_000))));
    awaitStatus(wf, "pause-1", InstanceStatus.WAITING);

    client.pause(wf, "pause-1");
    awaitStatus(wf, "pause-1", InstanceStatus.PAUSED);
    client.resume(wf, "pause-1");

    awaitStatus(wf, "pause-1", InstanceStatus.WAITING);
  }

  @Test
  void terminateWithRollbackRunsTheRollbackHandlers() {
    String wf = scripted("wf-terminate");
    Map<String, Object> charge = Map.of("do", "charge", "rollback", Map.of("ms", 10));
    client.createInstance(
        wf, CreateInstance.withId("terminate-1").withParams(steps(charge, waitFor("approved"))));
    awaitStatus(wf, "terminate-1", InstanceStatus.WAITING);

    client.terminate(wf, "terminate-1", true);

    awaitStatus(wf, "terminate-1", InstanceStatus.TERMINATED);
    InstanceDetails details = client.getInstance(wf, "terminate-1");
    assertThat(details.getRollback().getOutcome()).isEqualTo(RollbackOutcome.OutcomeEnum.COMPLETE);
    assertThat(server.effects("terminate-1"))
        .containsExactly("do charge-1 #1", "rollback charge-1 #1");
  }

  @Test
  void terminateWithoutRollbackRunsNoHandler() {
    String wf = scripted("wf-terminate-plain");
    Map<String, Object> charge = Map.of("do", "charge", "rollback", Map.of("ms", 10));
    client.createInstance(
        wf, CreateInstance.withId("terminate-2").withParams(steps(charge, waitFor("approved"))));
    awaitStatus(wf, "terminate-2", InstanceStatus.WAITING);

    client.terminate(wf, "terminate-2", false);

    awaitStatus(wf, "terminate-2", InstanceStatus.TERMINATED);
    assertThat(server.effects("terminate-2")).containsExactly("do charge-1 #1");
  }

  @Test
  void restartFromAStepKeepsTheStepsBeforeIt() {
    String wf = scripted("wf-restart");
    client.createInstance(
        wf,
        CreateInstance.withId("restart-1")
            .withParams(steps(Map.of("do", "reserve"), Map.of("do", "ship"))));
    awaitStatus(wf, "restart-1", InstanceStatus.COMPLETE);

    client.restart(wf, "restart-1", new RestartFrom("ship"));

    await().atMost(SETTLE).until(() -> server.effects("restart-1").size() == 3);
    awaitStatus(wf, "restart-1", InstanceStatus.COMPLETE);
    assertThat(server.effects("restart-1"))
        .containsExactly("do reserve-1 #1", "do ship-1 #1", "do ship-1 #1");
  }

  @Test
  void restartRunsEveryStepAgain() {
    String wf = scripted("wf-restart-all");
    client.createInstance(
        wf, CreateInstance.withId("restart-2").withParams(steps(Map.of("do", "only"))));
    awaitStatus(wf, "restart-2", InstanceStatus.COMPLETE);

    client.restart(wf, "restart-2");

    await().atMost(SETTLE).until(() -> server.effects("restart-2").size() == 2);
    awaitStatus(wf, "restart-2", InstanceStatus.COMPLETE);
  }

  @Test
  void sendEventCompletesAWaitingInstance() {
    String wf = scripted("wf-event");
    client.createInstance(
        wf, CreateInstance.withId("event-1").withParams(steps(waitFor("approved"))));
    awaitStatus(wf, "event-1", InstanceStatus.WAITING);

    EventSent sent = client.sendEvent(wf, "event-1", "approved", Map.of("by", "alice"));

    assertThat(sent.getInstanceId()).isEqualTo("event-1");
    awaitStatus(wf, "event-1", InstanceStatus.COMPLETE);
    StepDetail step =
        client.getStep(wf, "event-1", "approval-1", StepflowClient.StepKind.WAIT_FOR_EVENT);
    assertThat(step.getStatus()).isEqualTo(StepDetail.StatusEnum.COMPLETE);
    JsonNode output = JSON.valueToTree(step.getOutput());
    assertThat(output.toString()).contains("alice");
  }

  @Test
  void getStepReturnsTheOutputOfADoStep() {
    String wf = scripted("wf-step");
    client.createInstance(
        wf,
        CreateInstance.withId("step-1")
            .withParams(steps(Map.of("do", "charge", "output", Map.of("paid", 40)))));
    awaitStatus(wf, "step-1", InstanceStatus.COMPLETE);

    StepDetail step = client.getStep(wf, "step-1", "charge-1", StepflowClient.StepKind.STEP);

    JsonNode output = JSON.valueToTree(step.getOutput());
    assertThat(output.get("paid").asInt()).isEqualTo(40);
  }

  @Test
  void unknownInstanceIsA404WithTheContractsCode() {
    String wf = scripted("wf-missing");

    assertThatThrownBy(() -> client.getInstance(wf, "no-such-instance"))
        .isInstanceOfSatisfying(
            StepflowApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.errors())
                  .containsExactly(new ApiError(10400, "workflows.api.error.instance.not_found"));
              assertThat(e.getMessage())
                  .contains("GET ", "/workflows/wf-missing/instances/no-such-instance", "404")
                  .contains("10400");
            });
  }

  @Test
  void cronInstanceIdTravelsAsOnePathSegment() {
    String wf = scripted("wf-cron-id");

    assertThatThrownBy(() -> client.getInstance(wf, "*/30 * * * *-1786001400000"))
        .isInstanceOfSatisfying(
            StepflowApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.firstCode()).isEqualTo(10400);
              assertThat(e.uri().getRawPath())
                  .endsWith("/instances/%2A%2F30%20%2A%20%2A%20%2A%20%2A-1786001400000");
            });
  }

  @Test
  void idWithAPercentSignIsEncodedAndRefusedByTheContract() {
    String wf = scripted("wf-percent-id");

    assertThatThrownBy(() -> client.getInstance(wf, "50%off"))
        .isInstanceOfSatisfying(
            StepflowApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void unknownClassNameIsA400() {
    assertThatThrownBy(() -> client.putWorkflow("wf-bad-class", "NoSuchClass", "s"))
        .isInstanceOfSatisfying(
            StepflowApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.firstCode()).isEqualTo(10002);
              assertThat(e.messages()).anySatisfy(m -> assertThat(m).contains("NoSuchClass"));
              assertThat(e.getMessage()).contains("NoSuchClass");
            });
  }

  @Test
  void pausingACompleteInstanceIsA409() {
    String wf = scripted("wf-conflict");
    client.createInstance(wf, CreateInstance.withId("conflict-1"));
    awaitStatus(wf, "conflict-1", InstanceStatus.COMPLETE);

    assertThatThrownBy(() -> client.pause(wf, "conflict-1"))
        .isInstanceOfSatisfying(
            StepflowApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.firstCode()).isEqualTo(10402);
            });
  }

  @Test
  void eventForAFinishedInstanceIsA409() {
    String wf = scripted("wf-late-event");
    client.createInstance(wf, CreateInstance.withId("late-1"));
    awaitStatus(wf, "late-1", InstanceStatus.COMPLETE);

    assertThatThrownBy(() -> client.sendEvent(wf, "late-1", "approved", null))
        .isInstanceOfSatisfying(
            StepflowApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.firstCode()).isEqualTo(10406);
            });
  }

  @Test
  void wrongTokenIsA401() {
    try (StepflowClient stranger =
        StepflowClient.builder().baseUrl(baseUrl()).apiToken("wrong").accountId(ACCOUNT).build()) {
      assertThatThrownBy(stranger::listWorkflows)
          .isInstanceOfSatisfying(
              StepflowApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.firstCode()).isEqualTo(10000);
                assertThat(e.getMessage()).doesNotContain("wrong");
              });
    }
  }

  @Test
  void fromEnvironmentTalksToTheServerItNames() {
    scripted("wf-env");
    Map<String, String> env =
        Map.of(
            "CLOUDFLARE_API_BASE_URL", baseUrl(),
            "CLOUDFLARE_API_TOKEN", token(),
            "CLOUDFLARE_ACCOUNT_ID", ACCOUNT);

    try (StepflowClient fromEnv = StepflowClient.fromEnvironment(env)) {
      assertThat(fromEnv.getWorkflow("wf-env").getClassName()).isEqualTo("Scripted");
    }
  }

  @Test
  void noServerIsAnIoExceptionNamingTheUrl() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/client/v4";
    try (StepflowClient nobody =
        StepflowClient.builder().baseUrl(url).apiToken("t").accountId(ACCOUNT).build()) {
      assertThatThrownBy(() -> nobody.getWorkflow("w"))
          .isInstanceOf(StepflowIoException.class)
          .hasMessageContaining(url + "/accounts/client-it/workflows/w")
          .hasCauseInstanceOf(IOException.class);
    }
  }

  @Test
  void interruptedCallRestoresTheInterruptFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> client.listWorkflows()).isInstanceOf(StepflowIoException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
