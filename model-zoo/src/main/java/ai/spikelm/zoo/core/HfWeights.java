package ai.spikelm.zoo.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.spikelm.ops.BlockPaths;
import ai.spikelm.ops.neuron.AbstractElasticSpikingBlock;
import ai.spikelm.zoo.weights.HostTensor;
import ai.spikelm.zoo.weights.TensorDType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Maps a model's block tree to Hugging Face tensor names and moves weights in and out.
 *
 * <p>A parameter's name is its block's path ({@link BlockPaths}) plus the parameter name, so a
 * model whose children are named like the Hugging Face modules gets Hugging Face names ({@code
 * encoder.layer.0.attention.self.query.weight}). SpikeLM's own state has documented names beside
 * them: each elastic spiking site at path {@code p} stores its per-step amplitudes as {@code
 * p.alpha} (F32, [T]) and its calibrated flag as {@code p.calibrated} (U8 scalar, 1 when
 * calibrated). A spiking linear layer's input neuron is its child {@code neuron}, so the query
 * neuron of layer 0 is {@code encoder.layer.0.attention.self.query.neuron.alpha}.
 */
public final class HfWeights {

    /** Suffix of a spiking site's calibrated flag. */
    public static final String CALIBRATED = "calibrated";

    private HfWeights() {}

