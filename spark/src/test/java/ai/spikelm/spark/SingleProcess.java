package ai.spikelm.spark;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-process reference: the encoder a spec names, loaded in the test JVM outside Spark
 * and without measurement, all texts embedded in one call (batches of 32, sorted by length over
 * the whole call: other batches than any Spark partition sees). One instance per setting, kept for
 * the test class.
 */
final class SingleProcess {

    private static final Map<EncoderSpec, LoadedEncoder> ENCODERS = new HashMap<>();

    private SingleProcess() {}

    /** The reference encoder for the spec's model, spiking settings, pooling and window. */
    static synchronized LoadedEncoder encoder(EncoderSpec spec) throws IOException {
        EncoderSpec reference = spec.toBuilder().optBatchSize(32).optMeasureEnergy(false).build();
        LoadedEncoder encoder = ENCODERS.get(reference);
        if (encoder == null) {
            encoder = LoadedEncoder.load(reference);
            ENCODERS.put(reference, encoder);
        }
        return encoder;
    }

    /** Embeds the texts with the reference encoder. */
    static float[][] embed(EncoderSpec spec, List<String> texts) throws IOException {
        return encoder(spec).pipeline().vectors(texts);
    }

    /** Frees every reference encoder. */
    static synchronized void close() {
        ENCODERS.values().forEach(LoadedEncoder::close);
        ENCODERS.clear();
    }
}
