package ai.spikelm.zoo.eval.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GlueAugmentationTest {

    private static final List<GlueExample> PAIRS = IntStream.range(0, 40)
            .mapToObj(i -> GlueExample.classification("p" + i, "what is item " + i + " made of ?",
                    "item " + i + " is made of material " + (i * 7 % 13) + " and nothing else .", i % 2))
            .toList();

    @Test
    void variantsAreUnlabelledSeededAndMadeOnlyOfTheTrainingWords() {
        List<GlueExample> variants = GlueAugmentation.augment(PAIRS, 5, 42);
        assertEquals(PAIRS.size() * 5, variants.size());
        assertEquals(variants, GlueAugmentation.augment(PAIRS, 5, 42), "the seed fixes the draw");
        assertFalse(variants.equals(GlueAugmentation.augment(PAIRS, 5, 43)), "another seed, another draw");

        Set<String> vocabulary = new HashSet<>();
        PAIRS.forEach(e -> {
            vocabulary.addAll(List.of(e.textA().split(" ")));
            vocabulary.addAll(List.of(e.textB().split(" ")));
        });
        Set<String> sentencesB = PAIRS.stream().map(GlueExample::textB).collect(Collectors.toSet());
        int swapped = 0;
        int perturbed = 0;
        for (GlueExample v : variants) {
            assertFalse(v.isLabelled(), v.guid());
            assertTrue(v.guid().matches("p\\d+-aug[0-4]"), v.guid());
            String source = v.guid().substring(0, v.guid().indexOf('-'));
            GlueExample original = PAIRS.stream().filter(e -> e.guid().equals(source)).findFirst().orElseThrow();
            for (String w : (v.textA() + " " + v.textB()).split(" ")) {
                assertTrue(vocabulary.contains(w), "a training word: " + w);
            }
            if (v.textA().equals(original.textA()) && sentencesB.contains(v.textB()) && !v.textB().equals(original.textB())) {
                swapped++;
            } else if (!v.textA().equals(original.textA()) || !v.textB().equals(original.textB())) {
                perturbed++;
            }
        }
        // 1/3 of 200 variants take another partner (a few draw their own); most others change words.
        assertTrue(swapped > 45 && swapped < 90, "swapped " + swapped);
        assertTrue(perturbed > 90, "perturbed " + perturbed);
    }

    @Test
    void singleSentencesStaySingleAndBadArgumentsAreRefused() {
        List<GlueExample> single = List.of(
                GlueExample.classification("s0", "a fine film", null, 1),
                GlueExample.classification("s1", "a dull and long film", null, 0));
        for (GlueExample v : GlueAugmentation.augment(single, 20, 7)) {
            assertNull(v.textB());
            assertFalse(v.textA().isBlank(), "never empty");
        }
        assertThrows(IllegalArgumentException.class, () -> GlueAugmentation.augment(List.of(), 3, 1));
        assertThrows(IllegalArgumentException.class, () -> GlueAugmentation.augment(single, 0, 1));
    }
}
