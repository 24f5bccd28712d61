package ai.spikelm.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns a conversation into the text prompt a decoder-only language model continues, and names the
 * strings at which the model's reply is over.
 *
 * <p>A base language model has no notion of turns: it continues text. The template writes the
 * conversation as text the model can continue with the assistant's reply ({@link #render}), and
 * {@link #stopSequences()} lists what the model would write once the reply is complete (for example
 * the start of the next user turn); generation stops there in addition to the request's own stop
 * sequences, and the reply is cut before it. Leading whitespace of the reply is dropped by the chat
 * models, so a template may end with a label such as {@code "Assistant:"} without a trailing space
 * (which byte-pair tokenisers encode badly).
 *
 * <p>{@link #plain()} is the default for base models. A model fine-tuned on a chat format needs a
 * template that writes exactly that format. Implementations must be thread-safe (stateless).
 */
public interface ChatTemplate {

    /**
     * Renders the conversation as a prompt that ends where the assistant's reply begins.
     *
     * @param messages the conversation, at least one message
     * @return the prompt
     * @throws UnsupportedFeatureException for messages the template cannot express as text (images,
     *     tool calls and results, ...)
     */
    String render(List<ChatMessage> messages);

    /**
     * Returns the strings that end the assistant's reply when the model writes them.
     *
     * @return the implicit stop sequences, possibly empty
     */
    List<String> stopSequences();

    /**
     * Returns the plain template: one line per message, {@code "System: ...\nUser: ...\nAssistant:
     * ...\n"}, then {@code "Assistant:"}, with {@code "\nUser:"} as implicit stop sequence.
     *
     * @return the template
     */
    static ChatTemplate plain() {
        return Plain.DEFAULT;
    }

    /**
     * Returns a plain template with other role labels, e.g. {@code plain("Instructions", "Q", "A")}
     * writes {@code "Q: ...\nA:"} and stops at {@code "\nQ:"}.
     *
     * @param system the label of system messages
     * @param user the label of user messages
     * @param assistant the label of assistant messages
     * @return the template
     */
    static ChatTemplate plain(String system, String user, String assistant) {
        return new Plain(system, user, assistant);
    }

    /** The plain template: {@code "Label: text"} lines. */
    final class Plain implements ChatTemplate {

        static final Plain DEFAULT = new Plain("System", "User", "Assistant");

        private final String system;
        private final String user;
        private final String assistant;

        private Plain(String system, String user, String assistant) {
            this.system = requireLabel(system, "system");
            this.user = requireLabel(user, "user");
            this.assistant = requireLabel(assistant, "assistant");
        }

        private static String requireLabel(String label, String role) {
            Objects.requireNonNull(label, role);
            if (label.isBlank() || label.contains("\n")) {
                throw new IllegalArgumentException("The " + role + " label must be one non-blank line, got '" + label + "'");
            }
            return label;
        }

        /** {@inheritDoc} */
        @Override
        public String render(List<ChatMessage> messages) {
            StringBuilder prompt = new StringBuilder();
            for (ChatMessage message : messages) {
                if (message instanceof SystemMessage s) {
                    line(prompt, system, s.text());
                } else if (message instanceof UserMessage u) {
                    line(prompt, user, text(u));
                } else if (message instanceof AiMessage a) {
                    if (a.hasToolExecutionRequests()) {
                        throw new UnsupportedFeatureException("Tool execution requests are not supported by SpikeLM chat models");
                    }
                    line(prompt, assistant, a.text() == null ? "" : a.text());
                } else {
                    throw new UnsupportedFeatureException(
                            "Messages of type " + message.type().toString().toLowerCase(Locale.ROOT)
                                    + " are not supported by SpikeLM chat models");
                }
            }
            return prompt.append(assistant).append(':').toString();
        }

        private static void line(StringBuilder prompt, String label, String text) {
            prompt.append(label).append(": ").append(text.strip()).append('\n');
        }

        private static String text(UserMessage message) {
            StringBuilder text = new StringBuilder();
            for (Content content : message.contents()) {
                if (!(content instanceof TextContent t)) {
                    throw new UnsupportedFeatureException(
                            "Content of type " + content.type().toString().toLowerCase(Locale.ROOT)
                                    + " (e.g. an image) is not supported by SpikeLM chat models: they read text only");
                }
                text.append(text.length() > 0 ? "\n" : "").append(t.text());
            }
            return text.toString();
        }

        /** {@inheritDoc} */
        @Override
        public List<String> stopSequences() {
            return List.of("\n" + user + ":");
        }

        @Override
        public String toString() {
            return "ChatTemplate.plain(" + system + ", " + user + ", " + assistant + ")";
        }
    }
}
