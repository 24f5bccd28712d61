package ai.spikelm.zoo.convert;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * Writes a small BERT as a TensorFlow tensor bundle, built by hand: one data block of
 * prefix-compressed keys with restart points, an empty metaindex block, an index block and the
 * footer, plus the raw little-endian data file.
 */
final class TinyTfBundle {

    /** Expected tensors in Hugging Face layout, from the same generator as the ONNX fixture. */
    final Map<String, float[]> hfValues = new LinkedHashMap<>();
    final Map<String, long[]> hfShapes = new LinkedHashMap<>();

    /** TensorFlow variables by name: dtype code, shape and bytes. */
    final Map<String, Variable> variables = new TreeMap<>();

    /** Compression type byte written after the data block (0 = none, 1 = Snappy). */
    int dataBlockCompression = 0;
    /** Per-variable overrides of what the index claims. */
    final Map<String, Long> offsetOverride = new HashMap<>();
    final Map<String, Integer> dtypeOverride = new HashMap<>();

    record Variable(int dtype, long[] shape, byte[] bytes) {}

    /**
     * Creates the variables of a tiny BERT with a masked-LM head and pooler, plus Adam slots and
     * a step counter that the importer must skip.
     *
     * @param scope {@code "module/bert/"} (TF-Hub export) or {@code "bert/"} (Google's release)
     */
    TinyTfBundle(String scope) {
        String cls = scope.startsWith("module/") ? "module/cls/" : "cls/";
        TinyOnnxBert shapes = new TinyOnnxBert();
        for (Map.Entry<String, float[]> e : shapes.values.entrySet()) {
            String hf = e.getKey();
            long[] shape = shapes.shapes.get(hf);
            hfValues.put(hf, e.getValue());
            hfShapes.put(hf, shape);
            addFromHf(scope + tfPath(hf), hf, shape, e.getValue());
        }
        int h = TinyOnnxBert.HIDDEN;
        addHead("pooler.dense.weight", scope + "pooler/dense/kernel", h, h);
        addHead("pooler.dense.bias", scope + "pooler/dense/bias", h);
        addHead("cls.predictions.transform.dense.weight", cls + "predictions/transform/dense/kernel", h, h);
        addHead("cls.predictions.transform.dense.bias", cls + "predictions/transform/dense/bias", h);
        addHead("cls.predictions.transform.LayerNorm.weight", cls + "predictions/transform/LayerNorm/gamma", h);
        addHead("cls.predictions.transform.LayerNorm.bias", cls + "predictions/transform/LayerNorm/beta", h);
        addHead("cls.predictions.bias", cls + "predictions/output_bias", TinyOnnxBert.VOCAB);
        // Things a training checkpoint holds that are not model parameters.
        variables.put(scope + "pooler/dense/kernel/adam_m", floats(new long[] {h, h}, new float[h * h]));
        variables.put(scope + "pooler/dense/kernel/adam_v", floats(new long[] {h, h}, new float[h * h]));
        variables.put("global_step", new Variable(9, new long[0], ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array()));
    }

    private void addHead(String hf, String tf, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        Random r = new Random(hf.hashCode());
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        hfValues.put(hf, v);
        hfShapes.put(hf, shape);
        addFromHf(tf, hf, shape, v);
    }

    private void addFromHf(String tfName, String hf, long[] shape, float[] v) {
        if (tfName.endsWith("/kernel")) {
            variables.put(tfName, floats(new long[] {shape[1], shape[0]}, TinyOnnxBert.transpose(v, shape)));
        } else {
            variables.put(tfName, floats(shape, v));
        }
    }

    /** encoder.layer.0.attention.self.query.weight -> encoder/layer_0/attention/self/query/kernel */
    private static String tfPath(String hf) {
        String path = hf.replace('.', '/').replaceAll("layer/(\\d+)", "layer_$1");
        if (path.startsWith("embeddings/") && path.endsWith("_embeddings/weight")) {
            return path.substring(0, path.length() - "/weight".length());
        }
        if (path.contains("LayerNorm/")) {
            return path.replace("LayerNorm/weight", "LayerNorm/gamma").replace("LayerNorm/bias", "LayerNorm/beta");
        }
        return path.replaceAll("/weight$", "/kernel");
    }

