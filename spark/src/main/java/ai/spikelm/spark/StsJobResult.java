package ai.spikelm.spark;

import ai.spikelm.zoo.eval.StsResult;

/**
 * What an {@link StsJob} measured.
 *
 * @param result the correlations, as {@link ai.spikelm.zoo.eval.StsEvaluator} reports them
 * @param cosines each pair's cosine, in pair order
 * @param partitions partitions the pairs were scored in
 * @param tokens real tokens embedded
 * @param firingRate firing rate weighted by real tokens, or null (ANN, not measured)
 * @param microjoulesPerToken estimated energy of the model per real token, or null if not measured
 * @param annMicrojoulesPerToken the same for the equivalent ANN, or null if not measured
 */
public record StsJobResult(
        StsResult result,
        double[] cosines,
        int partitions,
        long tokens,
        Double firingRate,
        Double microjoulesPerToken,
        Double annMicrojoulesPerToken) {}
