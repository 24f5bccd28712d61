/**
 * Real text at scale for distillation: {@link ai.spikelm.zoo.corpus.TextCorpus} streams passages
 * from text and JSONL files, folders and in-memory lists (endless, shuffled, deterministic,
 * bounded memory, evaluation text excluded), and {@link ai.spikelm.zoo.corpus.CorpusBatches} turns
 * them into length-bucketed, dynamically padded token batches for the trainer's {@link
 * ai.spikelm.zoo.training.BatchSource}. Errors in the data surface as {@link
 * ai.spikelm.zoo.corpus.CorpusException} naming the file and position.
 */
package ai.spikelm.zoo.corpus;