    private static Variable floats(long[] shape, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return new Variable(1, shape, b.array());
    }

    /** Writes {@code dir/variables/variables.index} and {@code .data-00000-of-00001}; returns dir. */
    Path writeSavedModel(Path dir) throws IOException {
        Path vars = Files.createDirectories(dir.resolve("variables"));
        write(vars.resolve("variables"));
        return dir;
    }

    /** Writes {@code prefix.index} and {@code prefix.data-00000-of-00001}. */
    void write(Path prefix) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        keys.add(new byte[0]);
        values.add(new ProtoWriter().varint(1, 1).varint(2, 0)
                .message(3, new ProtoWriter().varint(1, 1)).toByteArray());
        for (Map.Entry<String, Variable> e : variables.entrySet()) {
            Variable v = e.getValue();
            long offset = data.size();
            data.write(v.bytes());
            ProtoWriter shape = new ProtoWriter();
            for (long d : v.shape()) {
                shape.message(2, new ProtoWriter().varint(1, d));
            }
            CRC32C crc = new CRC32C();
            crc.update(v.bytes());
            ProtoWriter entry = new ProtoWriter()
                    .varint(1, dtypeOverride.getOrDefault(e.getKey(), v.dtype()))
                    .message(2, shape)
                    .varint(4, offsetOverride.getOrDefault(e.getKey(), offset))
                    .varint(5, v.bytes().length)
                    .fixed32(6, SsTable.mask((int) crc.getValue()));
            keys.add(e.getKey().getBytes(StandardCharsets.UTF_8));
            values.add(entry.toByteArray());
        }
        Files.write(prefix.resolveSibling(prefix.getFileName() + ".data-00000-of-00001"), data.toByteArray());
        Files.write(prefix.resolveSibling(prefix.getFileName() + ".index"), table(keys, values));
    }

    private byte[] table(List<byte[]> keys, List<byte[]> values) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        long[] dataHandle = writeBlock(file, block(keys, values, 4), dataBlockCompression);
        long[] metaHandle = writeBlock(file, block(List.of(), List.of(), 1), 0);
        byte[] handle = varints(dataHandle[0], dataHandle[1]);
        long[] indexHandle = writeBlock(file,
                block(List.of(keys.get(keys.size() - 1)), List.of(handle), 1), 0);
        ByteBuffer footer = ByteBuffer.allocate(SsTable.FOOTER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        footer.put(varints(metaHandle[0], metaHandle[1], indexHandle[0], indexHandle[1]));
        footer.putLong(SsTable.FOOTER_LENGTH - 8, SsTable.MAGIC);
        file.write(footer.array());
        return file.toByteArray();
    }

    /** Encodes entries with shared-prefix compression and a restart point every {@code interval} keys. */
    private static byte[] block(List<byte[]> keys, List<byte[]> values, int interval) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        List<Integer> restarts = new ArrayList<>();
        byte[] previous = new byte[0];
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            int shared = 0;
            if (i % interval == 0) {
                restarts.add(b.size());
            } else {
                while (shared < previous.length && shared < key.length && previous[shared] == key[shared]) {
                    shared++;
                }
            }
            b.write(varints(shared, key.length - shared, values.get(i).length));
            b.write(key, shared, key.length - shared);
            b.write(values.get(i));
            previous = key;
        }
        if (restarts.isEmpty()) {
            restarts.add(0);
        }
        ByteBuffer tail = ByteBuffer.allocate(4 * restarts.size() + 4).order(ByteOrder.LITTLE_ENDIAN);
        restarts.forEach(tail::putInt);
        tail.putInt(restarts.size());
        b.write(tail.array());
        return b.toByteArray();
    }

    private static long[] writeBlock(ByteArrayOutputStream file, byte[] contents, int compression) throws IOException {
        long offset = file.size();
        file.write(contents);
        file.write(compression);
        CRC32C crc = new CRC32C();
        crc.update(contents);
        crc.update(compression);
        file.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(SsTable.mask((int) crc.getValue())).array());
        return new long[] {offset, contents.length};
    }

    private static byte[] varints(long... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (long v : values) {
            while ((v & ~0x7FL) != 0) {
                b.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            b.write((int) v);
        }
        return b.toByteArray();
    }
}
