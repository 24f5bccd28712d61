package ai.spikelm.examples.cli;

import ai.spikelm.langchain4j.SpikeLmEmbeddingModel;
import ai.spikelm.langchain4j.SpikeLmStreamingChatModel;
import ai.spikelm.zoo.core.CalibrationSet;
import ai.spikelm.zoo.eval.RetrievalQuestion;
import ai.spikelm.zoo.eval.RetrievalResult;
import ai.spikelm.zoo.generate.PromptPolicy;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.loader.FileSystemDocumentLoader;
import dev.langchain4j.data.document.parser.TextDocumentParser;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.input.PromptTemplate;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.injector.DefaultContentInjector;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Retrieval-augmented question answering with LangChain4j over SpikeLM models: the text files of a
 * folder are split, embedded with {@link SpikeLmEmbeddingModel} into an in-memory store, the
 * passages nearest the question are printed with their scores and, with a chat model, an answer is
 * streamed by an AI service whose prompt carries them.
 */
@Command(name = "rag", mixinStandardHelpOptions = true,
        description = "Find the passages of a folder of text files that answer a question (and answer it with a chat model).")
final class RagCommand implements Callable<Integer> {

    /** Passages first, question last: when the prompt is too long, the oldest passage text is dropped, not the question. */
    private static final PromptTemplate RAG_PROMPT =
            PromptTemplate.from("Answer the question using these passages.\n{{contents}}\nQuestion: {{userMessage}}");

    @Spec CommandSpec spec;

    @Option(names = "--docs", description = "Folder of text files (*.txt, *.md, *.text), read recursively (default: the embedded sample text).")
    Path docs;

    @Option(names = "--question", description = "The question.")
    String question;

    @Option(
            names = "--questions",
            paramLabel = "FILE|sample",
            description = "Score retrieval instead: a TSV of question<TAB>phrase of the answering passage, or 'sample' for the"
                    + " eight questions over the embedded sample text; prints hit@1, hit@top and MRR.")
    String questions;

    @Option(names = "--json", paramLabel = "FILE", description = "With --questions: write the scores as JSON.")
    Path json;

    @Option(names = "--model", description = "Embedding model: a SpikeLM/BERT folder or a Hub id (default: embedded all-MiniLM-L6-v2).")
    String model;

    @Option(names = {"-T", "--time-steps"}, description = "Run the embedding model as SpikeLM with T time steps (default: ANN for the embedded model, else the model's own).")
    Integer timeSteps;

    @Option(names = "--top", defaultValue = "3", description = "Passages to retrieve (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--min-score", defaultValue = "0", description = "Lowest cosine score kept, in [0, 1] (default ${DEFAULT-VALUE}).")
    double minScore;

    @Option(names = "--segment-chars", defaultValue = "400", description = "Passage size in characters (default ${DEFAULT-VALUE}).")
    int segmentChars;

    @Option(names = "--chat-model", description = "SpikeLM GPT-2 folder or Hub id: also answer the question, streamed.")
    String chatModel;

