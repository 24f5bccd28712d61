package ai.spikelm.ops;

import ai.djl.nn.Block;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Names the blocks of a model by their dotted path, the way Hugging Face names modules ({@code
 * encoder.layer.0.attention.self.query}).
 *
 * <p>DJL prefixes each child name with its two-digit position ({@code 01query}); the prefix is
 * dropped unless a sibling has the same bare name (as in a {@code SequentialBlock}, whose children
 * are named by class).
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
        String bare = stripChildNumber(siblings.get(index));
        long same = siblings.stream().filter(s -> stripChildNumber(s).equals(bare)).count();
        return same == 1 ? bare : siblings.get(index);
    }

    private static String stripChildNumber(String name) {
        if (name.length() > 2 && Character.isDigit(name.charAt(0)) && Character.isDigit(name.charAt(1))) {
            return name.substring(2);
        }
        return name;
    }
}
