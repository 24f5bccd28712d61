package com.example.spikelm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Input;
import ai.djl.modality.Output;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.spikelm.langchain4j.ChatTemplate;
import ai.spikelm.langchain4j.SpikeLmChatModel;
import ai.spikelm.langchain4j.SpikeLmEmbeddingModel;
import ai.spikelm.zoo.convert.EmbeddedMiniLm;
import ai.spikelm.zoo.core.Pooling;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.generate.PromptPolicy;
import ai.spikelm.zoo.gpt2.Gpt2TokenizerJson;
import ai.spikelm.zoo.gpt2.SpikeGpt2Config;
import ai.spikelm.zoo.gpt2.SpikeGpt2LMHeadModel;
import ai.spikelm.zoo.gpt2.SpikeGpt2Loader;
import ai.spikelm.zoo.text.LongInputPolicy;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it from Maven" examples, as written there, in a project that has nothing but
 * the README's dependencies: DJL Criteria, LangChain4j embedding (ingestion and search) and chat
 * (directly and through AiServices). Offline: HF_HUB_OFFLINE=1 and DJL_OFFLINE=true.
 */
class ReadmeExamplesTest {

    @Test
    void djlCriteriaOnTheEmbeddedModel() throws Exception {
        // README: "From DJL"
        Criteria<String, float[]> criteria = Criteria.builder()
                .setTypes(String.class, float[].class)
                .optModelUrls(EmbeddedMiniLm.DJL_URL)       // spikelm://all-MiniLM-L6-v2; or hf://org/name, hf:///abs/dir
                .optArgument("timeSteps", 4)                // convert to SpikeLM (T = 4) on load
                .optArgument("intraOpThreads", 1)           // PyTorch threads per operation (process-wide)
                .build();
        try (ZooModel<String, float[]> model = criteria.loadModel();
             Predictor<String, float[]> predictor = model.newPredictor()) {
            List<float[]> vectors = predictor.batchPredict(List.of("A man is playing a guitar.", "Someone strums a guitar."));
            // (README ends here)
            assertEquals(2, vectors.size());
            assertEquals(384, vectors.get(0).length);
            assertEquals(1.0, dot(vectors.get(0), vectors.get(0)), 1e-4);
            assertTrue(dot(vectors.get(0), vectors.get(1)) > 0.3, "related sentences stay related as SpikeLM");
        }
    }

    @Test
    void djlServingPathFromServingPropertiesAlone() throws Exception {
        // README: "From DJL" (serving)
        Criteria<Input, Output> criteria = Criteria.builder()
                .setTypes(Input.class, Output.class)
                .optModelPath(EmbeddedMiniLm.directory())   // any folder written by SpikeLM: serving.properties does the rest
                .build();
        try (ZooModel<Input, Output> model = criteria.loadModel();
             Predictor<Input, Output> predictor = model.newPredictor()) {
            Input input = new Input();
            input.addProperty("Content-Type", "application/json");
            input.add("{\"inputs\": [\"A man is playing a guitar.\", \"Someone strums a guitar.\"]}");
            String json = predictor.predict(input).getData().getAsString();   // [[0.04, ...], [...]]
            // (README ends here)
            assertTrue(json.startsWith("[[") && json.endsWith("]]"), json.substring(0, Math.min(80, json.length())));
            assertEquals(2 * 384, json.split(",").length, "two vectors of 384 numbers");
        }
    }

    @Test
    void langChain4jEmbeddingIngestionAndSearch() {
        // README: "From LangChain4j"
        try (SpikeLmEmbeddingModel embeddings = SpikeLmEmbeddingModel.builder()
                .embeddedMiniLm()                           // or .modelId("org/name"), .modelPath(Path.of("dir"))
                .timeSteps(4)                               // run as SpikeLM; omit for the ANN
                .pooling(Pooling.MEAN)
                .maxLength(256)                                      // window in tokens
                .longInputPolicy(LongInputPolicy.AVERAGE_WINDOWS)    // or TRUNCATE
                .intraOpThreads(1)                          // one thread per operation: best on shared hosts
                .build()) {
            InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
            EmbeddingStoreIngestor.builder().embeddingModel(embeddings).embeddingStore(store).build()
                    .ingest(List.of(Document.from("The train to the city was delayed by a signal failure."),
                            Document.from("Add two cups of flour and a pinch of salt.")));
            List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(embeddings.embed("Why was the train late?").content())
                    .maxResults(1)
                    .build()).matches();
            // (README ends here)
            assertEquals(1, matches.size());
            assertTrue(matches.get(0).embedded().text().contains("signal failure"), matches.get(0).embedded().text());
        }
    }

    /** The README's AI service. */
    interface Assistant {
        String chat(String message);
    }

    @Test
    void langChain4jChatAndAiServices(@TempDir Path dir) throws Exception {
        Path gpt2 = tinyGpt2(dir.resolve("my-gpt2"));
        // README: "From LangChain4j" (chat)
        try (SpikeLmChatModel chat = SpikeLmChatModel.builder()
                .modelPath(gpt2)                            // a folder written by `spikelm pretrain-lm`, or .modelId("org/name")
                .timeSteps(4)                               // run as SpikeLM
                .chatTemplate(ChatTemplate.plain())         // "System: ...\nUser: ...\nAssistant:"
                .promptPolicy(PromptPolicy.LEFT_TRUNCATE)   // or ERROR (default) for prompts too long
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(8).build())
                .intraOpThreads(1)
                .build()) {
            ChatResponse response = chat.chat(UserMessage.from("Hello"));
            Assistant assistant = AiServices.create(Assistant.class, chat);
            String reply = assistant.chat("Say hello");
            // (README ends here)
            assertNotNull(reply);
            assertTrue(response.tokenUsage().inputTokenCount() > 0, response.toString());
            int generated = response.tokenUsage().outputTokenCount();
            assertTrue(generated >= 1 && generated <= 8, response.toString());
            assertTrue(response.finishReason() == FinishReason.STOP || response.finishReason() == FinishReason.LENGTH,
                    response.toString());
        }
    }

    /** A random byte-level SpikeLM-GPT-2 folder (the shape `spikelm pretrain-lm` writes), built with the library's API. */
    private static Path tinyGpt2(Path dir) throws Exception {
        SpikeGpt2Config config = SpikeGpt2Config.builder()
                .optVocabSize(257).optNPositions(64).optNEmbd(32).optNLayer(1).optNHead(2)
                .optBosTokenId(256).optEosTokenId(256)
                .optSpiking(SpikingConfig.ANN)
                .build();
        try (NDManager manager = NDManager.newBaseManager()) {
            SpikeGpt2LMHeadModel model = new SpikeGpt2LMHeadModel(config);
            model.initialize(manager);
            SpikeGpt2Loader.save(model, dir);
        }
        Files.writeString(dir.resolve("tokenizer.json"), Gpt2TokenizerJson.byteLevel());
        return dir;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
