package ai.spikelm.server;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One generation as the HTTP thread sees it: the generation thread puts its pieces, the complete
 * response or the error into a queue, and the HTTP thread takes them in order ({@link #next}), so
 * a slow client never holds the model. When the client is gone ({@link #abandon}) the generation
 * is cancelled at its next piece and its resources are freed.
 */
final class GenerationCall implements StreamingChatResponseHandler {

    /** What the HTTP thread receives. */
    sealed interface Event permits Piece, Done, Failed, Abandoned {}

    /** A piece of text of the reply. */
    record Piece(String text) implements Event {}

    /** The complete reply and what it cost. */
    record Done(ChatResponse response, SpikeStats stats) implements Event {}

    /** The generation failed. */
    record Failed(Throwable error) implements Event {}

    /** The client went away. */
    record Abandoned() implements Event {}

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final boolean streaming;
    private final Supplier<SpikeStats> stats;
    private final Consumer<String> outcome;
    private volatile boolean abandoned;
    private boolean cancelled; // generation thread only

    /**
     * @param streaming whether pieces are wanted (else only the complete reply)
     * @param stats reads the cost of the generation when it completes, on its thread
     * @param outcome told once how the generation ended: completed, failed or cancelled
     */
    GenerationCall(boolean streaming, Supplier<SpikeStats> stats, Consumer<String> outcome) {
        this.streaming = streaming;
        this.stats = stats;
        this.outcome = outcome;
    }

    @Override
    public void onPartialResponse(PartialResponse response, PartialResponseContext context) {
        if (abandoned) {
            context.streamingHandle().cancel(); // no further callback: the generation unwinds
            if (!cancelled) {
                cancelled = true;
                outcome.accept("cancelled");
            }
            return;
        }
        if (streaming) {
            events.add(new Piece(response.text()));
        }
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        outcome.accept("completed");
        events.add(new Done(response, stats.get()));
    }

    @Override
    public void onError(Throwable error) {
        outcome.accept("failed");
        events.add(new Failed(error));
    }

    /** Marks the client gone: the generation stops at its next piece, and {@link #next} returns {@link Abandoned}. */
    void abandon() {
        abandoned = true;
        events.add(new Abandoned());
    }

    /** Returns whether the client is gone. */
    boolean isAbandoned() {
        return abandoned;
    }

    /** Waits for the next event. */
    Event next() throws InterruptedException {
        return events.take();
    }
}
