package ai.spikelm.server;

import ai.spikelm.zoo.text.TextEmbedding;
import ai.spikelm.zoo.text.TokenizedTexts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Merges concurrent embedding requests into model calls (see {@link Batching}) on one worker
 * thread, behind a bounded queue: {@link #submit} refuses at once when the queue is full, so a
 * burst costs a 429, not memory.
 *
 * <p>One model call at a time: on a CPU the engine's own threads already use the cores, and a
 * call's spike counts are then that call's alone.
 */
final class EmbeddingBatcher implements AutoCloseable {

    /**
     * What a model call returns for its texts, in order, and what it cost.
     *
     * @param embeddings one per text
     * @param stats the call's firing rate and energy (a request's share, once split)
     */
    record Output(List<TextEmbedding> embeddings, SpikeStats stats) {}

    /** One request: its tokenised texts, when it arrived and where its vectors go. */
    private record Job(TokenizedTexts texts, long arrivedNanos, CompletableFuture<Output> result) {}

    private final String name;
    private final Function<TokenizedTexts, Output> model;
    private final Batching batching;
    private final ServerMetrics metrics;
    private final BlockingQueue<Job> queue;
    private final Thread worker;
    private volatile boolean closed;
    private volatile Job carried; // the job that did not fit the last batch: written by the worker only

    EmbeddingBatcher(String name, Function<TokenizedTexts, Output> model, Batching batching, int capacity,
            ServerMetrics metrics) {
        this.name = name;
        this.model = model;
        this.batching = batching;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.worker = new Thread(this::work, "spikelm-batch-" + name);
        this.worker.setDaemon(true);
        this.worker.start();
        metrics.queued.register(() -> queue.size() + (carried != null ? 1 : 0), name);
    }

    /**
     * Queues a request.
     *
     * @param texts the request's texts, tokenised
     * @return their embeddings, in order, and the request's share of the cost
     * @throws ApiException 429 when the queue is full, 503 once closed
     */
    synchronized CompletableFuture<Output> submit(TokenizedTexts texts) {
        if (closed) {
            throw ApiException.unavailable("The server is shutting down");
        }
        Job job = new Job(texts, System.nanoTime(), new CompletableFuture<>());
        if (!queue.offer(job)) {
            metrics.rejected.inc(name);
            throw ApiException.overloaded(name);
        }
        return job.result();
    }

    private void work() {
        while (true) {
            Job first;
            try {
                first = carried != null ? carried : queue.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            carried = null;
            if (first == null) {
                if (closed) {
                    break;
                }
                continue;
            }
            run(collect(first));
        }
        failLeftovers();
    }

    /** The first job and whatever else arrives before the batch is full or its wait is over. */
    private List<Job> collect(Job first) {
        List<Job> batch = new ArrayList<>(List.of(first));
        int size = first.texts().textCount();
        long deadline = first.arrivedNanos() + batching.maxWait().toNanos();
        while (size < batching.maxBatchSize()) {
            Job next;
            try {
                long left = deadline - System.nanoTime();
                next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (next == null) {
                break;
            }
            if (size + next.texts().textCount() > batching.maxBatchSize()) {
                carried = next; // opens the next batch
                break;
            }
            batch.add(next);
            size += next.texts().textCount();
        }
        return batch;
    }

    private void run(List<Job> batch) {
        List<TokenizedTexts> parts = new ArrayList<>(batch.size());
        long tokens = 0;
        for (Job job : batch) {
            parts.add(job.texts());
            tokens += job.texts().totalTokens();
        }
        TokenizedTexts joined = TokenizedTexts.concat(parts);
        Output out;
        try {
            out = model.apply(joined);
        } catch (RuntimeException | Error e) {
            batch.forEach(job -> job.result().completeExceptionally(e));
            return;
        }
        metrics.batchSize.observe(joined.textCount(), name);
        metrics.batchRequests.observe(batch.size(), name);
        int from = 0;
        for (Job job : batch) {
            int to = from + job.texts().textCount();
            double share = tokens == 0 ? 0 : (double) job.texts().totalTokens() / tokens;
            job.result().complete(new Output(out.embeddings().subList(from, to), out.stats().share(share)));
            from = to;
        }
    }

    private void failLeftovers() {
        List<Job> left = new ArrayList<>();
        if (carried != null) {
            left.add(carried);
            carried = null;
        }
        queue.drainTo(left);
        left.forEach(job -> job.result().completeExceptionally(ApiException.unavailable("The server is shutting down")));
    }

    /** Refuses new requests, finishes the queued ones, and stops the worker. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        try {
            worker.join(TimeUnit.MINUTES.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
    }
}