    @Option(names = "--chat-time-steps", description = "Run the chat model as SpikeLM with T time steps (default: the model's own).")
    Integer chatTimeSteps;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Most tokens of the answer (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    /** Answers with the retrieved passages in its prompt. */
    interface Answerer {
        TokenStream answer(String question);
    }

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new IllegalArgumentException("--top must be at least 1, got " + top);
        }
        if (!(minScore >= 0 && minScore <= 1)) {
            throw new IllegalArgumentException("--min-score must be in [0, 1], got " + minScore);
        }
        if ((question == null) == (questions == null)) {
            throw new IllegalArgumentException("Give one of --question TEXT or --questions FILE|sample");
        }
        if (question != null && question.isBlank()) {
            throw new IllegalArgumentException("The question is empty");
        }
        if (json != null && questions == null) {
            throw new IllegalArgumentException("--json goes with --questions");
        }
        if (chatModel != null && questions != null) {
            throw new IllegalArgumentException("--chat-model answers one --question, not --questions");
        }
        List<RetrievalQuestion> evaluated = questions == null ? null
                : questions.equals("sample") ? RetrievalQuestion.sample() : RetrievalQuestion.read(Path.of(questions));
        List<Document> documents = docs == null ? List.of(sampleDocument()) : load(docs);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SpikeLmEmbeddingModel.Builder builder = SpikeLmEmbeddingModel.builder().timeSteps(timeSteps);
        if (model == null) {
            builder.embeddedMiniLm();
        } else if (Files.exists(Path.of(model))) {
            builder.modelPath(Path.of(model));
        } else {
            builder.modelId(model);
        }
        try (SpikeLmEmbeddingModel embeddings = builder.build()) {
            InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
            EmbeddingStoreIngestor.builder()
                    .documentSplitter(DocumentSplitters.recursive(segmentChars, 0))
                    .embeddingModel(embeddings)
                    .embeddingStore(store)
                    .build()
                    .ingest(documents);
            ContentRetriever retriever = EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store)
                    .embeddingModel(embeddings)
                    .maxResults(top)
                    .minScore(minScore)
                    .build();
            if (evaluated != null) {
                evaluate(retriever, evaluated, documents.size(), store.size(), out);
                return 0;
            }
            List<Content> passages = retriever.retrieve(Query.from(question));
            err.printf(Locale.ROOT, "[%d documents, %d passages, embedding model %s%s]%n", documents.size(),
                    store.size(), model == null ? "all-MiniLM-L6-v2 (embedded)" : model,
                    timeSteps == null ? "" : ", T=" + timeSteps);
            err.flush();
            int rank = 1;
            for (Content passage : passages) {
                TextSegment segment = passage.textSegment();
                Object score = passage.metadata().get(ContentMetadata.SCORE);
                String file = segment.metadata().getString(Document.FILE_NAME);
                out.printf(Locale.ROOT, "%d. [%.3f] %s: %s%n", rank++, ((Number) score).doubleValue(), file,
                        segment.text().replaceAll("\\s+", " ").strip());
            }
            if (passages.isEmpty()) {
                out.println("No passage scores at least " + minScore + ".");
            }
            out.flush();
            if (chatModel != null) {
                answer(retriever, out);
            }
        }
        return 0;
    }

    /** Retrieves the passages of every question and scores where the first answering one ranks. */
    private void evaluate(ContentRetriever retriever, List<RetrievalQuestion> evaluated, int documents, int passages,
            PrintWriter out) throws IOException {
        List<Integer> ranks = new ArrayList<>();
        for (RetrievalQuestion q : evaluated) {
            List<Content> found = retriever.retrieve(Query.from(q.question()));
            int rank = 0;
            for (int i = 0; i < found.size() && rank == 0; i++) {
                rank = q.isAnsweredBy(found.get(i).textSegment().text()) ? i + 1 : 0;
            }
            ranks.add(rank);
            out.printf(Locale.ROOT, "%s  %s%n", rank == 0 ? "-" : String.valueOf(rank), q.question());
        }
        RetrievalResult r = RetrievalResult.of(ranks, top);
        String name = model == null ? "all-MiniLM-L6-v2 (embedded)" : model;
        out.printf(Locale.ROOT, "%s%s: hit@1 %.3f, hit@%d %.3f, MRR %.3f (%d questions, %d passages of %d documents)%n",
                name, timeSteps == null ? "" : ", T=" + timeSteps, r.hitAt1(), top, r.hitAtDepth(), r.mrr(),
                r.questions(), passages, documents);
        out.flush();
        if (json != null) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("model", name);
            if (timeSteps != null) {
                root.put("time_steps", timeSteps);
            }
            root.put("questions", r.questions());
            root.put("passages", passages);
            root.put("depth", top);
            root.put("hit_at_1", r.hitAt1());
            root.put("hit_at_depth", r.hitAtDepth());
            root.put("mrr", r.mrr());
            ArrayNode rankList = root.putArray("ranks");
            ranks.forEach(rankList::add);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
        }
    }

    /** The embedded sample text as one document. */
    private static Document sampleDocument() {
        return Document.from(String.join("\n", CalibrationSet.sampleLines()),
                Metadata.from(Document.FILE_NAME, "sample-text.txt"));
    }

    private static List<Document> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--docs " + dir + " is not a folder");
        }
        List<Document> documents = FileSystemDocumentLoader.loadDocumentsRecursively(
                dir, FileSystems.getDefault().getPathMatcher("glob:**.{txt,md,text}"), new TextDocumentParser());
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("No text files (*.txt, *.md, *.text) with text in " + dir);
        }
        return documents;
    }

    private void answer(ContentRetriever retriever, PrintWriter out) throws InterruptedException {
        SpikeLmStreamingChatModel.Builder builder = SpikeLmStreamingChatModel.builder()
                .timeSteps(chatTimeSteps)
                .promptPolicy(PromptPolicy.LEFT_TRUNCATE)
                .defaultRequestParameters(ChatRequestParameters.builder().maxOutputTokens(maxNewTokens).build());
        if (Files.exists(Path.of(chatModel))) {
            builder.modelPath(Path.of(chatModel));
        } else {
            builder.modelId(chatModel);
        }
        try (SpikeLmStreamingChatModel chat = builder.build()) {
            Answerer answerer = AiServices.builder(Answerer.class)
                    .streamingChatModel(chat)
                    .retrievalAugmentor(DefaultRetrievalAugmentor.builder()
                            .contentRetriever(retriever)
                            .contentInjector(DefaultContentInjector.builder().promptTemplate(RAG_PROMPT).build())
                            .build())
                    .build();
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            out.print("Answer: ");
            out.flush();
            answerer.answer(question)
                    .onPartialResponse(piece -> {
                        out.print(piece);
                        out.flush();
                    })
                    .onCompleteResponse(done::complete)
                    .onError(done::completeExceptionally)
                    .start();
            ChatResponse response;
            try {
                response = done.get();
            } catch (ExecutionException e) {
                out.println();
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
            }
            out.println();
            out.flush();
            spec.commandLine().getErr().printf(Locale.ROOT, "[%s, %s]%n", response.metadata().tokenUsage(),
                    response.metadata().finishReason());
            spec.commandLine().getErr().flush();
        }
    }
}
