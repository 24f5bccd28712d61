package ai.spikelm.ops.kernel;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native inference kernels ({@code src/main/c}), built by gcc into the jar for linux-x86_64 when
 * the build machine has gcc: the neurons' one-pass spiking recurrence, dense float32 products
 * ({@link #linear}), scaled dot-product attention ({@link #attention}) and, as a labelled lossy
 * option, int8 products of ternary spikes ({@link #ternaryInt8}), and event-driven products of
 * spikes ({@link #spikeEvents}, AVX2: the zeros cost nothing).
 *
 * <p>Why dense products of our own: PyTorch's CPU build multiplies with MKL, which runs its AVX2 code
 * on AMD processors; on an AVX-512 core these kernels do about twice the work per cycle. Attention
 * runs one (batch, head) at a time, without the score tensor and the transposes around it that the
 * same computation takes as separate engine operations.
 *
 * <p>They work on the arrays' own memory, reached through {@link NDArray#toByteBuffer(boolean)
 * toByteBuffer(true)}, which an engine may serve as a view (PyTorch does) or as a copy; whether it
 * is a view is probed once per engine ({@link #hasDirectMemory}). They record nothing for autograd:
 * the layers use them in inference passes ({@code training = false}), whose outputs leave the
 * autograd graph, as the neurons' one-pass spikes do, whatever the thread's grad mode (on by default
 * in threads the engine has not seen), so that every thread computes the same bits. Calls are shared out over
 * the threads of the OpenMP runtime the engine has loaded (PyTorch's libgomp), up to as many as the
 * engine uses.
 *
 * <p>Where the library is missing (another platform, a build without gcc) or fails to load, or the
 * processor lacks AVX-512, callers use the engine's operations. {@code -Dspikelm.native=false}
 * turns every native kernel off, {@code -Dspikelm.native.dense=false} only the dense products and
 * attention.
 */
public final class NativeKernels {

    private static final Logger logger = LoggerFactory.getLogger(NativeKernels.class);

    /** The library, beside this class in the jar. */
    static final String RESOURCE = "linux-x86_64/libspikelm_kernels.so";

    private static final boolean LOADED = load();

    private static final boolean DENSE =
            LOADED
                    && Boolean.parseBoolean(System.getProperty("spikelm.native.dense", "true"))
                    && denseSupported();

    private static final boolean INT8 = DENSE && int8Supported();

    private static final boolean EVENTS =
            LOADED
                    && Boolean.parseBoolean(System.getProperty("spikelm.native.events", "true"))
                    && eventsSupported();

    /** Whether {@code toByteBuffer(true)} is a view of an array's memory, per engine name. */
    private static final Map<String, Boolean> DIRECT_VIEWS = new ConcurrentHashMap<>();

    private NativeKernels() {}

    /**
     * Returns whether the native library is loaded (the spiking recurrence runs in C).
     *
     * @return true if loaded
     */
    public static boolean isLoaded() {
        return LOADED;
    }

    /**
     * Returns whether the dense products and attention run natively on this machine: the library is
     * loaded, not turned off, and the processor has AVX-512F and FMA.
     *
     * @return true if {@link #linear} and {@link #attention} can run
     */
    public static boolean isDenseAvailable() {
        return DENSE;
    }

    /**
     * Returns whether {@link #ternaryInt8} runs here: the dense kernels run and the processor has
     * AVX-512 VNNI.
     *
     * @return true if int8 products of spikes are available
     */
    public static boolean isInt8Available() {
        return INT8;
    }

    /**
     * Returns whether {@link #spikeEvents} runs here: the library is loaded, not turned off ({@code
     * -Dspikelm.native.events=false}), and the processor has AVX2 and FMA.
     *
     * @return true if event-driven products of spikes are available
     */
    public static boolean isEventsAvailable() {
        return EVENTS;
    }

    /**
     * Returns whether an engine lets Java address its arrays' memory: {@code toByteBuffer(true)} of
     * a float32 array on the host is a view of it rather than a copy. Probed once per engine.
     *
     * @param manager a manager of the engine, on the host
     * @return true if native kernels can read and write the engine's arrays in place
     */
    public static boolean hasDirectMemory(NDManager manager) {
        return DIRECT_VIEWS.computeIfAbsent(manager.getEngine().getEngineName(), name -> probeDirectView(manager));
    }

    /**
     * Returns whether {@link #linear} and {@link #attention} may take these arrays: the dense kernels
     * are available, and every array is float32 in host memory, within a Java buffer's reach, on an
     * engine that lets Java address it. {@code null} entries (an absent bias or mask) are skipped.
     * The kernels record nothing for autograd: callers use them for inference passes only.
     *
     * @param arrays the operands
     * @return true if the native kernels apply
     */
    public static boolean supportsDense(NDArray... arrays) {
        return DENSE && inHostMemory(arrays);
    }

    /**
     * Returns whether {@link #spikeEvents} may take these arrays: event products are available
     * ({@link #isEventsAvailable}), and every array is as {@link #supportsDense} requires.
     *
     * @param arrays the operands
     * @return true if the event kernel applies
     */
    public static boolean supportsEvents(NDArray... arrays) {
        return EVENTS && inHostMemory(arrays);
    }

    private static boolean inHostMemory(NDArray... arrays) {
        for (NDArray a : arrays) {
            if (a != null
                    && (a.getDataType() != DataType.FLOAT32
                            || !Device.Type.CPU.equals(a.getDevice().getDeviceType())
                            || !Device.Type.CPU.equals(a.getManager().getDevice().getDeviceType())
                            || a.size() > Integer.MAX_VALUE / Float.BYTES
                            || !hasDirectMemory(a.getManager()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns x·Wᵀ + b (or its GELU) for a weight {@code [out, in]} ({@code nn.Linear}), or x·W + b
     * for a weight {@code [in, out]} (GPT-2's {@code Conv1D}), over the last axis of x. Each output
     * is the bias followed by its products added in order of the input features, each with one
     * rounding (a fused multiply-add), whichever of the kernels runs (chosen by the number of rows
     * and the layout), whatever the batch around a row and the thread count. Results may differ from
     * the engine's in the last bits.
     *
     * @param x {@code [..., in]}, with {@link #supportsDense} true for x, weight and bias
     * @param weight {@code [out, in]} or {@code [in, out]}
     * @param bias {@code [out]}, or {@code null}
     * @param outIn whether the weight is {@code [out, in]}
     * @param gelu whether the outputs leave through GELU (exact, erf), computed as PyTorch's CPU
     *     kernel computes it, instead of in another pass over memory
     * @return {@code [..., out]} on x's manager
     * @throws IllegalArgumentException if the shapes do not fit
     * @throws IllegalStateException if the dense kernels are not available here ({@link #isDenseAvailable})
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias, boolean outIn, boolean gelu) {
        requireDense("linear");
        Shape shape = x.getShape();
        Shape w = weight.getShape();
        long in = shape.get(shape.dimension() - 1);
        if (w.dimension() != 2 || w.get(outIn ? 1 : 0) != in) {
            throw new IllegalArgumentException("linear: weight " + w + " does not take inputs " + shape);
        }
        long out = w.get(outIn ? 0 : 1);
        if (bias != null && (bias.getShape().dimension() != 1 || bias.getShape().get(0) != out)) {
            throw new IllegalArgumentException("linear: bias " + bias.getShape() + " does not fit " + out + " outputs");
        }
        long rows = shape.slice(0, shape.dimension() - 1).size(); // not size / in: in may be 0
        NDManager manager = x.getManager();
        NDArray y = manager.create(shape.slice(0, shape.dimension() - 1).add(out), DataType.FLOAT32);
        try {
            linear(memory(x), memory(weight), memory(bias), memory(y), rows, out, in, outIn ? 0 : 1, gelu ? 1 : 0);
        } catch (RuntimeException | Error e) {
            y.close();
            throw e;
        }
        return y;
    }

    /**
     * Returns softmax(q·kᵀ / scale + mask)·v for every head, heads side by side in the last axis as
     * the projections make them (no transposes).
     *
     * @param q queries {@code [..., lq, heads·d]}
     * @param k keys {@code [..., lk, heads·d]}, the same leading axes as q
     * @param v values, shaped as k
     * @param mask additive mask over keys, {@code m·lk} values laid out {@code [m, lk]} (for example
     *     {@code [B, 1, 1, lk]}), row {@code i % m} for the i-th of the leading positions; or {@code
     *     null}
     * @param heads the number of heads; the head size d must be a multiple of 16
     * @param scale the divisor of the scores (√d for BERT)
     * @param causal whether query i also ignores keys after position {@code i + lk − lq}
     * @return {@code [..., lq, heads·d]} on q's manager
     * @throws IllegalArgumentException if the shapes do not fit or d is not a multiple of 16
     * @throws IllegalStateException if the dense kernels are not available here ({@link #isDenseAvailable})
     */
    public static NDArray attention(
            NDArray q, NDArray k, NDArray v, NDArray mask, int heads, float scale, boolean causal) {
        requireDense("attention");
        Shape qs = q.getShape();
        Shape ks = k.getShape();
        int rank = qs.dimension();
        long width = qs.get(rank - 1);
        if (rank < 2 || ks.dimension() != rank || !ks.equals(v.getShape()) || ks.get(rank - 1) != width
                || !qs.slice(0, rank - 2).equals(ks.slice(0, rank - 2))) {
            throw new IllegalArgumentException("attention: q " + qs + ", k " + ks + " and v " + v.getShape() + " do not fit");
        }
        if (heads < 1 || width % heads != 0 || (width / heads) % 16 != 0) {
            throw new IllegalArgumentException("attention: " + heads + " heads of " + width + " need a head size that is a multiple of 16");
        }
        long lq = qs.get(rank - 2);
        long lk = ks.get(rank - 2);
        long batches = qs.size() / Math.max(1, lq * width);
        long maskRows = 0;
        if (mask != null) {
            maskRows = mask.size() / Math.max(1, lk);
            if (maskRows < 1 || maskRows * lk != mask.size() || batches % maskRows != 0) {
                throw new IllegalArgumentException("attention: mask " + mask.getShape() + " does not fit " + lk + " keys");
            }
        }
        NDArray out = q.getManager().create(qs, DataType.FLOAT32);
        try {
            attention(memory(q), memory(k), memory(v), memory(mask), memory(out), batches, maskRows, lq, lk, heads,
                    width / heads, scale, causal);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /** The number of tensors {@link #encoderLayer} takes, in its documented order. */
    public static final int ENCODER_LAYER_TENSORS = 16;

    /** The number of spike sites of {@link #encoderLayer}, in its documented order. */
    public static final int ENCODER_LAYER_SITES = 8;

    /**
     * Runs one post-LayerNorm encoder layer (BERT's) for inference in a single native call:
     *
     * <pre>
     * a   = LayerNorm(x + attention(S(x)·Wqᵀ + bq, S(S(x)·Wkᵀ + bk), S(S(x)·Wvᵀ + bv))·S(·)Woᵀ + bo)
     * out = LayerNorm(a + S(GELU(S(a)·Wiᵀ + bi))·Wo2ᵀ + bo2)          (exact, erf GELU)
     * </pre>
     *
     * <p>Each S is a spike site: the identity for an ANN ({@code alpha} null), and for SpikeLM at T
     * = 1 the single-step spike α·clamp(round(u/α), −1, 1) of the site's α, in this order: the inputs
     * of Q, K and V, the spiked K and V, the inputs of the attention output, the intermediate and
     * the output products (NaN for a site that does not spike).
     *
     * <p>At a few tokens the products are quick and the dozen engine operations around them are
     * not: this is the same products and attention as {@link #linear} and {@link #attention}, with
     * the residual additions and normalisations between them done natively (float32 sums in another
     * order than the engine's LayerNorm: outputs within a few 1e-7 relative of it).
     *
     * @param x {@code [..., batches, length, d]}, float32 (the leading axes, if any, count as batches)
     * @param mask the additive attention mask, {@code batches × length} values, or null
     * @param tensors the 16 tensors, in this order: query weight and bias, key weight and bias, value
     *     weight and bias, attention-output weight and bias, its LayerNorm weight and bias,
     *     intermediate weight {@code [ff, d]} and bias, output weight {@code [d, ff]} and bias, its
     *     LayerNorm weight and bias; weights {@code [out, in]} as in nn.Linear
     * @param alpha null for an ANN, else the {@value #ENCODER_LAYER_SITES} amplitudes of a SpikeLM at T = 1
     * @param heads attention heads (head size a multiple of 16)
     * @param scale the scores are divided by this (√ head size)
     * @param eps the LayerNorm epsilon
     * @return the layer's output, shaped as x
     * @throws IllegalArgumentException if a shape does not fit
     * @throws IllegalStateException without the native kernels
     */
    public static NDArray encoderLayer(
            NDArray x, NDArray mask, NDList tensors, float[] alpha, int heads, float scale, float eps) {
        requireDense("encoder layer");
        Shape s = x.getShape();
        if (s.dimension() < 2 || tensors.size() != ENCODER_LAYER_TENSORS) {
            throw new IllegalArgumentException("encoder layer: x " + s + " and " + tensors.size() + " tensors (16 needed)");
        }
        long d = s.get(s.dimension() - 1);
        long length = s.get(s.dimension() - 2);
        long batches = s.size() / Math.max(1, d * length);
        long ff = tensors.get(10).getShape().get(0);
        Shape[] want = {
            new Shape(d, d), new Shape(d), new Shape(d, d), new Shape(d), new Shape(d, d), new Shape(d),
            new Shape(d, d), new Shape(d), new Shape(d), new Shape(d), new Shape(ff, d), new Shape(ff),
            new Shape(d, ff), new Shape(d), new Shape(d), new Shape(d)
        };
        for (int i = 0; i < want.length; i++) {
            if (!tensors.get(i).getShape().equals(want[i])) {
                throw new IllegalArgumentException("encoder layer: tensor " + i + " is " + tensors.get(i).getShape() + ", needs " + want[i]);
            }
        }
        if (heads < 1 || d % heads != 0 || (d / heads) % 16 != 0) {
            throw new IllegalArgumentException("encoder layer: " + heads + " heads of " + d + " need a head size that is a multiple of 16");
        }
        if (alpha != null && alpha.length != ENCODER_LAYER_SITES) {
            throw new IllegalArgumentException("encoder layer: " + alpha.length + " amplitudes, " + ENCODER_LAYER_SITES + " needed");
        }
        if (mask != null && mask.size() != batches * length) {
            throw new IllegalArgumentException("encoder layer: mask " + mask.getShape() + " does not fit " + batches + " × " + length);
        }
        ByteBuffer[] buffers = new ByteBuffer[ENCODER_LAYER_TENSORS];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = memory(tensors.get(i));
        }
        NDArray out = x.getManager().create(s, DataType.FLOAT32);
        try {
            encoderLayer(memory(x), memory(mask), memory(out), buffers, alpha, batches, length, d, heads, ff, scale, eps);
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
        return out;
    }

    /**
     * Returns act(α_t·scale·(s·q) + b) for ternary spikes o = α_t·s of T steps and int8 weights: the
     * labelled, lossy alternative to {@link #linear} for spiking layers (see {@link Int8Weights}).
     * The products are exact in integers, so a row gets the same bits whatever the batch.
     *
     * @param spikes {@code [T, ..., in]}, every value 0 or ±α_t (as a SpikeLM neuron emits them),
     *     with {@link #supportsDense} true
     * @param alpha α_0 … α_{T−1}
     * @param weights the quantised weight, {@code [out, in]}
     * @param bias {@code [out]}, or {@code null}
     * @param gelu whether the outputs leave through GELU (exact, erf)
     * @return {@code [T, ..., out]} on the spikes' manager
     * @throws IllegalArgumentException if the shapes do not fit
     * @throws IllegalStateException if int8 products are not available here
     */
    public static NDArray ternaryInt8(NDArray spikes, float[] alpha, Int8Weights weights, NDArray bias, boolean gelu) {
        if (!INT8) {
            throw new IllegalStateException("int8 products need the native kernels and AVX-512 VNNI");
        }
        Shape shape = spikes.getShape();
        long in = shape.get(shape.dimension() - 1);
        if (in != weights.in || shape.get(0) != alpha.length) {
            throw new IllegalArgumentException("int8 linear: spikes " + shape + " do not fit " + alpha.length
                    + " steps and a weight of " + weights.in + " inputs");
        }
        long rows = shape.slice(0, shape.dimension() - 1).size(); // not size / in: in may be 0
        NDArray y = spikeProductOutputs("int8 linear", spikes, weights.out, bias);
        try {
            linearTernaryInt8(memory(spikes), alpha, weights.packed, weights.scale, weights.sums, memory(bias), memory(y),
                    rows, weights.out, in, gelu ? 1 : 0);
        } catch (RuntimeException | Error e) {
            y.close();
            throw e;
        }
        return y;
    }

    /**
     * Returns act(a·(s·W) + b) for rows of spikes o = a·s, s ∈ {−1, 0, 1}, by adding the weight
     * rows of the nonzero spikes only ({@code src/main/c/events.c}): exact up to the order of the
     * additions, not the dense product's bits, and a row's result depends on its own token only.
     * With {@code deltas}, step t &gt; 0 of a token starts from its step t − 1 and adds the weight
     * rows of the spikes that changed, when fewer changed than are nonzero.
     *
     * @param spikes {@code [T, ..., in]}: each row (last axis) holds 0 and ±a for one a, as a
     *     SpikeLM neuron emits them; T may be 1
     * @param weights the weight, {@link EventWeights}
     * @param bias {@code [out]}, or {@code null}
     * @param gelu whether the outputs pass through GELU (exact, erf)
     * @param deltas whether a token's later steps may add the changes of its spikes
     * @return {@code [T, ..., out]} on the spikes' manager, or {@code null} if a row holds values of
     *     two magnitudes (not spikes: multiply densely instead)
     * @throws IllegalArgumentException if the shapes do not fit
     * @throws IllegalStateException if event products are not available here
     */
    public static NDArray spikeEvents(NDArray spikes, EventWeights weights, NDArray bias, boolean gelu, boolean deltas) {
        if (!EVENTS) {
            throw new IllegalStateException("event products need the native kernels and a processor with AVX2 and FMA");
        }
        Shape shape = spikes.getShape();
        long in = shape.get(shape.dimension() - 1);
        if (in != weights.in || shape.dimension() < 2) {
            throw new IllegalArgumentException("event linear: spikes " + shape + " do not fit a weight of " + weights.in + " inputs");
        }
        long rows = shape.slice(0, shape.dimension() - 1).size(); // not size / in: in may be 0
        NDArray y = spikeProductOutputs("event linear", spikes, weights.out, bias);
        try {
            if (linearEvents(memory(spikes), shape.get(0), weights.transposed, memory(bias), memory(y), rows, weights.out, in,
                    gelu ? 1 : 0, deltas) == 0) {
                y.close();
                return null;
            }
        } catch (RuntimeException | Error e) {
            y.close();
            throw e;
        }
        return y;
    }

    /**
     * A linear layer's weight laid out {@code [in, out]} for {@link #spikeEvents}, so that a spike
     * adds one contiguous row: a float32 copy, exact. A snapshot: it does not follow later changes
     * of the weight.
     */
    public static final class EventWeights {
        private final long out;
        private final long in;
        private final ByteBuffer transposed;

        private EventWeights(long out, long in, float[] inOut) {
            this.out = out;
            this.in = in;
            transposed = ByteBuffer.allocateDirect(Math.multiplyExact(inOut.length, Float.BYTES)).order(ByteOrder.nativeOrder());
            transposed.asFloatBuffer().put(inOut);
        }

        /**
         * Copies a weight into the event kernel's layout.
         *
         * @param weight {@code [out, in]} ({@code nn.Linear}) or {@code [in, out]} (GPT-2's {@code Conv1D})
         * @param outIn whether the weight is {@code [out, in]}
         * @return the copy, or {@code null} if the kernel cannot take it (out not a multiple of 8)
         * @throws IllegalStateException if event products are not available here
         */
        public static EventWeights of(NDArray weight, boolean outIn) {
            if (!EVENTS) {
                throw new IllegalStateException("event products need the native kernels and a processor with AVX2 and FMA");
            }
            Shape s = weight.getShape();
            if (s.dimension() != 2) {
                throw new IllegalArgumentException("event weights: a matrix is needed, got " + s);
            }
            long out = s.get(outIn ? 0 : 1);
            long in = s.get(outIn ? 1 : 0);
            if (out % 8 != 0 || out * in > Integer.MAX_VALUE / Float.BYTES) {
                return null;
            }
            try (NDArray inOut = outIn ? weight.transpose() : null) {
                return new EventWeights(out, in, (inOut != null ? inOut : weight).toFloatArray());
            }
        }
    }

    /**
     * A linear layer's weight quantised to int8 for {@link #ternaryInt8}: per output n, scale_n =
     * max |W_n·| / 127 and q = round(W / scale_n) ∈ [−127, 127]. <b>Lossy</b>: each weight moves by
     * up to scale_n / 2, and the outputs by what that makes of them; an opt-in for speed, never
     * the default. A snapshot: it does not follow later changes of the weight.
     */
    public static final class Int8Weights {
        private final long out;
        private final long in;
        private final ByteBuffer packed;
        private final ByteBuffer scale;
        private final ByteBuffer sums;

        private Int8Weights(long out, long in) {
            this.out = out;
            this.in = in;
            packed = ByteBuffer.allocateDirect(Math.toIntExact(int8PackedBytes(out, in))).order(ByteOrder.nativeOrder());
            scale = ByteBuffer.allocateDirect(Math.toIntExact(out * Float.BYTES)).order(ByteOrder.nativeOrder());
            sums = ByteBuffer.allocateDirect(Math.toIntExact(out * Integer.BYTES)).order(ByteOrder.nativeOrder());
        }

        /**
         * Quantises a weight.
         *
         * @param weight {@code [out, in]} ({@code nn.Linear}) or {@code [in, out]} (GPT-2's {@code Conv1D})
         * @param outIn whether the weight is {@code [out, in]}
         * @return the int8 weight
         * @throws IllegalStateException if int8 products are not available here
         */
        public static Int8Weights quantize(NDArray weight, boolean outIn) {
            if (!INT8) {
                throw new IllegalStateException("int8 products need the native kernels and AVX-512 VNNI");
            }
            Shape s = weight.getShape();
            if (s.dimension() != 2) {
                throw new IllegalArgumentException("int8 weights: a matrix is needed, got " + s);
            }
            long out = s.get(outIn ? 0 : 1);
            long in = s.get(outIn ? 1 : 0);
            Int8Weights q = new Int8Weights(out, in);
            float[] rows = (outIn ? weight : weight.transpose()).toFloatArray(); // [out, in], a copy
            ByteBuffer w = ByteBuffer.allocateDirect(rows.length * Float.BYTES).order(ByteOrder.nativeOrder());
            w.asFloatBuffer().put(rows);
            int8Pack(w, out, in, q.packed, q.scale, q.sums);
            return q;
        }

        /**
         * Returns the quantisation step of each output, scale_n.
         *
         * @return a copy of the scales
         */
        public float[] scales() {
            float[] values = new float[Math.toIntExact(out)];
            scale.asFloatBuffer().get(0, values);
            return values;
        }
    }

    /** Checks a spike product's bias against its outputs and allocates y {@code [..., out]} for spikes {@code [..., in]}. */
    private static NDArray spikeProductOutputs(String what, NDArray spikes, long out, NDArray bias) {
        if (bias != null && bias.size() != out) {
            throw new IllegalArgumentException(what + ": bias " + bias.getShape() + " does not fit " + out + " outputs");
        }
        Shape shape = spikes.getShape();
        return spikes.getManager().create(shape.slice(0, shape.dimension() - 1).add(out), DataType.FLOAT32);
    }

    /** A processor without AVX-512 must never reach the kernels (it would stop on an illegal instruction). */
    private static void requireDense(String what) {
        if (!DENSE) {
            throw new IllegalStateException(what + ": the native dense kernels are not available here"
                    + " (no library, turned off, or no AVX-512F and FMA); check isDenseAvailable() first");
        }
    }

    /**
     * The operands' memory: {@code toByteBuffer(true)} is a view of a contiguous array (probed by
     * {@link #hasDirectMemory}) and of a contiguous copy, made by the engine, of any other.
     */
    private static ByteBuffer memory(NDArray a) {
        if (a == null) {
            return null;
        }
        // An engine's empty array has no address (JNI would see none); the kernels read and write
        // nothing of it, but need a non-null one.
        return a.size() == 0 ? ByteBuffer.allocateDirect(0) : a.toByteBuffer(true);
    }

    private static native boolean denseSupported();

    private static native void encoderLayer(
            ByteBuffer x, ByteBuffer mask, ByteBuffer out, ByteBuffer[] tensors, float[] alpha, long batches, long length,
            long d, long heads, long ff, float scale, float eps);

    private static native boolean int8Supported();

    private static native boolean eventsSupported();

    private static native int linearEvents(
            ByteBuffer x, long steps, ByteBuffer w, ByteBuffer b, ByteBuffer y, long m, long n, long k, int activation,
            boolean deltas);

    private static native long int8PackedBytes(long out, long in);

    private static native void int8Pack(ByteBuffer w, long out, long in, ByteBuffer packed, ByteBuffer scale, ByteBuffer sums);

    private static native void linearTernaryInt8(
            ByteBuffer x, float[] alpha, ByteBuffer packed, ByteBuffer scale, ByteBuffer sums, ByteBuffer b, ByteBuffer y,
            long m, long n, long k, int activation);

    private static native void linear(
            ByteBuffer x, ByteBuffer w, ByteBuffer b, ByteBuffer y, long m, long n, long k, int layout, int activation);

    private static native void attention(
            ByteBuffer q, ByteBuffer k, ByteBuffer v, ByteBuffer mask, ByteBuffer out, long batches, long maskRows,
            long lq, long lk, long heads, long d, float scale, boolean causal);

    /** Writes through a direct buffer and reads back through the engine. */
    private static boolean probeDirectView(NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray probe = scope.zeros(new Shape(1), DataType.FLOAT32, Device.cpu());
            ByteBuffer memory = probe.toByteBuffer(true);
            if (!memory.isDirect() || memory.order() != ByteOrder.nativeOrder() || memory.capacity() < Float.BYTES) {
                return false;
            }
            memory.asFloatBuffer().put(0, 0.375f);
            return probe.toFloatArray()[0] == 0.375f;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean load() {
        if (!Boolean.parseBoolean(System.getProperty("spikelm.native", "true")) || !isLinuxX86_64()) {
            return false;
        }
        try (InputStream library = NativeKernels.class.getResourceAsStream(RESOURCE)) {
            if (library == null) {
                logger.debug("No native kernels in this build; using the Java kernel and the engine's operations");
                return false;
            }
            Path file = Files.createTempFile("spikelm_kernels", ".so");
            try {
                Files.copy(library, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toString());
            } finally {
                Files.deleteIfExists(file); // the loaded mapping outlives the file
            }
            return true;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            logger.warn("Native kernels not loaded, using the Java kernel and the engine's operations: {}", e.toString());
            return false;
        }
    }

    /**
     * Returns whether this JVM runs on the platform the library is built for.
     *
     * @return true on Linux, x86-64
     */
    public static boolean isLinuxX86_64() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }
}
