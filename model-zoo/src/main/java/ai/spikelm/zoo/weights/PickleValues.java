package ai.spikelm.zoo.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values {@link TorchUnpickler} builds. Python's {@code str}, {@code int}, {@code float} and
 * {@code bool} are Java {@link String}, {@link Long}, {@link Double} and {@link Boolean}; the types
 * here stand for {@code None}, tuples, lists and dicts. Containers record their nesting depth so
 * that the unpickler can bound it.
 */
final class PickleValues {

    private PickleValues() {}

    /** Python's {@code None}. */
    enum PyNone {
        /** The only instance. */
        NONE
    }

    /** An immutable Python tuple. */
    static final class PyTuple {
        static final PyTuple EMPTY = new PyTuple(new Object[0]);

        private final Object[] items;
        final int depth;

        PyTuple(Object[] items) {
            this.items = items;
            int d = 0;
            for (Object item : items) {
                d = Math.max(d, depthOf(item));
            }
            this.depth = d + 1;
        }

        int size() {
            return items.length;
        }

        Object get(int i) {
            return items[i];
        }
    }

    /** A Python list, filled by APPEND and APPENDS. */
    static final class PyList {
        final List<Object> items = new ArrayList<>();
        int depth = 1;
    }

    /** A Python dict or {@code collections.OrderedDict}: insertion-ordered, keys are scalars. */
    static final class PyDict {
        final Map<Object, Object> items = new LinkedHashMap<>();
        int depth = 1;
    }

    /**
     * Returns how deeply a value nests containers.
     *
     * @param o a value
     * @return 0 for a scalar, 1 for a container of scalars, and so on
     */
    static int depthOf(Object o) {
        if (o instanceof PyTuple) {
            return ((PyTuple) o).depth;
        }
        if (o instanceof PyList) {
            return ((PyList) o).depth;
        }
        if (o instanceof PyDict) {
            return ((PyDict) o).depth;
        }
        return 0;
    }

    /**
     * Names the kind of a value for messages, never its contents (which may be huge).
     *
     * @param o an unpickled value
     * @return such as {@code "str"}, {@code "dict"}, {@code "tensor"} or an allowed global's name
     */
    static String typeName(Object o) {
        if (o instanceof String) {
            return "str";
        }
        if (o instanceof Long) {
            return "int";
        }
        if (o instanceof Double) {
            return "float";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof PyNone) {
            return "None";
        }
        if (o instanceof PyTuple) {
            return "tuple";
        }
        if (o instanceof PyList) {
            return "list";
        }
        if (o instanceof PyDict) {
            return "dict";
        }
        if (o instanceof StorageRef) {
            return "storage";
        }
        if (o instanceof TensorRef) {
            return "tensor";
        }
        String global = TorchGlobals.nameOf(o);
        return global != null ? global : o.getClass().getSimpleName();
    }

    /**
     * Names an allowed global, or says what kind of value something else is.
     *
     * @param o an unpickled value
     * @return such as {@code "torch.FloatStorage"} or {@code "a str"}
     */
    static String describe(Object o) {
        String global = TorchGlobals.nameOf(o);
        return global != null ? global : "a " + typeName(o);
    }
}
