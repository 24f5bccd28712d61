/**
 * The GLUE benchmark's data, metrics and results: task definitions, a strict reader for the
 * standard {@code glue_data} TSV files, the evaluation metrics, a seeded subsampler, tokenized
 * training batches ({@link ai.spikelm.examples.glue.GlueBatches}), and the results of runs
 * ({@link ai.spikelm.examples.glue.GlueRunResult}, one JSON form) gathered into a table and chart
 * ({@link ai.spikelm.examples.glue.GlueReport}). Models and the training loop live in the model
 * zoo; the {@code spikelm glue} command ties them together.
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
 * {@link ai.spikelm.examples.glue.MalformedGlueFileException} naming the file and the line.
 */
package ai.spikelm.examples.glue;
