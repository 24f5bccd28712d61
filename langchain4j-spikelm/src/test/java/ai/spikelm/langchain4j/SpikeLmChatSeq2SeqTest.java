package ai.spikelm.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import ai.spikelm.zoo.core.ModelShape;
import ai.spikelm.zoo.core.SpikingConfig;
import ai.spikelm.zoo.core.Tokenizers;
import ai.spikelm.zoo.family.GenerativeModel;
import ai.spikelm.zoo.family.LoadRequest;
import ai.spikelm.zoo.family.ModelFamilies;
import ai.spikelm.zoo.family.ModelKind;
import ai.spikelm.zoo.family.UnsupportedModelException;
import ai.spikelm.zoo.generate.GenerationResult;
import ai.spikelm.zoo.generate.Generator;
import ai.spikelm.zoo.generate.TokenCodec;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat model over an encoder-decoder (a tiny random SpikeLM-BART made through the family
 * registry): the conversation, written by the template, is the source, and the reply is what the
 * Generator decodes for it; a family that generates nothing is refused.
 */
class SpikeLmChatSeq2SeqTest {

    @TempDir static Path dir;

    private static Path save(String type, ModelKind kind) throws Exception {
        Path target = dir.resolve(type);
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            ModelFamilies.forModelType(type)
                    .create(kind, new ModelShape(257, 128, 32, 2, 4), SpikingConfig.ANN, manager)
                    .save(target);
        }
        Files.writeString(target.resolve("tokenizer.json"), ModelFamilies.forModelType("gpt2").newTokenizerJson().orElseThrow());
        return target;
    }

    @Test
    void anEncoderDecoderRepliesToTheRenderedConversation() throws Exception {
        Path bart = save("bart", ModelKind.SEQ2SEQ);
        ChatResponse response;
        try (SpikeLmChatModel chat = SpikeLmChatModel.builder().modelPath(bart).timeSteps(2).build()) {
            response = chat.chat(ChatRequest.builder()
                    .messages(UserMessage.from("Hello there"))
                    .parameters(ChatRequestParameters.builder().maxOutputTokens(6).build())
                    .build());
        }
        String prompt = ChatTemplate.plain().render(List.of(UserMessage.from("Hello there")));
        GenerationResult expected;
        try (NDManager manager = NDManager.newBaseManager();
                HuggingFaceTokenizer tokenizer = Tokenizers.untruncated(bart.resolve("tokenizer.json"))) {
            GenerativeModel model = ModelFamilies.loadGenerator(
                    LoadRequest.builder()
                            .setModelDir(bart)
                            .optTimeSteps(2)
                            .optCalibration(ai.spikelm.zoo.core.CalibrationSet.of("chat", List.of(ChatEngine.DEFAULT_CALIBRATION_TEXT)))
                            .build(),
                    manager);
            expected = Generator.builder(model)
                    .optCodec(TokenCodec.of(tokenizer))
                    .optMaxNewTokens(6)
                    .optStopSequences(ChatTemplate.plain().stopSequences())
                    .build()
                    .generate(manager, prompt);
        }
        assertEquals(expected.text().stripLeading(), response.aiMessage().text());
        assertEquals(expected.promptTokens().length, response.tokenUsage().inputTokenCount(), "the source's tokens");
        assertEquals(prompt.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, response.tokenUsage().inputTokenCount(),
                "byte level: one token per byte of the rendered conversation");
        assertEquals(expected.tokens().length, response.tokenUsage().outputTokenCount());
    }

    @Test
    void anEncoderIsRefusedWithTheFamiliesThatGenerate() throws Exception {
        Path bert = save("bert", ModelKind.ENCODER);
        UnsupportedModelException e =
                assertThrows(UnsupportedModelException.class, () -> SpikeLmChatModel.builder().modelPath(bert).build());
        assertTrue(e.getMessage().contains("generates no text") && e.getMessage().contains("bart (SpikeLM-BART)"), e.getMessage());
    }
}
