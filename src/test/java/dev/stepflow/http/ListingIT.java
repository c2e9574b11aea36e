package dev.stepflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stepflow.testing.ApiClient;
import dev.stepflow.testing.ApiResponse;
import dev.stepflow.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lists and paging as Cloudflare's two clients use them: page numbers (SDK) and cursors (wrangler).
 */
class ListingIT {
  @RegisterExtension static final TestServer server = TestServer.holdingQueue();
  private static final String ACCOUNT = "/client/v4/accounts/lists";
  private static final String WF = ACCOUNT + "/workflows/paging";
  private static ApiClient api;

  @BeforeAll
  static void setUp() {
    api = server.client();
    for (String name : List.of("paging", "alpha", "beta_one", "beta_two", "gamma")) {
      api.put(
          ACCOUNT + "/workflows/" + name, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
    }
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 23; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"instance_id\":\"i-").append(i).append("\"}");
    }
    assertThat(api.post(WF + "/instances/batch", batch + "]").status()).isEqualTo(200);
    api.patch(WF + "/instances/i-3/status", "{\"status\":\"pause\"}");
    api.patch(WF + "/instances/i-4/status", "{\"status\":\"pause\"}");
  }

  private static List<String> ids(ApiResponse response) {
    List<String> ids = new ArrayList<>();
    response.result().forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  @Test
  void cursorWalkVisitsEveryInstanceOnceNewestFirstAndEndsWithoutCursor() {
    List<String> seen = new ArrayList<>();
    String path = WF + "/instances?per_page=5";
    int pages = 0;
    while (path != null && pages < 20) {
      ApiResponse page = api.get(path);
      pages++;
      seen.addAll(ids(page));
      JsonNode cursor = page.body().get("result_info").get("cursor");
      assertThat(page.body().get("result_info").get("total_count").asInt()).isEqualTo(23);
      path = cursor == null ? null : WF + "/instances?per_page=5&cursor=" + cursor.asText();
    }
    assertThat(pages).isEqualTo(5);
    assertThat(seen).hasSize(23).doesNotHaveDuplicates();
    assertThat(seen.getFirst()).isEqualTo("i-22");
    assertThat(seen.getLast()).isEqualTo("i-0");
  }

  @Test
  void ascendingDirectionStartsWithTheOldest() {
    ApiResponse page = api.get(WF + "/instances?per_page=3&direction=asc");
    assertThat(ids(page)).containsExactly("i-0", "i-1", "i-2");
  }

  @Test
  void pageNumbersWorkAndAPagePastTheEndIsEmpty() {
    ApiResponse second = api.get(WF + "/instances?page=2&per_page=10");
    assertThat(ids(second)).hasSize(10).startsWith("i-12");
    assertThat(second.body().get("result_info").get("total_pages").asInt()).isEqualTo(3);
    ApiResponse past = api.get(WF + "/instances?page=9&per_page=10");
    assertThat(past.status()).isEqualTo(200);
    assertThat(past.result()).isEmpty();
    assertThat(past.body().get("result_info").has("cursor")).isFalse();
  }

  @Test
  void trailingSlashAndBareQuestionMarkListToo() {
    assertThat(ids(api.get(WF + "/instances/"))).hasSize(23);
    assertThat(ids(api.get(WF + "/instances?"))).hasSize(23);
  }

  @Test
  void statusFilterSelectsOnlyThatStatus() {
    ApiResponse paused = api.get(WF + "/instances?status=paused");
    assertThat(ids(paused)).containsExactlyInAnyOrder("i-3", "i-4");
    assertThat(paused.body().get("result_info").get("total_count").asInt()).isEqualTo(2);
  }

  @Test
  void dateRangeFiltersOnCreationTime() {
    String future = URLEncoder.encode("2999-01-01T00:00:00Z", StandardCharsets.UTF_8);
    String past = URLEncoder.encode("2000-01-01T00:00:00.000Z", StandardCharsets.UTF_8);
    assertThat(api.get(WF + "/instances?date_start=" + future).result()).isEmpty();
    assertThat(ids(api.get(WF + "/instances?date_start=" + past + "&date_end=" + future)))
        .hasSize(23);
  }

  @Test
  void workflowsPageBySearchAndPastTheEnd() {
    ApiResponse beta = api.get(ACCOUNT + "/workflows?search=beta_");
    assertThat(beta.result())
        .extracting(w -> w.get("name").asText())
        .containsExactly("beta_one", "beta_two");
    ApiResponse page = api.get(ACCOUNT + "/workflows?per_page=2&page=3");
    assertThat(page.result()).hasSize(1);
    assertThat(page.body().get("result_info").get("total_count").asInt()).isEqualTo(5);
    assertThat(api.get(ACCOUNT + "/workflows?per_page=2&page=4").result()).isEmpty();
  }

  @Test
  void workflowCountsInstancesPerStatus() {
    JsonNode counts = api.get(WF).result().get("instances");
    assertThat(counts.get("queued").asInt()).isEqualTo(21);
    assertThat(counts.get("paused").asInt()).isEqualTo(2);
    assertThat(counts.get("complete").asInt()).isZero();
  }

  @Test
  void everyPutMakesANewVersionListedNewestFirst() {
    String wf = ACCOUNT + "/workflows/versioned";
    String first =
        api.put(wf, "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}")
            .result()
            .get("version_id")
            .asText();
    String second =
        api.put(
                wf,
                "{\"class_name\":\"OrderFulfilment\",\"script_name\":\"s\",\"limits\":{\"steps\":50}}")
            .result()
            .get("version_id")
            .asText();
    ApiResponse versions = api.get(wf + "/versions");
    assertThat(versions.result())
        .extracting(v -> v.get("id").asText())
        .containsExactly(second, first);
    JsonNode latest = api.get(wf + "/versions/" + second).result();
    assertThat(latest.get("class_name").asText()).isEqualTo("OrderFulfilment");
    assertThat(latest.get("limits").get("steps").asInt()).isEqualTo(50);
    String created = api.post(wf + "/instances", "{}").result().get("version_id").asText();
    assertThat(created).isEqualTo(second);
    assertThat(api.get(wf + "/versions?page=2&per_page=2").result()).isEmpty();
  }

  @Test
  void accountsListTheAccountsThatHaveWorkflows() {
    api.put(
        "/client/v4/accounts/zz-other/workflows/w",
        "{\"class_name\":\"Scripted\",\"script_name\":\"s\"}");
    ApiResponse accounts = api.get("/client/v4/accounts");
    assertThat(accounts.result())
        .extracting(a -> a.get("id").asText())
        .contains("lists", "zz-other");
  }
}
