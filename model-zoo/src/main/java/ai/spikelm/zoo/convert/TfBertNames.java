package ai.spikelm.zoo.convert;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the variable names of Google's TensorFlow BERT ({@code bert/encoder/layer_0/attention/self/query/kernel},
 * optionally under a TF-Hub {@code module/} scope) to Hugging Face parameter names.
 */
final class TfBertNames {

    private static final Pattern LAYER = Pattern.compile("layer_(\\d{1,6})");

    private TfBertNames() {}

    /**
     * A mapped name.
     *
     * @param huggingFaceName the Hugging Face parameter name
     * @param transpose whether the tensor is a dense kernel stored {@code [in, out]}
     */
    record Mapping(String huggingFaceName, boolean transpose) {}

    /**
     * Maps a TensorFlow variable name.
     *
     * @param tfName e.g. {@code module/bert/encoder/layer_3/output/dense/kernel}
     * @return the Hugging Face name, or empty for variables that are not BERT parameters
     *     (optimizer slots such as {@code adam_m}, {@code global_step}, unknown scopes)
     */
    static Optional<Mapping> toHuggingFace(String tfName) {
        String name = tfName.startsWith("module/") ? tfName.substring("module/".length()) : tfName;
        List<String> parts = new ArrayList<>(List.of(name.split("/", -1)));
        if (parts.size() < 2) {
            return Optional.empty();
        }
        if (parts.get(0).equals("bert")) {
            parts.remove(0);
        } else if (!parts.get(0).equals("cls")) {
            return Optional.empty();
        }
        boolean transpose = false;
        int last = parts.size() - 1;
        switch (parts.get(last)) {
            case "kernel" -> {
                parts.set(last, "weight");
                transpose = true;
            }
            case "gamma", "output_weights" -> parts.set(last, "weight");
            case "beta", "output_bias" -> parts.set(last, "bias");
            case "bias" -> { }
            case "word_embeddings", "position_embeddings", "token_type_embeddings" -> parts.add("weight");
            // adam_m, adam_v and anything else are not parameters.
            default -> {
                return Optional.empty();
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            Matcher m = LAYER.matcher(parts.get(i));
            if (m.matches()) {
                parts.set(i, "layer." + m.group(1));
            }
        }
        String hf = String.join(".", parts);
        return BertLayout.isParameterName(hf) ? Optional.of(new Mapping(hf, transpose)) : Optional.empty();
    }
}
