package dev.stepflow.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.stepflow.api.model.BulkItemOutcome;
import dev.stepflow.api.model.BulkJob;
import dev.stepflow.api.model.BulkJobItem;
import dev.stepflow.api.model.BulkJobRequest;
import dev.stepflow.api.model.EventSent;
import dev.stepflow.api.model.InstanceCreateRequest;
import dev.stepflow.api.model.InstanceCreated;
import dev.stepflow.api.model.InstanceDeleteResult;
import dev.stepflow.api.model.InstanceDetails;
import dev.stepflow.api.model.InstanceSummary;
import dev.stepflow.api.model.PauseRequest;
import dev.stepflow.api.model.RestartFrom;
import dev.stepflow.api.model.RestartRequest;
import dev.stepflow.api.model.ResumeRequest;
import dev.stepflow.api.model.StatusChangeRequest;
import dev.stepflow.api.model.StatusChangeResult;
import dev.stepflow.api.model.StepDetail;
import dev.stepflow.api.model.TerminateRequest;
import dev.stepflow.api.model.Workflow;
import dev.stepflow.api.model.WorkflowDeleteResult;
import dev.stepflow.api.model.WorkflowPutRequest;
import dev.stepflow.api.model.WorkflowPutResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A client of one account of a Workflows API v4 server: Stepflow, or anything that speaks the same
 * REST API. Every method is one HTTP request (the streaming listing, one per page) and returns the
 * envelope's {@code result} as a generated model of {@code dev.stepflow.api.model}.
 *
 * <pre>{@code
 * try (StepflowClient client = StepflowClient.fromEnvironment()) {
 *   client.putWorkflow("orders", "OrderFulfilment", "shop");
 *   InstanceCreated created =
 *       client.createInstance("orders", CreateInstance.withId("order-1").withParams(Map.of("sku", "A1")));
 *   InstanceDetails details = client.getInstance("orders", created.getId());
 * }
 * }</pre>
 *
 * <p>Failures are unchecked: {@link StepflowApiException} when the server refused (with its HTTP
 * status and error codes), {@link StepflowIoException} when there was no usable answer. Nothing is
 * retried. Names and ids are percent-encoded into the path, so any id the server issued (a cron
 * instance's id has spaces and slashes) can be passed back as it is.
 *
 * <p>Thread-safe: one client may serve a whole application. {@link #close()} releases the
 * connections of the {@link HttpClient} it created (not of one passed to {@link
 * StepflowClientBuilder#httpClient}).
 */
public final class StepflowClient implements AutoCloseable {
  // buffers from a shared pool, not per thread: callers on virtual threads would otherwise get
  // fresh buffers for every thread's first call
  static final ObjectMapper JSON =
      new ObjectMapper(
              JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build())
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private final Transport transport;
  private final String accountId;
  private final URI baseUrl;

  StepflowClient(Transport transport, URI baseUrl, String accountId) {
    this.transport = transport;
    this.baseUrl = baseUrl;
    this.accountId = accountId;
  }

  /** A builder; base URL, token and account are required, the timeout is 60 s by default. */
  public static StepflowClientBuilder builder() {
    return new StepflowClientBuilder();
  }

  /**
   * A client configured as wrangler is: {@code CLOUDFLARE_API_BASE_URL} (including {@code
   * /client/v4}), {@code CLOUDFLARE_API_TOKEN} and {@code CLOUDFLARE_ACCOUNT_ID}, or their old
   * names {@code CF_API_BASE_URL}, {@code CF_API_TOKEN}, {@code CF_ACCOUNT_ID}.
   *
   * @throws IllegalStateException naming the first variable that is missing or empty
   */
  public static StepflowClient fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * As {@link #fromEnvironment()}, reading the variables from {@code environment}.
   *
   * @throws IllegalStateException naming the first variable that is missing or empty
   */
  public static StepflowClient fromEnvironment(Map<String, String> environment) {
    return new Environment(environment).toBuilder().build();
  }

  /** The base URL requests go to, without a trailing slash. */
  public URI baseUrl() {
    return baseUrl;
  }

  /** The account every request is made for. */
  public String accountId() {
    return accountId;
  }

  /**
   * Creates workflow {@code name} or points it at another class ({@code PUT /workflows/{name}}).
   *
   * @param className the workflow class the server runs (e.g. Stepflow's {@code Scripted})
   * @param scriptName the script (Worker) name, recorded as given
   */
  public WorkflowPutResult putWorkflow(String name, String className, String scriptName) {
    // The model starts with an empty schedule list; send none, as wrangler does without crons.
    return putWorkflow(name, new WorkflowPutRequest(className, scriptName).schedules(null));
  }

  /** As {@link #putWorkflow(String, String, String)} with every field of the request. */
  public WorkflowPutResult putWorkflow(String name, WorkflowPutRequest request) {
    return transport.send("PUT", workflow(name), request).result(WorkflowPutResult.class);
  }

  /** Workflow {@code name}, with its instance counts per status. */
  public Workflow getWorkflow(String name) {
    return transport.send("GET", workflow(name), null).result(Workflow.class);
  }

  /** The first page of workflows, in the server's default page size. */
  public List<Workflow> listWorkflows() {
    return transport.send("GET", workflows(), null).resultList(Workflow.class);
  }

  /** Page {@code page} (from 1) of the workflows, {@code perPage} (1 to 100) a page. */
  public List<Workflow> listWorkflows(int page, int perPage) {
    ApiPath path = workflows().query("page", page).query("per_page", perPage);
    return transport.send("GET", path, null).resultList(Workflow.class);
  }

  /** Deletes workflow {@code name} and its instances. */
  public WorkflowDeleteResult deleteWorkflow(String name) {
    return transport.send("DELETE", workflow(name), null).result(WorkflowDeleteResult.class);
  }

  /** Creates an instance of {@code workflow}; it starts queued. */
  public InstanceCreated createInstance(String workflow, CreateInstance instance) {
    return transport
        .send("POST", instances(workflow), toRequest(instance))
        .result(InstanceCreated.class);
  }

  /** Creates up to 100 instances at once; all or none are created. */
  public List<InstanceCreated> createBatch(String workflow, List<CreateInstance> batch) {
    List<InstanceCreateRequest> body = batch.stream().map(StepflowClient::toRequest).toList();
    return transport
        .send("POST", instances(workflow).literal("batch"), body)
        .resultList(InstanceCreated.class);
  }

  /** Instance {@code instanceId}: status, params, output, error and the step log. */
  public InstanceDetails getInstance(String workflow, String instanceId) {
    return transport
        .send("GET", instance(workflow, instanceId), null)
        .result(InstanceDetails.class);
  }

  /** Deletes instance {@code instanceId} and its stored state. */
  public InstanceDeleteResult deleteInstance(String workflow, String instanceId) {
    return transport
        .send("DELETE", instance(workflow, instanceId), null)
        .result(InstanceDeleteResult.class);
  }

  /** One page of the instances of {@code workflow} that {@code query} selects. */
  public InstancePage listInstances(String workflow, InstanceQuery query) {
    ApiPath path =
        instances(workflow)
            .query("status", query.status())
            .query("per_page", query.perPage())
            .query("cursor", query.cursor())
            .query("direction", query.direction() == null ? null : query.direction().wireName())
            .query("date_start", time(query.createdFrom()))
            .query("date_end", time(query.createdUntil()));
    Transport.Answer answer = transport.send("GET", path, null);
    return new InstancePage(answer.resultList(InstanceSummary.class), answer.cursor());
  }

  /**
   * Every instance {@code query} selects, walking the pages by cursor as the stream is consumed.
   * The first page is fetched at once; each further page when the stream reaches it.
   */
  public Stream<InstanceSummary> streamInstances(String workflow, InstanceQuery query) {
    return Stream.iterate(
            listInstances(workflow, query),
            Objects::nonNull,
            page ->
                page.hasNext()
                    ? listInstances(workflow, query.withCursor(page.nextCursor()))
                    : null)
        .flatMap(page -> page.items().stream());
  }

  /** Asks the instance to pause: at once when it is queued or waiting, else after its step. */
  public StatusChangeResult pause(String workflow, String instanceId) {
    return changeStatus(workflow, instanceId, new PauseRequest("pause"));
  }

  /** Resumes a paused instance (or cancels a pause not yet settled). */
  public StatusChangeResult resume(String workflow, String instanceId) {
    return changeStatus(workflow, instanceId, new ResumeRequest("resume"));
  }

  /**
   * Terminates the instance.
   *
   * @param rollback run the rollback handlers of its finished steps first, newest first
   */
  public StatusChangeResult terminate(String workflow, String instanceId, boolean rollback) {
    TerminateRequest request = new TerminateRequest("terminate");
    // wrangler sends the flag only when it is set; a server may refuse it with other actions.
    return changeStatus(workflow, instanceId, rollback ? request.rollback(true) : request);
  }

  /** Runs the instance again from its start, with the same params. */
  public StatusChangeResult restart(String workflow, String instanceId) {
    return changeStatus(workflow, instanceId, new RestartRequest("restart"));
  }

  /**
   * Runs the instance again from step {@code from}: the steps before it keep their results.
   *
   * @param from the step's name (without the counter suffix), and optionally which occurrence
   *     ({@code count}, from 1) and its type
   */
  public StatusChangeResult restart(String workflow, String instanceId, RestartFrom from) {
    return changeStatus(workflow, instanceId, new RestartRequest("restart").from(from));
  }

  private StatusChangeResult changeStatus(
      String workflow, String instanceId, StatusChangeRequest request) {
    return transport
        .send("PATCH", instance(workflow, instanceId).literal("status"), request)
        .result(StatusChangeResult.class);
  }

  /**
   * Sends event {@code type} to the instance, for its {@code waitForEvent} on that type. A server
   * refuses events an instance cannot take (a finished one) with 409.
   *
   * @param payload any value Jackson can write; null sends {@code {}}
   */
  public EventSent sendEvent(String workflow, String instanceId, String type, Object payload) {
    ApiPath path = instance(workflow, instanceId).literal("events").segment(type);
    Object body = payload == null ? Map.of() : payload;
    return transport.send("POST", path, body).result(EventSent.class);
  }

  /**
   * The status, output and error of one step, output untruncated.
   *
   * @param stepName the name as the instance's step log shows it, with its counter suffix ({@code
   *     "charge-1"})
   */
  public StepDetail getStep(String workflow, String instanceId, String stepName, StepKind kind) {
    return getStep(workflow, instanceId, stepName, kind, null);
  }

  /**
   * As {@link #getStep(String, String, String, StepKind)}, for attempt {@code attempt} (from 1).
   */
  public StepDetail getStep(
      String workflow, String instanceId, String stepName, StepKind kind, Integer attempt) {
    ApiPath path =
        instance(workflow, instanceId)
            .literal("step")
            .query("name", stepName)
            .query("type", Objects.requireNonNull(kind, "kind").wireName)
            .query("attempt", attempt);
    return transport.send("GET", path, null).result(StepDetail.class);
  }

  /**
   * Starts a bulk job (Stepflow's extension, {@code POST /workflows/{w}/bulk}): one action on every
   * instance of {@code workflow} that the request's filter selects now. A dry run answers a
   * complete job; otherwise poll {@link #getBulkJob} for its progress.
   */
  public BulkJob startBulkJob(String workflow, BulkJobRequest request) {
    return transport.send("POST", bulk(workflow), request).result(BulkJob.class);
  }

  /** Bulk job {@code jobId} of {@code workflow}, with its counts. */
  public BulkJob getBulkJob(String workflow, String jobId) {
    return transport.send("GET", bulk(workflow).segment(jobId), null).result(BulkJob.class);
  }

  /** Cancels a running bulk job between two items; answers the job after the cancel. */
  public BulkJob cancelBulkJob(String workflow, String jobId) {
    return transport.send("DELETE", bulk(workflow).segment(jobId), null).result(BulkJob.class);
  }

  /**
   * One page of a bulk job's items in the order the job applies them.
   *
   * @param outcome only items with this outcome; null for all
   * @param cursor the previous page's {@link BulkItemPage#nextCursor()}; null for the first page
   */
  public BulkItemPage listBulkJobItems(
      String workflow, String jobId, BulkItemOutcome outcome, String cursor) {
    ApiPath path =
        bulk(workflow)
            .segment(jobId)
            .literal("items")
            .query("outcome", outcome == null ? null : outcome.toString())
            .query("cursor", cursor);
    Transport.Answer answer = transport.send("GET", path, null);
    return new BulkItemPage(answer.resultList(BulkJobItem.class), answer.cursor());
  }

  private ApiPath bulk(String workflow) {
    return workflow(workflow).literal("bulk");
  }

  /** Which kind of step {@link #getStep} looks up. */
  public enum StepKind {
    /** A {@code step.do} (Java: {@code step.run}). */
    STEP("step"),
    /** A {@code step.waitForEvent}. */
    WAIT_FOR_EVENT("waitForEvent");

    private final String wireName;

    StepKind(String wireName) {
      this.wireName = wireName;
    }
  }

  /** Releases the connections of the HTTP client this client created. */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "StepflowClient[" + baseUrl + ", account " + accountId + "]";
  }

  private ApiPath workflows() {
    return ApiPath.account(accountId).literal("workflows");
  }

  private ApiPath workflow(String name) {
    return workflows().segment(name);
  }

  private ApiPath instances(String workflow) {
    return workflow(workflow).literal("instances");
  }

  private ApiPath instance(String workflow, String instanceId) {
    return instances(workflow).segment(instanceId);
  }

  private static InstanceCreateRequest toRequest(CreateInstance instance) {
    return new InstanceCreateRequest()
        .instanceId(instance.id())
        .params(instance.params())
        .onFailure(instance.onFailure());
  }

  private static String time(OffsetDateTime value) {
    return value == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(value);
  }
}
