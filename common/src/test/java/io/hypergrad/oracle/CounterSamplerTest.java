package io.hypergrad.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CounterSamplerTest {

  @Test
  void rowsArePureFunctionsOfSeedChainAndIteration() {
    CounterSampler a = new CounterSampler(7, 1000, 5);
    CounterSampler b = new CounterSampler(7, 1000, 5);
    int[] r1 = a.newRowBuffer();
    int[] r2 = b.newRowBuffer();
    // drawn in a different order, the same (chain, t) gives the same rows
    b.rows(3, 999, r2);
    b.rows(2, 41, r2);
    a.rows(2, 41, r1);
    assertArrayEquals(r1, r2);
  }

  @Test
  void differentCountersGiveDifferentStreams() {
    CounterSampler s = new CounterSampler(7, 1_000_000, 1);
    CounterSampler other = new CounterSampler(8, 1_000_000, 1);
    int[] x = new int[1];
    int[] y = new int[1];
    int sameChain = 0;
    int sameSeed = 0;
    for (int t = 0; t < 1000; t++) {
      s.rows(0, t, x);
      s.rows(1, t, y);
      sameChain += x[0] == y[0] ? 1 : 0;
      other.rows(0, t, y);
      sameSeed += x[0] == y[0] ? 1 : 0;
    }
    // with 10⁶ rows a coincidence has probability 10⁻⁶ per draw
    assertTrue(sameChain <= 2, "chains 0 and 1 coincide " + sameChain + " times");
    assertTrue(sameSeed <= 2, "seeds 7 and 8 coincide " + sameSeed + " times");
  }

  @Test
  void indicesAreInRangeAndUniform() {
    int n = 10;
    int draws = 200_000;
    CounterSampler s = new CounterSampler(123, n, 4);
    long[] counts = new long[n];
    int[] rows = s.newRowBuffer();
    for (int t = 0; t < draws / 4; t++) {
      s.rows(0, t, rows);
      for (int r : rows) {
        assertTrue(r >= 0 && r < n, "row " + r + " out of range");
        counts[r]++;
      }
    }
    double expected = draws / (double) n;
    double chi2 = 0;
    for (long c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    // 9 degrees of freedom: P(χ² > 41.6) ≈ 1e-6 for a uniform sampler
    assertTrue(chi2 < 41.6, "chi-square " + chi2 + " for counts " + java.util.Arrays.toString(counts));
  }

  @Test
  void boundedIndexCoversTheEnds() {
    assertEquals(0, CounterSampler.boundedIndex(0L, 1000));
    assertEquals(999, CounterSampler.boundedIndex(-1L, 1000));
    assertEquals(500, CounterSampler.boundedIndex(Long.MIN_VALUE, 1000));
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new CounterSampler(0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new CounterSampler(0, 10, 0));
    CounterSampler s = new CounterSampler(0, 10, 2);
    assertThrows(IllegalArgumentException.class, () -> s.rows(0, 0, new int[3]));
  }
}
