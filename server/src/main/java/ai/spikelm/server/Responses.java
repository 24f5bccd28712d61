package ai.spikelm.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.UUID;

/** Pieces shared by the OpenAI response bodies. */
final class Responses {

    private Responses() {}

    /** A new response id with OpenAI's prefix for the object kind. */
    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** Seconds since the epoch, as OpenAI's {@code created}. */
    static long created() {
        return System.currentTimeMillis() / 1000;
    }

    /** SpikeLM's own field: the firing rate (spiking models) and estimated energy of the request. */
    static void putCost(ObjectNode root, SpikeStats stats) {
        ObjectNode cost = root.putObject("spikelm");
        if (Double.isFinite(stats.firingRate())) {
            cost.put("firing_rate", stats.firingRate());
        }
        cost.put("energy_joules", stats.joules());
    }

    /** OpenAI's {@code usage}. */
    static void putUsage(ObjectNode root, TokenUsage usage) {
        ObjectNode u = root.putObject("usage");
        int prompt = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        int completion = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        u.put("prompt_tokens", prompt);
        u.put("completion_tokens", completion);
        u.put("total_tokens", prompt + completion);
    }

    /** OpenAI's {@code finish_reason}. */
    static String finishReason(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "length" : "stop";
    }
}