    /**
     * Returns every parameter of the tree by its Hugging Face name, in tree order.
     *
     * @param root the model
     * @return name → parameter
     */
    public static Map<String, Parameter> parameters(Block root) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        BlockPaths.walk(
                root,
                (path, block) -> {
                    for (var entry : block.getDirectParameters()) {
                        out.put(BlockPaths.join(path, entry.getKey()), entry.getValue());
                    }
                });
        return out;
    }

    /**
     * Returns every elastic spiking site of the tree by path.
     *
     * @param root the model
     * @return path → spiking block
     */
    public static Map<String, AbstractElasticSpikingBlock> spikingSites(Block root) {
        Map<String, AbstractElasticSpikingBlock> out = new LinkedHashMap<>();
        BlockPaths.walk(
                root,
                (path, block) -> {
                    if (block instanceof AbstractElasticSpikingBlock) {
                        out.put(path, (AbstractElasticSpikingBlock) block);
                    }
                });
        return out;
    }

    /**
     * Copies every parameter and calibration flag of an initialized model to host tensors.
     *
     * @param root the model
     * @return name → tensor, ready for a safetensors writer
     */
    public static Map<String, HostTensor> export(Block root) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        parameters(root).forEach((name, p) -> out.put(name, HostTensor.of(p.getArray())));
        spikingSites(root)
                .forEach(
                        (path, site) -> {
                            ByteBuffer flag = ByteBuffer.allocate(1).order(ByteOrder.LITTLE_ENDIAN);
                            flag.put((byte) (site.isCalibrated() ? 1 : 0)).flip();
                            out.put(
                                    BlockPaths.join(path, CALIBRATED),
                                    new HostTensor(TensorDType.U8, new long[0], flag));
                        });
        return out;
    }

    /**
     * Loads a checkpoint into an initialized model.
     *
     * <p>Amplitudes ({@code *.alpha}) and calibrated flags are optional: a site without them stays
     * uncalibrated and calibrates on its first batch, which is how an ANN checkpoint becomes a
     * SpikeLM. Amplitudes saved for another number of time steps (a T = 1 model loaded as T = 4)
     * are dropped the same way: α is one value per time step, so the site recalibrates.
     *
     * @param root the model
     * @param checkpoint name → tensor, already mapped to the model's names (see {@link
     *     #renamePrefix})
     * @param mayBeMissing names of model parameters that may stay at their initial values (for
     *     example a new classification head)
     * @param mayBeUnused names of checkpoint tensors the model may ignore (for example tied copies
     *     or another architecture's heads)
     * @throws WeightsMismatchException listing every missing, unexpected and mismatched tensor
     */
    public static void load(
            Block root,
            Map<String, HostTensor> checkpoint,
            Predicate<String> mayBeMissing,
            Predicate<String> mayBeUnused) {
        Map<String, Parameter> params = parameters(root);
        Map<String, AbstractElasticSpikingBlock> sites = spikingSites(root);
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();

        for (var entry : params.entrySet()) {
            String name = entry.getKey();
            HostTensor tensor = checkpoint.get(name);
            if (tensor == null) {
                if (!isAmplitude(name, sites) && !mayBeMissing.test(name)) {
                    missing.add(name);
                }
                continue;
            }
            Shape want = entry.getValue().getArray().getShape();
            if (isAmplitude(name, sites) && isRetimed(tensor, want)) {
                continue; // recalibrated in loadCalibration
            }
            if (!Arrays.equals(want.getShape(), tensor.shape())) {
                mismatched.add(name + " is " + Arrays.toString(tensor.shape()) + ", model needs " + want);
            } else if (!tensor.dtype().isFloating()) {
                mismatched.add(name + " has dtype " + tensor.dtype() + ", model needs a floating type");
            }
        }
        for (String name : checkpoint.keySet()) {
            if (!params.containsKey(name) && !isCalibratedFlag(name, sites) && !mayBeUnused.test(name)) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            throw new WeightsMismatchException(missing, unexpected, mismatched);
        }

        for (var entry : params.entrySet()) {
            HostTensor tensor = checkpoint.get(entry.getKey());
            if (tensor != null && !isAmplitude(entry.getKey(), sites)) {
                set(entry.getValue().getArray(), tensor);
            }
        }
        requireOneAmplitudePerSharedParameter(sites, checkpoint);
        sites.forEach((path, site) -> loadCalibration(path, site, checkpoint));
    }

    /**
     * Sites that use one α parameter (spikelm.shared_qkv_alpha) need equal values in the
     * checkpoint: loading unequal ones would keep whichever came last.
     */
    private static void requireOneAmplitudePerSharedParameter(
            Map<String, AbstractElasticSpikingBlock> sites, Map<String, HostTensor> checkpoint) {
        List<String> mismatched = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (var site : sites.entrySet()) {
            for (String earlier : seen) {
                if (site.getValue().sharesAmplitudeWith(sites.get(earlier))) {
                    HostTensor first = checkpoint.get(BlockPaths.join(earlier, AbstractElasticSpikingBlock.AMPLITUDE));
                    HostTensor second = checkpoint.get(BlockPaths.join(site.getKey(), AbstractElasticSpikingBlock.AMPLITUDE));
                    if (first != null && second != null && !Arrays.equals(first.toFloatArray(), second.toFloatArray())) {
                        mismatched.add(earlier + ".alpha and " + site.getKey() + ".alpha share one parameter"
                                + " (spikelm.shared_qkv_alpha) but differ in the checkpoint");
                    }
                    break;
                }
            }
            seen.add(site.getKey());
        }
        if (!mismatched.isEmpty()) {
            throw new WeightsMismatchException(List.of(), List.of(), mismatched);
        }
    }

    private static void loadCalibration(
            String path, AbstractElasticSpikingBlock site, Map<String, HostTensor> checkpoint) {
        HostTensor alpha = checkpoint.get(BlockPaths.join(path, AbstractElasticSpikingBlock.AMPLITUDE));
        HostTensor flag = checkpoint.get(BlockPaths.join(path, CALIBRATED));
        boolean calibrated = flag != null && flag.numel() == 1 && flag.data().get(0) != 0;
        if (flag != null && flag.numel() != 1) {
            throw new WeightsMismatchException(
                    List.of(), List.of(), List.of(BlockPaths.join(path, CALIBRATED) + " must be a scalar"));
        }
        if (alpha != null && calibrated && alpha.numel() == site.getTimeSteps()) {
            try {
                site.setAmplitudes(alpha.toFloatArray());
            } catch (IllegalArgumentException e) {
                throw new WeightsMismatchException(
                        List.of(), List.of(), List.of(path + ": " + e.getMessage()));
            }
        } else {
            site.resetCalibration();
        }
    }

    /** Whether a saved amplitude vector belongs to a model with another number of time steps. */
    private static boolean isRetimed(HostTensor saved, Shape want) {
        return saved.shape().length == 1 && want.dimension() == 1 && saved.shape()[0] != want.get(0);
    }

    private static boolean isAmplitude(String name, Map<String, AbstractElasticSpikingBlock> sites) {
        String suffix = "." + AbstractElasticSpikingBlock.AMPLITUDE;
        return name.endsWith(suffix) && sites.containsKey(name.substring(0, name.length() - suffix.length()));
    }

    private static boolean isCalibratedFlag(String name, Map<String, AbstractElasticSpikingBlock> sites) {
        String suffix = "." + CALIBRATED;
        return name.endsWith(suffix) && sites.containsKey(name.substring(0, name.length() - suffix.length()));
    }

    /**
     * Writes host values into an engine array. An engine may adopt a direct buffer as the array's
     * storage rather than copy it (PyTorch does), so F32 bytes are first copied into a fresh buffer:
     * a parameter must never alias a read-only file mapping, or the first in-place update (an
     * optimizer step) would crash the process.
     */
    private static void set(NDArray target, HostTensor tensor) {
        if (tensor.dtype() == TensorDType.F32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            ByteBuffer data = tensor.data();
            ByteBuffer owned = target.getManager().allocateDirect(data.remaining());
            owned.put(data).flip();
            target.set(owned);
            return;
        }
        target.set(tensor.toFloatArray());
    }

    /**
     * Renames tensors whose name starts with {@code from} to start with {@code to} instead (for
     * example {@code "bert."} → {@code ""} when a head checkpoint is loaded into a base model).
     *
     * @param checkpoint name → tensor
     * @param from the prefix to replace
     * @param to the new prefix
     * @return a renamed view (tensors are shared, not copied)
     */
    public static Map<String, HostTensor> renamePrefix(
            Map<String, HostTensor> checkpoint, String from, String to) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        checkpoint.forEach(
                (name, tensor) -> out.put(name.startsWith(from) ? to + name.substring(from.length()) : name, tensor));
        return out;
    }
}
