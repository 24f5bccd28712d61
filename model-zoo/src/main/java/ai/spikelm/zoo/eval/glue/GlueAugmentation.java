package ai.spikelm.zoo.eval.glue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Unlabelled variants of a task's training examples, for distillation from a fine-tuned teacher
 * (TinyBERT's data augmentation, Jiao et al. 2020, without its masked-LM word proposals): the
 * teacher labels them softly, so the student learns the teacher's function on many more inputs
 * than the labelled set has.
 *
 * <p>Each variant starts from one training example and, for a sentence pair, with probability
 * 1/3 keeps its first sentence and takes the second of another training example (a partner that
 * mostly does not fit, which the teacher scores as such); otherwise every word of the example
 * (whitespace-separated) is dropped with probability 0.1 or replaced, with probability 0.1, by a
 * word drawn from all the training texts (so by frequency). Variants use no text but the given
 * examples' and carry no label ({@link GlueExample#unlabelled}): only a teacher's targets may
 * train on them. The draw is fixed by the seed.
 */
public final class GlueAugmentation {

    private static final double SWAP_PARTNER = 1.0 / 3;
    private static final double DROP = 0.1;
    private static final double REPLACE = 0.1;

    private GlueAugmentation() {}

    /**
     * Returns {@code copies} unlabelled variants of every example, in a seeded order.
     *
     * @param examples the training examples (at least one)
     * @param copies variants per example, at least 1
     * @param seed the random seed
     * @return {@code copies × examples.size()} unlabelled examples, guid {@code <guid>-aug<k>}
     * @throws IllegalArgumentException if there are no examples or copies is below 1
     */
    public static List<GlueExample> augment(List<GlueExample> examples, int copies, long seed) {
        if (examples.isEmpty() || copies < 1) {
            throw new IllegalArgumentException(
                    "augmentation needs at least one example and one copy each, got " + examples.size() + " and " + copies);
        }
        List<String> vocabulary = new ArrayList<>();
        for (GlueExample e : examples) {
            Collections.addAll(vocabulary, words(e.textA()));
            if (e.hasTextB()) {
                Collections.addAll(vocabulary, words(e.textB()));
            }
        }
        Random random = new Random(seed);
        List<GlueExample> out = new ArrayList<>(examples.size() * copies);
        for (int k = 0; k < copies; k++) {
            for (GlueExample e : examples) {
                String guid = e.guid() + "-aug" + k;
                if (e.hasTextB() && examples.size() > 1 && random.nextDouble() < SWAP_PARTNER) {
                    GlueExample partner = examples.get(random.nextInt(examples.size()));
                    String b = partner.hasTextB() ? partner.textB() : partner.textA();
                    out.add(GlueExample.unlabelled(guid, e.textA(), b));
                } else {
                    String a = perturb(e.textA(), vocabulary, random);
                    String b = e.hasTextB() ? perturb(e.textB(), vocabulary, random) : null;
                    out.add(GlueExample.unlabelled(guid, a, b));
                }
            }
        }
        Collections.shuffle(out, random);
        return out;
    }

    /** Drops or replaces words; keeps at least one word so the text never becomes empty. */
    private static String perturb(String text, List<String> vocabulary, Random random) {
        String[] words = words(text);
        List<String> kept = new ArrayList<>(words.length);
        for (String w : words) {
            double u = random.nextDouble();
            if (u < DROP) {
                continue;
            }
            kept.add(u < DROP + REPLACE && !vocabulary.isEmpty() ? vocabulary.get(random.nextInt(vocabulary.size())) : w);
        }
        if (kept.isEmpty()) {
            return text;
        }
        return String.join(" ", kept);
    }

    private static String[] words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    }
}
