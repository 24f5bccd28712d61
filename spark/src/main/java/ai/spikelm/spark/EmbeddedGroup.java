package ai.spikelm.spark;

import ai.spikelm.zoo.text.TextEmbedding;
import java.util.List;

/**
 * The embeddings of a group of texts and what the group cost. A text's energy is the group's
 * energy times the text's share of the group's real tokens (the padding's cost is spread over the
 * real tokens); its firing rate is the group's.
 *
 * @param embeddings one embedding per text, in input order
 * @param cost the group's cost, or null if it was not measured
 */
public record EmbeddedGroup(List<TextEmbedding> embeddings, GroupCost cost) {

    /**
     * Returns the real tokens of the whole group.
     *
     * @return the sum of the embeddings' token counts
     */
    public long totalTokens() {
        long n = 0;
        for (TextEmbedding e : embeddings) {
            n += e.tokens();
        }
        return n;
    }

    /**
     * Returns the group's firing rate, for a column.
     *
     * @return the rate, or null if not measured or the model has no spikes
     */
    public Double firingRate() {
        return cost == null || Double.isNaN(cost.firingRate()) ? null : cost.firingRate();
    }

    /**
     * Returns the energy of some of the group's real tokens, in microjoules.
     *
     * @param tokens a number of the group's real tokens (a text's, or several texts')
     * @return the model's energy for them, or null if not measured
     */
    public Double microjoules(long tokens) {
        return cost == null ? null : cost.joules() * 1e6 * tokens / totalTokens();
    }

    /**
     * Returns the energy of the same tokens as an ANN, in microjoules.
     *
     * @param tokens a number of the group's real tokens
     * @return the ANN's energy for them, or null if not measured
     */
    public Double annMicrojoules(long tokens) {
        return cost == null ? null : cost.annJoules() * 1e6 * tokens / totalTokens();
    }
}
