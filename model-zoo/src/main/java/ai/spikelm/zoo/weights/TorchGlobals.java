package ai.spikelm.zoo.weights;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The globals a pickled state dict may name, and nothing else: the allow-list of {@link
 * TorchUnpickler}. A global is matched by its exact module and name and becomes a marker value (a
 * {@link Function}, a {@link TensorClass} or a {@link StorageType}); no class or function is ever
 * looked up by that name.
 */
final class TorchGlobals {

    /** The functions a pickle may call with REDUCE. */
    enum Function {
        /** {@code collections.OrderedDict()}, for state dicts and empty backward hooks. */
        ORDERED_DICT("collections", "OrderedDict"),
        /** {@code torch._utils._rebuild_tensor_v2}, how every tensor is pickled. */
        REBUILD_TENSOR_V2("torch._utils", "_rebuild_tensor_v2"),
        /** {@code torch._utils._rebuild_tensor}, the older form without requires_grad. */
        REBUILD_TENSOR("torch._utils", "_rebuild_tensor"),
        /** {@code torch._utils._rebuild_parameter}, for state dicts saved with keep_vars. */
        REBUILD_PARAMETER("torch._utils", "_rebuild_parameter"),
        /** {@code torch._utils._rebuild_parameter_with_state}, a parameter with attributes. */
        REBUILD_PARAMETER_WITH_STATE("torch._utils", "_rebuild_parameter_with_state"),
        /** {@code torch._tensor._rebuild_from_type_v2}, a tensor with Python attributes. */
        REBUILD_FROM_TYPE_V2("torch._tensor", "_rebuild_from_type_v2");

        private final String module;
        private final String function;

        Function(String module, String function) {
            this.module = module;
            this.function = function;
        }

        /**
         * Returns the dotted name.
         *
         * @return such as {@code torch._utils._rebuild_tensor_v2}
         */
        String qualifiedName() {
            return module + "." + function;
        }
    }

    /** The tensor classes {@code _rebuild_from_type_v2} may be asked to produce. */
    enum TensorClass {
        /** {@code torch.Tensor}. */
        TENSOR,
        /** {@code torch.nn.parameter.Parameter}. */
        PARAMETER
    }

    /**
     * A storage class used as the dtype marker of a persistent id.
     *
     * @param qualifiedName the class, such as {@code torch.HalfStorage}
     * @param dtype the element type
     */
    record StorageType(String qualifiedName, TensorDType dtype) {}

    /** Keyed by module and name joined by a newline, which neither can hold. */
    private static final Map<String, Object> ALLOWED = allowed();

    private TorchGlobals() {}

    private static Map<String, Object> allowed() {
        Map<String, Object> m = new HashMap<>();
        for (Function f : Function.values()) {
            m.put(f.module + "\n" + f.function, f);
        }
        m.put("torch\nTensor", TensorClass.TENSOR);
        m.put("torch._tensor\nTensor", TensorClass.TENSOR);
        m.put("torch.nn.parameter\nParameter", TensorClass.PARAMETER);
        storageType(m, "torch", "FloatStorage", TensorDType.F32);
        storageType(m, "torch", "HalfStorage", TensorDType.F16);
        storageType(m, "torch", "BFloat16Storage", TensorDType.BF16);
        storageType(m, "torch", "DoubleStorage", TensorDType.F64);
        storageType(m, "torch", "LongStorage", TensorDType.I64);
        storageType(m, "torch", "IntStorage", TensorDType.I32);
        storageType(m, "torch", "ShortStorage", TensorDType.I16);
        storageType(m, "torch", "CharStorage", TensorDType.I8);
        storageType(m, "torch", "ByteStorage", TensorDType.U8);
        storageType(m, "torch", "BoolStorage", TensorDType.BOOL);
        // An untyped storage holds bytes; torch.load gives it dtype uint8 too.
        storageType(m, "torch", "UntypedStorage", TensorDType.U8);
        storageType(m, "torch.storage", "UntypedStorage", TensorDType.U8);
        return Collections.unmodifiableMap(m);
    }

    private static void storageType(
            Map<String, Object> m, String module, String name, TensorDType dtype) {
        m.put(module + "\n" + name, new StorageType(module + "." + name, dtype));
    }

    /**
     * Looks a global up in the allow-list.
     *
     * @param module the module, as the pickle spells it
     * @param name the name within the module
     * @return its marker, or {@code null} if it is not allowed
     */
    static Object lookup(String module, String name) {
        return ALLOWED.get(module + "\n" + name);
    }

    /**
     * Returns whether a refused global looks like one of torch's storage classes (complex,
     * quantized, ...), so that it can be reported as unsupported rather than as unsafe.
     *
     * @param module the module
     * @param name the name
     * @return true for {@code torch.<Identifier>Storage}
     */
    static boolean isOtherTorchStorage(String module, String name) {
        return module.equals("torch")
                && name.endsWith("Storage")
                && name.chars().allMatch(Character::isLetterOrDigit);
    }

    /**
     * Returns the dotted name of a marker.
     *
     * @param o any value
     * @return the global's name, or {@code null} if {@code o} is not a marker
     */
    static String nameOf(Object o) {
        if (o instanceof Function) {
            return ((Function) o).qualifiedName();
        }
        if (o instanceof StorageType) {
            return ((StorageType) o).qualifiedName();
        }
        if (o instanceof TensorClass) {
            return o == TensorClass.TENSOR ? "torch.Tensor" : "torch.nn.parameter.Parameter";
        }
        return null;
    }
}
