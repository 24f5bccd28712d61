/**
 * The GLUE benchmark as a library: task definitions ({@link ai.spikelm.zoo.eval.glue.GlueTask}), a
 * strict reader for the standard {@code glue_data} TSV files ({@link
 * ai.spikelm.zoo.eval.glue.GlueReader}), the evaluation metrics ({@link
 * ai.spikelm.zoo.eval.glue.GlueScores}), a seeded subsampler ({@link
 * ai.spikelm.zoo.eval.glue.GlueSubset}), tokenized batches ({@link
 * ai.spikelm.zoo.eval.glue.GlueBatches}) and the scoring of a fine-tuned classifier ({@link
 * ai.spikelm.zoo.eval.glue.GlueEvaluator}), which the {@code spikelm glue} command and the Spark
 * job share.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * GlueReader reader = new GlueReader(Path.of("glue_data"));
 * GlueSplitData dev = reader.read(GlueTask.RTE, "dev");
 * int[] predicted = ...;                      // one label index per example, from a model
 * GlueScores scores = GlueScores.ofClassification(GlueTask.RTE, predicted, dev.labels());
 * double accuracy = scores.main();
 * }</pre>
 *
 * <p>The column layouts and the one tolerated quirk (short QQP rows) follow the GLUE processors of
 * Hugging Face {@code run_glue}; everything else that does not fit the layout is rejected with a
 * {@link ai.spikelm.zoo.eval.glue.MalformedGlueFileException} naming the file and the line.
 */
package ai.spikelm.zoo.eval.glue;
