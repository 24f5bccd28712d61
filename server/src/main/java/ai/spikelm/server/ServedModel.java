package ai.spikelm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A loaded model and the queue in front of it: an encoder (embeddings) or a decoder (chat, completions). */
sealed interface ServedModel extends AutoCloseable permits EncoderService, DecoderService {

    /** Returns the name clients ask for. */
    String name();

    /** Describes the model for {@code GET /v1/models} (SpikeLM's own fields). */
    void describe(ObjectNode spikelm);

    /** Finishes queued work, then releases the model. */
    @Override
    void close();
}
