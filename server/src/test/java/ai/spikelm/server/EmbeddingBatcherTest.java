package ai.spikelm.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.text.EncoderTokenizer;
import ai.spikelm.zoo.text.TextEmbedding;
import ai.spikelm.zoo.text.TokenizedTexts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dynamic batching on a stand-in model that records its calls: merging, limits, queue and shutdown.
 * Texts are tokenised by the real MiniLM tokenizer; text {@code w(n)} is n words, n + 2 tokens
 * with [CLS] and [SEP], so a call's token counts tell which texts it held.
 */
class EmbeddingBatcherTest {

    static EncoderTokenizer tokenizer;

    @BeforeAll
    static void tokenizer() throws Exception {
        tokenizer = EncoderTokenizer.builder().setTokenizer(EmbeddedMiniLm.tokenizerFile()).optMaxLength(64).build();
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /** n words: n + 2 tokens. */
    static String w(int n) {
        return "word ".repeat(n).strip();
    }

    static TokenizedTexts texts(int... words) {
        List<String> list = new ArrayList<>();
        for (int n : words) {
            list.add(w(n));
        }
        return tokenizer.encode(list);
    }

    /** A model whose vector of a text is {its tokens, call number}, and which can be held. */
    static final class Recorder {
        final List<List<Integer>> calls = new ArrayList<>();
        final CountDownLatch release;
        final CountDownLatch entered = new CountDownLatch(1);

        Recorder(boolean held) {
            release = new CountDownLatch(held ? 1 : 0);
        }

        EmbeddingBatcher.Output embed(TokenizedTexts texts) {
            entered.countDown();
            try {
                release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            List<Integer> tokens = new ArrayList<>();
            for (int i = 0; i < texts.textCount(); i++) {
                tokens.add(texts.tokens(i));
            }
            int call;
            synchronized (calls) {
                calls.add(tokens);
                call = calls.size();
            }
            List<TextEmbedding> out = new ArrayList<>();
            tokens.forEach(t -> out.add(new TextEmbedding(new float[] {t, call}, t)));
            return new EmbeddingBatcher.Output(out, new SpikeStats(0.25, 1.0));
        }
    }

    @Test
    void requestsArrivingWithinTheWaitShareOneCall() throws Exception {
        Recorder model = new Recorder(false);
        ServerMetrics metrics = new ServerMetrics();
        Batching batching = Batching.builder().optMaxBatchSize(8).optMaxWait(Duration.ofMillis(500)).build();
        try (EmbeddingBatcher batcher = new EmbeddingBatcher("m", model::embed, batching, 16, metrics)) {
            CompletableFuture<EmbeddingBatcher.Output> a = batcher.submit(texts(1, 2)); // 3 + 4 tokens
            CompletableFuture<EmbeddingBatcher.Output> b = batcher.submit(texts(5)); // 7 tokens
            EmbeddingBatcher.Output outA = a.get(1, TimeUnit.MINUTES);
            EmbeddingBatcher.Output outB = b.get(1, TimeUnit.MINUTES);
            assertEquals(List.of(List.of(3, 4, 7)), model.calls);
            assertArrayEquals(new float[] {3, 1}, outA.embeddings().get(0).vector());
            assertArrayEquals(new float[] {4, 1}, outA.embeddings().get(1).vector());
            assertArrayEquals(new float[] {7, 1}, outB.embeddings().get(0).vector());
            // The call's energy is shared by tokens (7 : 7); both see the call's firing rate.
            assertEquals(0.5, outA.stats().joules(), 1e-12);
            assertEquals(0.5, outB.stats().joules(), 1e-12);
            assertEquals(0.25, outB.stats().firingRate(), 0);
        }
        assertEquals(1, metrics.batchSize.count("m"));
        assertEquals(3, metrics.batchSize.sum("m"), 0);
        assertEquals(2, metrics.batchRequests.sum("m"), 0);
    }

    @Test
    void aBatchNeverExceedsItsSizeAndBatchSizeOneSendsEachAlone() throws Exception {
        for (int size : new int[] {1, 3}) {
            Recorder model = new Recorder(true);
            // No wait: a batch takes what is queued when it opens, so the held first call goes alone.
            Batching batching = Batching.builder().optMaxBatchSize(size).optMaxWait(Duration.ZERO).build();
            try (EmbeddingBatcher batcher = new EmbeddingBatcher("m", model::embed, batching, 16, new ServerMetrics())) {
                List<CompletableFuture<EmbeddingBatcher.Output>> all = new ArrayList<>();
                all.add(batcher.submit(texts(10))); // held in the model while the rest queue
                model.entered.await(1, TimeUnit.MINUTES);
                for (int n = 1; n <= 4; n++) {
                    all.add(batcher.submit(texts(n)));
                }
                all.add(batcher.submit(texts(6, 7, 8, 9))); // larger than a batch: goes alone
                model.release.countDown();
                for (CompletableFuture<EmbeddingBatcher.Output> f : all) {
                    f.get(1, TimeUnit.MINUTES);
                }
            }
            List<List<Integer>> expected = size == 1
                    ? List.of(List.of(12), List.of(3), List.of(4), List.of(5), List.of(6), List.of(8, 9, 10, 11))
                    : List.of(List.of(12), List.of(3, 4, 5), List.of(6), List.of(8, 9, 10, 11));
            assertEquals(expected, model.calls, "batch size " + size);
        }
    }

    @Test
    void aFullQueueIsRefusedAtOnceAndClosingFinishesWhatWaits() throws Exception {
        Recorder model = new Recorder(true);
        ServerMetrics metrics = new ServerMetrics();
        EmbeddingBatcher batcher = new EmbeddingBatcher("m", model::embed, Batching.none(), 2, metrics);
        CompletableFuture<EmbeddingBatcher.Output> running = batcher.submit(texts(1));
        model.entered.await(1, TimeUnit.MINUTES);
        CompletableFuture<EmbeddingBatcher.Output> q1 = batcher.submit(texts(2));
        CompletableFuture<EmbeddingBatcher.Output> q2 = batcher.submit(texts(3));
        long start = System.nanoTime();
        ApiException full = assertThrows(ApiException.class, () -> batcher.submit(texts(4)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "refused at once");
        assertEquals(429, full.status());
        assertEquals(1, metrics.rejected.value("m"), 0);
        Thread closer = new Thread(batcher::close);
        closer.start();
        while (closer.getState() != Thread.State.WAITING && closer.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(5);
        }
        ApiException closed = assertThrows(ApiException.class, () -> batcher.submit(texts(5)));
        assertEquals(503, closed.status());
        model.release.countDown();
        closer.join(60_000);
        assertEquals(3, model.calls.size(), "queued requests finish before the batcher stops");
        assertTrue(running.isDone() && q1.isDone() && q2.isDone());
        assertEquals(List.of(4), List.of(q1.get().embeddings().get(0).tokens()));
    }

    @Test
    void aFailingCallFailsItsRequestsOnly() throws Exception {
        int[] calls = {0};
        try (EmbeddingBatcher batcher = new EmbeddingBatcher("m", texts -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("boom");
            }
            return new EmbeddingBatcher.Output(List.of(new TextEmbedding(new float[] {1}, 3)), SpikeStats.NONE);
        }, Batching.none(), 4, new ServerMetrics())) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> batcher.submit(texts(1)).get(1, TimeUnit.MINUTES));
            assertEquals("boom", e.getCause().getMessage());
            assertEquals(1, batcher.submit(texts(1)).get(1, TimeUnit.MINUTES).embeddings().size());
        }
    }
}
