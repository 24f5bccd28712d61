package ai.spikelm.spark;

import ai.spikelm.zoo.eval.glue.GlueScores;

/**
 * What a {@link GlueJob} measured.
 *
 * @param scores the task's metrics on the examples, computed on the driver from every prediction
 * @param logits each example's logits (its one predicted score for STS-B), in example order
 * @param examples how many examples were scored
 * @param partitions how many partitions (slices of whole batches) they were scored in
 * @param seconds wall time of the job, loading on the executors included
 */
public record GlueJobResult(GlueScores scores, float[][] logits, int examples, int partitions, double seconds) {}
