package ai.spikelm.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockPathsTest {

    /** A container whose children are named like Hugging Face's numbered modules. */
    private static final class Container extends AbstractBlock {
        @SuppressWarnings("this-escape")
        Container(int children, String prefix) {
            for (int i = 0; i < children; i++) {
                addChildBlock(prefix + i, Blocks.identityBlock());
            }
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return inputs;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }

    private static List<String> childPaths(AbstractBlock root) {
        List<String> paths = new ArrayList<>();
        BlockPaths.walk(root, (path, block) -> {
            if (!path.isEmpty()) {
                paths.add(path);
            }
        });
        return paths;
    }

    @Test
    void namesSurviveOneHundredOrMoreChildren() {
        List<String> paths = childPaths(new Container(120, "h."));
        assertEquals(120, paths.size());
        for (int i = 0; i < 120; i++) {
            assertEquals("h." + i, paths.get(i));
        }
    }

    @Test
    void namesThatStartWithDigitsKeepThem() {
        List<String> paths = childPaths(new Container(105, ""));
        for (int i = 0; i < 105; i++) {
            assertEquals(Integer.toString(i), paths.get(i));
        }
    }

    @Test
    void siblingsWithTheSameNameKeepTheirPositions() {
        SequentialBlock seq = new SequentialBlock().add(Blocks.identityBlock()).add(Blocks.identityBlock());
        List<String> paths = childPaths(seq);
        assertEquals(2, paths.size());
        assertEquals(seq.getChildren().keys(), paths);
    }
}
