package dev.signet.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ArrivalGapsTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  @Test
  void patienceFollowsTheUsualGapAndNeverDropsBelowItsFloor() {
    ArrivalGaps g = new ArrivalGaps();
    assertThat(g.patienceNanos()).isEqualTo(2 * MS); // before any arrival: a 1 ms guess
    long t = 0;
    for (int i = 0; i < 200; i++) {
      g.observe(t += 3 * MS);
    }
    assertThat(g.patienceNanos()).isBetween(5 * MS, 6 * MS + 1);
    for (int i = 0; i < 200; i++) {
      g.observe(t += 10_000); // 10 µs apart: a burst
    }
    assertThat(g.patienceNanos()).isEqualTo(TimeUnit.MICROSECONDS.toNanos(200));
  }

  @Test
  void anArrivalSeenOutOfOrderDoesNotCountAsAGap() {
    ArrivalGaps g = new ArrivalGaps();
    g.observe(100 * MS);
    long before = g.patienceNanos();
    g.observe(50 * MS);
    assertThat(g.patienceNanos()).isEqualTo(before);
    g.observe(100 * MS + 100_000); // 0.1 ms after the last in-order one
    assertThat(g.patienceNanos()).isLessThan(before);
  }
}
