/**
 * An OpenAI-compatible HTTP server for SpikeLM models: {@code POST /v1/embeddings}, {@code POST
 * /v1/chat/completions} (JSON or server-sent events), {@code POST /v1/completions}, {@code GET
 * /v1/models}, health and readiness probes and Prometheus text metrics, on Jetty 12's core HTTP
 * server.
 *
 * <pre>{@code
 * try (SpikeLmServer server = SpikeLmServer.builder()
 *         .addModel(ModelSpec.parse("minilm=embedded"))                  // the embedded all-MiniLM-L6-v2, ANN
 *         .addModel(ModelSpec.parse("minilm-t4=embedded,T=4"))           // the same, as SpikeLM T = 4
 *         .addModel(ModelSpec.parse("gpt2-t4=/models/my-gpt2,T=4"))      // a text generator
 *         .optPort(8080)
 *         .build()) {                                                   // loads every model once
 *     server.start();
 *     server.awaitStop();
 * }
 * }</pre>
 *
 * <p>Every model loads once, through the family registry ({@link ai.spikelm.zoo.family.ModelFamilies}):
 * a family with an encoder serves embeddings through the encoder pipeline ({@link
 * ai.spikelm.zoo.text.EncoderPipeline}), one that generates text (causal LM or encoder-decoder)
 * serves chat and completions through {@link ai.spikelm.langchain4j.SpikeLmStreamingChatModel}.
 * Concurrent embedding requests are merged into batches ({@link ai.spikelm.server.Batching});
 * generations of one model run one at a time, so the firing rate and energy a request reports are
 * its own. Every queue is bounded: a full one answers 429 at once. Errors have OpenAI's shape,
 * {@code {"error": {"message", "type", "param", "code"}}}.
 */
package ai.spikelm.server;
