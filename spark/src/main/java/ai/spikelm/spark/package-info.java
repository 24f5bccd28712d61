/**
 * Batch jobs on Apache Spark: {@link ai.spikelm.spark.EmbedJob} embeds a text, JSONL or Parquet
 * dataset with a SpikeLM or ANN encoder and writes Parquet with each row's vector, firing rate
 * and energy; {@link ai.spikelm.spark.StsJob} scores STS pairs (the GLUE STS-B dev set) over
 * partitions with the same Spearman and Pearson as one process; {@link ai.spikelm.spark.GlueJob}
 * evaluates a fine-tuned GLUE classifier on a dev split over partitions, with the metrics of the
 * single-process {@code spikelm glue} evaluation (both score with {@link
 * ai.spikelm.zoo.eval.glue.GlueEvaluator}).
 *
 * <p>Each executor loads the encoder an {@link ai.spikelm.spark.EncoderSpec} names once, through
 * the model-family registry ({@link ai.spikelm.spark.ExecutorEncoders}, {@link
 * ai.spikelm.spark.LoadedEncoder}), and its tasks stream their partitions through the one encoder
 * pipeline of {@code ai.spikelm.zoo.text}, a group of texts at a time. A classifier a {@link
 * ai.spikelm.spark.ClassifierSpec} names is likewise loaded once per executor ({@link
 * ai.spikelm.spark.LoadedClassifier}).
 */
package ai.spikelm.spark;
