package ai.spikelm.ops;

import ai.djl.nn.Block;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Names the blocks of a model by their dotted path, the way Hugging Face names modules ({@code
 * encoder.layer.0.attention.self.query}).
 *
 * <p>DJL prefixes each child name with its position, at least two digits ({@code 01query}, {@code
 * 100h.97}); the prefix is dropped unless a sibling has the same bare name (as in a {@code
 * SequentialBlock}, whose children are named by class). The prefix is recognised by the child's
 * position, so a block with 100 or more children and names that start with digits are named
 * correctly.
 */
public final class BlockPaths {

    private BlockPaths() {}

    /**
     * Visits {@code root} and every block under it, parents before children, in child order.
     *
     * @param root the root block; its path is the empty string
     * @param visitor called with each block's path and the block
     */
    public static void walk(Block root, BiConsumer<String, Block> visitor) {
        walk("", root, visitor);
    }

    private static void walk(String path, Block block, BiConsumer<String, Block> visitor) {
        visitor.accept(path, block);
        List<String> names = block.getChildren().keys();
        for (int i = 0; i < names.size(); i++) {
            String child = displayName(names, i);
            walk(join(path, child), block.getChildren().get(i).getValue(), visitor);
        }
    }

    /**
     * Joins a path and a name with a dot.
     *
     * @param path the parent path, possibly empty
     * @param name the child name
     * @return the dotted path
     */
    public static String join(String path, String name) {
        return path.isEmpty() ? name : path + '.' + name;
    }

    private static String displayName(List<String> siblings, int index) {
        String bare = stripChildNumber(siblings.get(index), index);
        long same = 0;
        for (int i = 0; i < siblings.size(); i++) {
            if (stripChildNumber(siblings.get(i), i).equals(bare)) {
                same++;
            }
        }
        return same == 1 ? bare : siblings.get(index);
    }

    /** Drops the position prefix DJL's {@code addChildBlock} gives the child at {@code index}. */
    private static String stripChildNumber(String name, int index) {
        String prefix = String.format(Locale.ROOT, "%02d", index + 1);
        if (name.length() > prefix.length() && name.startsWith(prefix)) {
            return name.substring(prefix.length());
        }
        return name;
    }
}
