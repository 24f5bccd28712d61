package ai.spikelm.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InterleavedRoundsTest {

    @Test
    void everyConfigurationFollowsEveryOtherEquallyOften() {
        for (int n = 1; n <= 7; n++) {
            int rounds = n % 2 == 0 ? n : 2 * n;
            int[][] follows = new int[n][n];
            for (int r = 0; r < rounds; r++) {
                int[] order = InterleavedRounds.order(r, n);
                assertArrayEquals(IntStream.range(0, n).toArray(), Arrays.stream(order).sorted().toArray(), "round " + r);
                for (int k = 1; k < n; k++) {
                    follows[order[k - 1]][order[k]]++;
                }
            }
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    assertEquals(a == b ? 0 : rounds / n, follows[a][b], n + " configurations: " + b + " after " + a);
                }
            }
        }
        // The hand-written rows of four: 0, 1, n−1, 2 shifted by the round.
        assertArrayEquals(new int[] {0, 1, 3, 2}, InterleavedRounds.order(0, 4));
        assertArrayEquals(new int[] {2, 3, 1, 0}, InterleavedRounds.order(2, 4));
    }

    @Test
    void eachConfigurationRunsOnceARoundAfterTheWarmUp() {
        List<Integer> runs = new ArrayList<>();
        List<Runnable> configurations = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int id = i;
            configurations.add(() -> runs.add(id));
        }
        InterleavedRounds timed = InterleavedRounds.measure(configurations, 1, 4);
        assertEquals(List.of(0, 1, 2), runs.subList(0, 3));
        assertEquals(List.of(0, 1, 2, 1, 2, 0, 2, 0, 1, 2, 1, 0), runs.subList(3, runs.size()));
        assertEquals(4, timed.milliseconds(2).length);
    }

    @Test
    void warmUpRunsAtLeastItsRoundsAndItsTime() {
        int[] runs = new int[1];
        List<Runnable> one = List.of(() -> {
            runs[0]++;
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long start = System.nanoTime();
        InterleavedRounds.measure(one, 2, 0.2, 3);
        assertTrue(System.nanoTime() - start >= 200_000_000L, "warm-up lasted its 0.2 s");
        assertTrue(runs[0] >= 3 + 200 / 5 / 2, "rounds until the time was up, then 3 timed: " + runs[0]);
        runs[0] = 0;
        InterleavedRounds.measure(one, 2, 0, 3);
        assertEquals(5, runs[0], "no time floor: exactly the warm-up rounds");
    }
}
