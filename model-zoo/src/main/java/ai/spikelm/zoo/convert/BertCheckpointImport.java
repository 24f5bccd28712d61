package ai.spikelm.zoo.convert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * One-call entry point: pretrained BERT checkpoints of other frameworks in Hugging Face layout.
 *
 * <pre>{@code
 * ImportedBert bert = BertCheckpointImport.fromOnnx(Path.of("all-minilm-l6-v2.onnx"));
 * bert.config().writeJson(dir.resolve("config.json"));
 * Map<String, HostTensor> tensors = bert.tensors();
 * }</pre>
 */
public final class BertCheckpointImport {

    private BertCheckpointImport() {}

    /**
     * Imports an ONNX export, with the head count inferred from the graph.
     *
     * @param onnxFile the {@code .onnx} file
     * @return config and tensors
     * @throws IOException if the file cannot be read or is not a complete BERT
     * @see OnnxBertImporter
     */
    public static ImportedBert fromOnnx(Path onnxFile) throws IOException {
        return OnnxBertImporter.read(onnxFile, OptionalInt.empty());
    }

    /**
     * Imports an ONNX export with a known head count.
     *
     * @param onnxFile the {@code .onnx} file
     * @param numAttentionHeads the head count
     * @return config and tensors
     * @throws IOException if the file cannot be read or is not a complete BERT
     */
    public static ImportedBert fromOnnx(Path onnxFile, int numAttentionHeads) throws IOException {
        return OnnxBertImporter.read(onnxFile, OptionalInt.of(numAttentionHeads));
    }

    /**
     * Imports a TensorFlow checkpoint; the head count comes from a {@code bert_config.json}
     * beside it.
     *
     * @param checkpoint a SavedModel directory, a directory with one {@code *.index}, an {@code
     *     .index} file, or a checkpoint prefix
     * @return config and tensors, including the masked-LM head when present
     * @throws IOException if the checkpoint cannot be read, is not a complete BERT, or has no
     *     {@code bert_config.json}
     * @see TfBertCheckpointImporter
     */
    public static ImportedBert fromTensorFlow(Path checkpoint) throws IOException {
        return TfBertCheckpointImporter.read(checkpoint, OptionalInt.empty());
    }

    /**
     * Imports a TensorFlow checkpoint with a known head count.
     *
     * @param checkpoint as in {@link #fromTensorFlow(Path)}
     * @param numAttentionHeads the head count
     * @return config and tensors
     * @throws IOException if the checkpoint cannot be read or is not a complete BERT
     */
    public static ImportedBert fromTensorFlow(Path checkpoint, int numAttentionHeads) throws IOException {
        return TfBertCheckpointImporter.read(checkpoint, OptionalInt.of(numAttentionHeads));
    }
}
