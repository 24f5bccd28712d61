/**
 * The results of {@code spikelm glue} runs ({@link ai.spikelm.examples.glue.GlueRunResult}, one
 * JSON form) gathered into a table and chart ({@link ai.spikelm.examples.glue.GlueReport}). The
 * GLUE tasks, reader, metrics and scoring are a library concern and live in the model zoo
 * ({@code ai.spikelm.zoo.eval.glue}), as do the models and the training loop; the {@code spikelm
 * glue} command ties them together.
 */
package ai.spikelm.examples.glue;
