package dev.stepflow.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stepflow.domain.CronTick;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cloudflare's cron syntax as Stepflow parses it, and the ids of the instances its ticks create,
 * against the contract's example ({@code *}{@code /30 * * * *-1786001400000}).
 */
class CronExpressionsTest {
  private static final Instant CONTRACT_TICK = Instant.ofEpochMilli(1786001400000L);

  @Test
  void theContractsExampleIdIsTheExpressionAndTheTickInEpochMilliseconds() {
    assertThat(new CronTick("*/30 * * * *", CONTRACT_TICK).instanceId())
        .isEqualTo("*/30 * * * *-1786001400000");
  }

  @Test
  void theLatestTickOfTheContractsExampleIsItsScheduledTime() throws Exception {
    CronExpressions.Schedule every30 = CronExpressions.parse("*/30 * * * *");

    assertThat(every30.latestAtOrBefore(CONTRACT_TICK.plus(Duration.ofMinutes(29))))
        .contains(CONTRACT_TICK);
    assertThat(every30.latestAtOrBefore(CONTRACT_TICK)).contains(CONTRACT_TICK);
    assertThat(every30.nextAfter(CONTRACT_TICK))
        .contains(CONTRACT_TICK.plus(Duration.ofMinutes(30)));
    assertThat(every30.nextAfter(CONTRACT_TICK.minusMillis(1))).contains(CONTRACT_TICK);
  }

  @ParameterizedTest(name = "{0} after {1}: {2}")
  @CsvSource({
    "'* * * * *',        2026-12-03T10:15:30Z, 2026-12-03T10:16:00Z",
    "'*/5 * * * *',      2026-12-03T10:15:00Z, 2026-12-03T10:20:00Z",
    "'0 9 * * MON-FRI',  2026-12-04T10:00:00Z, 2026-12-07T09:00:00Z",
    "'0 0 1 JAN *',      2026-12-03T10:00:00Z, 2027-01-01T00:00:00Z",
    "'0 12 * * 0',       2026-12-03T10:00:00Z, 2026-12-06T12:00:00Z",
    "'0 12 * * 7',       2026-12-03T10:00:00Z, 2026-12-06T12:00:00Z",
    "'0 0 L * *',        2026-12-03T10:00:00Z, 2026-12-31T00:00:00Z",
    "'0 0 * * 5L',       2026-12-03T10:00:00Z, 2026-12-25T00:00:00Z",
    "'0 0 * * 1#2',      2026-12-03T10:00:00Z, 2026-12-14T00:00:00Z",
    "'0 0 15W * *',      2026-11-01T00:00:00Z, 2026-11-16T00:00:00Z",
    "'15,45 1-3 * * *',  2026-12-03T01:50:00Z, 2026-12-03T02:15:00Z"
  })
  void nextTickFollowsCloudflaresSyntaxInUtc(String cron, Instant after, Instant next)
      throws Exception {
    assertThat(CronExpressions.parse(cron).nextAfter(after)).contains(next);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "* * * *",
        "* * * * * *",
        "60 * * * *",
        "* 24 * * *",
        "* * 32 * *",
        "* * * 13 *",
        "* * * * 8",
        "nonsense",
        "*/0 * * * *"
      })
  void expressionsOutsideTheSyntaxAreRefusedWithAReason(String cron) {
    assertThatThrownBy(() -> CronExpressions.parse(cron))
        .isInstanceOf(CronExpressions.Invalid.class)
        .hasMessageNotContaining("null");
  }
}
